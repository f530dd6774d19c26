"""Zenodo: publish a record's metadata and files to get a DOI; look records up."""
