"""CERN Analysis Preservation: capture, preserve and share LHC analyses."""

__version__ = "0.1.0"
