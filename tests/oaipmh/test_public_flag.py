"""A record opened by its own flag: only where its schema's collaboration lets
records be opened one by one (``public_records: "per_record"``), only by the
record's admins; harvested (Sickle) and cited in its page while flagged, never
before nor after."""

import pytest
import requests
from invenio_db import db
from invenio_search import current_search_client
from invenio_search.utils import build_alias_name
from sickle import Sickle

from cap.modules.core.errors import NotFoundError, PermissionDeniedError
from cap.modules.oaipmh.proxies import current_oaipmh_service as service
from cap.modules.schemas.api import PER_RECORD, PUBLIC_RECORDS_KEY, get_schema

NAMESPACE = "analysispreservation.cern.ch"


@pytest.fixture()
def per_record(published, users):
    """ATLAS analyses may be opened one by one; after the test the ATLAS
    record is closed and the schema as it was."""
    schema = get_schema("atlas-analysis")
    before = schema.config
    schema.config = {**(schema.config or {}), PUBLIC_RECORDS_KEY: PER_RECORD}
    db.session.commit()
    recid = next(iter(published.closed))
    yield recid
    schema = get_schema("atlas-analysis")
    schema.config = {**(schema.config or {}), PUBLIC_RECORDS_KEY: PER_RECORD}
    db.session.commit()
    service.set_public(users.atlas.identity, recid, False)
    get_schema("atlas-analysis").config = before
    db.session.commit()


def harvested(published):
    current_search_client.indices.refresh(index=build_alias_name("records"))
    sickle = Sickle(f"{published.url}/oai2d", max_retries=0, timeout=10)
    return {r.header.identifier.rsplit(":", 1)[-1]
            for r in sickle.ListRecords(metadataPrefix="oai_dc")}


def page_cites(published, recid):
    answer = requests.get(f"{published.url}/published/{recid}", allow_redirects=False,
                          timeout=10)
    return answer.status_code == 200 and b"citation_title" in answer.content


def test_a_flagged_record_is_harvested_and_cited_only_while_flagged(published, per_record,
                                                                    users):
    recid = per_record
    # The schema permits it, but the record's admins have not opened it: closed.
    assert recid not in harvested(published)
    assert not page_cites(published, recid)
    item = service.set_public(users.atlas.identity, recid, True)
    assert item.data["_public"] is True
    assert harvested(published) == published.opened | {recid}
    assert page_cites(published, recid)
    service.set_public(users.atlas.identity, recid, False)
    assert harvested(published) == published.opened
    assert not page_cites(published, recid)


def test_the_flag_counts_only_while_the_collaboration_permits_it(published, per_record,
                                                                  users):
    recid = per_record
    service.set_public(users.atlas.identity, recid, True)
    schema = get_schema("atlas-analysis")
    schema.config = {**schema.config, PUBLIC_RECORDS_KEY: False}
    db.session.commit()
    # The collaboration closed the schema again: the flag opens nothing.
    assert recid not in harvested(published)
    assert not page_cites(published, recid)
    with pytest.raises(PermissionDeniedError, match="not opened one by one"):
        service.set_public(users.atlas.identity, recid, False)


def test_only_the_records_admins_set_it_and_only_true_or_false(published, per_record, users):
    recid = per_record
    with pytest.raises(NotFoundError):  # not of ATLAS: the record does not exist for them
        service.set_public(users.owner.identity, recid, True)
    for opened in published.opened:  # the schema opens them all: no flag to set
        with pytest.raises(PermissionDeniedError, match="not opened one by one"):
            service.set_public(users.admin.identity, opened, True)
    with pytest.raises(Exception, match="public must be true or false"):
        service.set_public(users.atlas.identity, recid, "yes")
    assert recid not in harvested(published)


def test_the_record_answer_says_whether_it_is_open_and_who_may_flip_it(published, per_record,
                                                                      users):
    from cap.modules.records.proxies import current_record_service as records
    from cap.modules.records.resources.serializers import serialize_full

    recid = per_record
    answer = serialize_full(records.read(users.atlas.identity, recid))
    assert answer["public"] is False and answer["can_open"] is True  # its owner
    service.set_public(users.atlas.identity, recid, True)
    answer = serialize_full(records.read(users.admin.identity, recid))
    assert answer["public"] is True and answer["can_open"] is True  # a superuser
    # An old revision is not flipped: the answer does not offer it.
    assert "can_open" not in serialize_full(records.read(users.atlas.identity, recid,
                                                         revision=0))
    # A schema opening all its records leaves nothing to flip, even for the owner.
    cms = next(r for r in published.opened - published.generic
               if records.read(users.owner.identity, r).is_owner)
    answer = serialize_full(records.read(users.owner.identity, cms))
    assert answer["public"] is False and answer["can_open"] is False
