"""The current user: ``GET /api/me``."""
