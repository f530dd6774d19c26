"""Access: experiments, e-groups, grants and the one permission layer."""
