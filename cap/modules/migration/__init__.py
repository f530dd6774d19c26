"""Import of legacy CAP content: drafts and records with their ids, owners, grants and files."""
