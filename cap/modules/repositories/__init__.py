"""Code repositories: GitHub and GitLab snapshots into drafts, and webhooks."""
