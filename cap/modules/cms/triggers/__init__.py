"""CMS HLT trigger paths per primary dataset and year: loading, search, validation."""
