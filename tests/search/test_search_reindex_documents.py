"""A rebuilt document is the very document the after-commit indexing sent.

``cap index reindex`` builds documents straight from the rows (no ORM
instance, no deep copy when the JSON holds no ``$ref``) with the indexer's
own ``document``; whatever it sends must equal what ``indexer.index``
produced on commit, and what invenio-indexer's bulk queue consumer sends:
user fields, system and permission fields (``_access``, ``_deposit``,
``_experiment``), the search-only fields (``_schema``, ``created``,
``updated``) and the external version.
"""

from invenio_db import db
from invenio_indexer.api import RecordIndexer
from invenio_records.api import Record
from invenio_records.models import RecordMetadata
from invenio_search import current_search_client
from invenio_search.utils import build_alias_name

from cap.modules.records.indexer import get_indexer
from cap.modules.search import indexing


def indexed(kind, id_):
    """``(_source, _version)`` of a document, through the kind's alias."""
    answer = current_search_client.search(
        index=build_alias_name(f"{kind}s"),
        body={"query": {"ids": {"values": [str(id_)]}}}, version=True,
    )
    (hit,) = answer["hits"]["hits"]
    return hit["_source"], hit["_version"]


def test_rebuilt_documents_equal_the_ones_indexed_on_commit(env, example, complete, refresh):
    u = env.users
    data = example("cms-analysis")
    data.pop("cadi_info", None)
    data.get("basic_info", {}).pop("cadi_id", None)
    draft = env.service.create(u.owner.identity, {"$ana_type": "cms-analysis", **data})
    env.service.update_permissions(u.owner.identity, draft.pid, [
        {"email": u.colleague.email, "type": "user", "op": "add", "action": "deposit-read"},
        {"email": "cms-members@cern.ch", "type": "egroup", "op": "add",
         "action": "deposit-read"},
    ])
    generic = env.service.create(u.owner.identity, {"$ana_type": "generic", **complete})
    recid = env.service.publish(u.owner.identity, generic.pid).recid
    record = env.records.read(u.owner.identity, recid)
    refresh()
    before = {
        ("deposit", draft.id): indexed("deposit", draft.id),
        ("deposit", generic.id): indexed("deposit", generic.id),
        ("record", record.id): indexed("record", record.id),
    }
    source = before[("deposit", draft.id)][0]
    # The comparison covers the fields that matter for search and permissions.
    assert source["_access"]["deposit-read"]["users"] == [u.owner.id, u.colleague.id]
    assert source["_access"]["deposit-read"]["roles"] == ["cms-members@cern.ch"]
    assert source["_deposit"]["owners"] == [u.owner.id]
    assert source["_experiment"] == "CMS"
    assert source["_schema"]["name"] == "cms-analysis"
    assert source["created"] and source["updated"] and source["_created"]
    assert before[("record", record.id)][0]["control_number"] == recid

    results = indexing.reindex("cms-analysis") + indexing.reindex("generic")
    assert sum(count for _, count in results) == 3
    refresh()
    after = {key: indexed(*key) for key in before}
    assert after == before
    # Really rebuilt: the documents now live in the fresh indexes.
    hit = current_search_client.search(
        index=build_alias_name("records"), body={"query": {"ids": {"values": [str(record.id)]}}}
    )["hits"]["hits"][0]
    assert hit["_index"] in [name for name, _ in results]


def test_a_row_holding_a_json_ref_is_rebuilt_with_the_reference_replaced(
    env, complete, refresh
):
    """A row is built in place only when it holds no reference to replace."""
    draft = env.service.create(env.users.owner.identity, {"$ana_type": "generic", **complete})
    row = db.session.get(RecordMetadata, draft.id)
    row.json = {**row.json, "description": {"$ref": "#/title"}}
    db.session.commit()
    indexing.reindex("generic")
    refresh()
    source, version = indexed("deposit", draft.id)
    assert source["description"] == complete["title"]  # the reference was replaced
    assert version == row.version_id - 1
    # ... in the document only: the stored JSON keeps its reference.
    assert db.session.get(RecordMetadata, draft.id).json["description"] == {"$ref": "#/title"}


def test_the_bulk_queue_sends_the_documents_cap_sends(env, complete, refresh):
    """invenio-indexer's queue consumer prepares documents itself: the same ones."""
    draft = env.service.create(env.users.owner.identity, {"$ana_type": "generic", **complete})
    refresh()
    committed = indexed("deposit", draft.id)
    indexer = get_indexer()
    record = Record.get_record(draft.id)
    indexer.delete(record)
    refresh()
    assert current_search_client.count(index=build_alias_name("deposits"))["count"] == 0
    indexer.bulk_index([str(draft.id)])
    assert RecordIndexer().process_bulk_queue() == (1, 0)  # (sent, failed)
    refresh()
    assert indexed("deposit", draft.id) == committed
