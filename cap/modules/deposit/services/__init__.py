"""Deposit service: the business rules of drafts."""
