"""Linked accounts: a user's GitHub, GitLab and Zenodo accounts, connected through OAuth."""
