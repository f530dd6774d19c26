"""The demo content of ``cap setup --demo`` on a fresh instance, harvested with
Sickle: the generic demo record its owner opened is there, every other
published demo record and every draft is not."""

import pytest
import requests
from invenio_search import current_search_client
from invenio_search.utils import build_alias_name
from sickle import Sickle
from sickle.oaiexceptions import IdDoesNotExist
from support.live import serving

NAMESPACE = "analysispreservation.cern.ch"


@pytest.fixture(scope="module")
def demo(app, database, location, live_port):
    """What ``cap setup --demo`` loads of drafts and records, on this module's own
    database, then the app served: ``(url, created, opened recid)``."""
    from cap.modules.deposit.demo import load_demo_deposits
    from cap.modules.instance import fixtures
    from cap.modules.oaipmh.demo import load_demo_public_record
    from cap.modules.schemas import api

    names = []
    for schema, _ in api.load_from_directory():
        api.create_indexes(schema)
        names += api.index_names(schema)
    fixtures.load_roles()
    fixtures.load_demo_users()
    created = load_demo_deposits()
    opened = load_demo_public_record()
    current_search_client.indices.refresh(index=build_alias_name("records"))
    with serving(app, live_port) as url:
        yield url, created, opened
    api.delete_index_names(names)


def test_the_opened_demo_record_is_harvested_and_nothing_else(demo):
    url, created, opened = demo
    recids = {kind: recid for _, kind, _, recid in created if recid}
    assert opened == recids["generic"]
    others = set(recids.values()) - {opened}
    assert others, "the demo publishes records of other types too"
    sickle = Sickle(f"{url}/oai2d", max_retries=0, timeout=10)
    harvested = [r.header.identifier for r in sickle.ListRecords(metadataPrefix="oai_dc")]
    assert harvested == [f"oai:{NAMESPACE}:{opened}"]
    assert "type:generic" in {s.setSpec for s in sickle.ListSets()}
    for hidden in (*others, *(pid for _, _, pid, _ in created)):
        with pytest.raises(IdDoesNotExist):
            sickle.GetRecord(identifier=f"oai:{NAMESPACE}:{hidden}", metadataPrefix="oai_dc")
    # Its page cites it to anyone; a closed record's does not.
    page = requests.get(f"{url}/published/{opened}", allow_redirects=False, timeout=10)
    assert page.status_code == 200 and b"citation_title" in page.content
    closed = requests.get(f"{url}/published/{sorted(others)[0]}", allow_redirects=False,
                          timeout=10)
    assert b"citation_title" not in closed.content


def test_opening_again_changes_nothing(demo):
    from cap.modules.oaipmh.demo import load_demo_public_record
    from cap.modules.records.api import PublishedRecord

    _, _, opened = demo
    revision = PublishedRecord.get_by_pid(opened).revision_id
    assert load_demo_public_record() == opened
    assert PublishedRecord.get_by_pid(opened).revision_id == revision
