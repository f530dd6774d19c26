"""Notifications tests: the app sends through a real SMTP server on 127.0.0.1."""

import pytest


@pytest.fixture(scope="module")
def app_config(app_config, smtp):
    """Mail to the test server; quick retries; a committee list for HIG."""
    app_config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp.port,
        MAIL_SUPPRESS_SEND=False,
        CAP_NOTIFICATIONS_MAX_RETRIES=2,
        CAP_NOTIFICATIONS_CMS_STATS_COMMITTEE={"HIG": ["hig-stats-contact@cern.ch"]},
    )
    return app_config


@pytest.fixture
def mailbox(smtp):
    """The server's catcher, emptied and accepting for each test."""
    smtp.handler.reset()
    yield smtp.handler
    smtp.handler.reset()
