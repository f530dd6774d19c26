"""CMS datasets from DAS: loading, search and validation of dataset names."""
