"""CAP modules: one room per concern."""
