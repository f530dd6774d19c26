"""Fault injection: real services stopped and started while CAP serves."""

import pytest
from support.services import PrivateService


@pytest.fixture(scope="module")
def private_postgres():
    """A PostgreSQL of this module's own, which its tests may stop and start."""
    service = PrivateService("postgres")
    service.start()
    yield service
    service.remove()
