"""REST resources of drafts."""
