"""Exports: defaults."""

CAP_EXPORTS_PUBLISHER = "CERN Analysis Preservation"
"""The publisher every export names (BibTeX, DataCite, Dublin Core...)."""
