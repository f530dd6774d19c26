"""Read service of published records."""
