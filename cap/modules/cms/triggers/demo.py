"""Demo triggers for ``cap setup --demo``: the shipped list, loaded like any other."""

from pathlib import Path

from flask import current_app

from . import api

DEMO_FILE = Path(__file__).parent / "data" / "demo-triggers.json"


def load_demo_triggers():
    """Load the demo list (``CAP_TRIGGERS_DEMO_FILE`` or the shipped one)."""
    return api.load_file(current_app.config.get("CAP_TRIGGERS_DEMO_FILE") or DEMO_FILE)
