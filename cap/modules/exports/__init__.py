"""Exports of analysis content for papers and notes (LaTeX tables)."""
