"""Fault injection: real services stopped and started while CAP serves."""

import pytest
from support.live import free_port, served_config
from support.services import PrivateService


@pytest.fixture(scope="module")
def private_postgres():
    """A PostgreSQL of this module's own, which its tests may stop and start."""
    service = PrivateService("postgres")
    service.start()
    yield service
    service.remove()


@pytest.fixture(scope="module")
def port():
    """The port a module serves CAP on (gunicorn), if it does."""
    return free_port()


@pytest.fixture(scope="module")
def app_config(app_config, port):
    """The app knows the address it may be served at."""
    return served_config(app_config, port)


@pytest.fixture(scope="module")
def cms_draft(app, database, create_user, experiment_roles, schemas, location):
    """Factory: ``(owner, draft item)``, a CMS member's committed draft titled ``title``."""
    from cap.modules.deposit.proxies import current_deposit_service

    def make(email, title):
        owner = create_user(email, roles=["cms-members@cern.ch"])
        item = current_deposit_service.create(
            owner.identity, {"$ana_type": "cms-analysis", "general_title": title})
        database.session.commit()
        return owner, item

    return make
