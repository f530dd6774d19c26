"""Demo datasets for ``cap setup --demo``: the shipped list, loaded like any other."""

from pathlib import Path

from flask import current_app

from . import api, sources

DEMO_FILE = Path(__file__).parent / "data" / "demo-datasets.txt"


def load_demo_datasets():
    """Load the demo list (``CAP_DAS_DEMO_FILE`` or the shipped one) into a fresh index."""
    path = current_app.config.get("CAP_DAS_DEMO_FILE") or DEMO_FILE
    return api.load(sources.from_file(path), replace=True)


def load_demo_cms_lookups():
    """The demo datasets and triggers (one call for ``cap setup --demo``)."""
    from ..triggers.demo import load_demo_triggers

    return load_demo_datasets(), load_demo_triggers()
