"""Record layer of drafts."""
