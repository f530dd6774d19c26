"""REST resources of published records."""
