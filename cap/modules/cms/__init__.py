"""CMS integrations: CADI, DAS datasets, triggers.

Each source lives in its own sub-package (``cadi``, ``das``, ``triggers``)
with its own extension, config and client; ``cli.py`` holds the one
``cap cms`` click group they all add their commands to.
"""
