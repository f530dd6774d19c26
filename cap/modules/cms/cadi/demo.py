"""Demo content: the sample CADI answer and keywords, through the real sync paths."""

from flask import current_app

from ...keywords.service import load_keywords
from .sync import sync_from_file


def load_demo_cadi():
    """Sync the sample CADI analyses and index the sample keywords; a summary line."""
    config = current_app.config
    summary = sync_from_file(config["CAP_CADI_DEMO_FILE"])
    with open(config["CAP_KEYWORDS_DEMO_FILE"], encoding="utf-8") as stream:
        keywords = load_keywords(stream.read())
    return f"CADI: {summary.line()}; keywords: {keywords.indexed} indexed"
