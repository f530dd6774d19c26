"""Reviews of drafts and records, and the approval gate of publish.

The extension is :class:`.ext.CAPReviews` (not imported here: the records
module reads :mod:`.api`, and the extension reads the records module).
"""
