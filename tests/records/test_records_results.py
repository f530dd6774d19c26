"""Result items of searches: a hit's live files follow the live access (issue 25, 2)."""

import io

import pytest
from invenio_db import db
from invenio_files_rest.models import ObjectVersion

from cap.modules.access.policies import DepositPermissionPolicy
from cap.modules.deposit.records.api import Deposit
from cap.modules.records.services.results import hit_items


@pytest.fixture
def stale_hit(env, refresh):
    """A draft shared with the colleague, then unshared in the database while
    its document still lists them (its re-index failed or is pending), and a
    file added after that."""
    u = env.users
    draft = env.service.create(u.owner.identity, {"$ana_type": "generic", "title": "Stale"})
    env.service.update_permissions(
        u.owner.identity, draft.pid,
        [{"email": u.colleague.email, "type": "user", "op": "add", "action": "deposit-read"}],
    )
    refresh()
    live = Deposit.get_record(draft.id)
    live["_access"]["deposit-read"]["users"].remove(u.colleague.id)
    live.commit()  # written, not re-indexed
    ObjectVersion.create(live.bucket, "after-revocation.txt", stream=io.BytesIO(b"secret"))
    db.session.commit()
    return draft


def _hits(client, user):
    answer = client.get("/deposits/", query_string={"q": "Stale"}, headers=user.headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.json["hits"]["hits"]


def test_stale_hit_shows_no_live_files_to_a_revoked_user(client, env, stale_hit):
    (hit,) = _hits(client, env.users.colleague)  # the index still grants them ...
    assert hit["id"] == stale_hit.pid
    assert hit["files"] == []  # ... but not the live files


def test_stale_hit_shows_live_files_to_who_is_still_granted(client, env, stale_hit):
    (hit,) = _hits(client, env.users.owner)
    assert [f["key"] for f in hit["files"]] == ["after-revocation.txt"]


def test_hit_at_its_live_revision_shows_live_files(client, env, refresh, add_file):
    u = env.users
    draft = env.service.create(u.owner.identity, {"$ana_type": "generic", "title": "Stale"})
    env.service.update_permissions(
        u.owner.identity, draft.pid,
        [{"email": u.colleague.email, "type": "user", "op": "add", "action": "deposit-read"}],
    )
    add_file(draft, "shared.txt", b"shared")  # files change without a re-index
    refresh()
    (hit,) = _hits(client, u.colleague)
    assert [f["key"] for f in hit["files"]] == ["shared.txt"]


def test_items_of_hits_check_stale_drafts_against_the_live_access(env, stale_hit):
    from invenio_search import current_search_client
    from invenio_search.utils import build_alias_name

    hits = current_search_client.search(
        index=build_alias_name("deposits"), body={"query": {"match_all": {}}}, version=True
    )["hits"]["hits"]
    u = env.users
    (revoked,) = hit_items(u.colleague.identity, hits, DepositPermissionPolicy)
    (owner,) = hit_items(u.owner.identity, hits, DepositPermissionPolicy)
    assert revoked.revision < Deposit.get_record(stale_hit.id).revision_id  # stale
    assert revoked.files == []
    assert [f["key"] for f in owner.files] == ["after-revocation.txt"]
