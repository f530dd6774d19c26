"""cap index reindex / check.

The database is the source of truth: rebuilding and checking start from
``records_metadata`` (catching up after an outage: tests/faults/test_search_down.py).
"""

import threading
import uuid

from invenio_db import db
from invenio_records.models import RecordMetadata
from invenio_search import current_search_client
from invenio_search.utils import build_alias_name, prefix_index

from cap.modules.search import indexing
from cap.modules.search.cli import index as index_cli


def generic(env, title, user=None):
    user = user or env.users.owner
    item = env.service.create(user.identity, {"$ana_type": "generic", "title": title})
    return item.record  # the tests below change it behind the service's back


def total(client, index):
    answer = client.search(index=index, body={"size": 0}, track_total_hits=True)
    return answer["hits"]["total"]["value"]


def test_reindex_switches_aliases_while_searches_go_on(env, complete, refresh, client):
    u = env.users
    drafts = [generic(env, f"draft {i}") for i in range(12)]
    published = env.service.create(u.owner.identity, {"$ana_type": "generic", **complete})
    published = env.service.publish(u.owner.identity, published.pid)
    env.service.create(u.owner.identity, {"$ana_type": "cms-analysis",
                                          "basic_info": {"analysis_title": "CMS one"}})
    refresh()
    schema = env.schemas["generic"]
    write = prefix_index(schema.deposit_index)
    assert indexing.concrete_indexes(write) == [write]  # a plain index before any rebuild
    engine = current_search_client._get_current_object()
    expected = {build_alias_name("deposits"): len(drafts) + 2,
                build_alias_name("deposits-generic"): len(drafts) + 1,
                build_alias_name("records"): 1}
    assert {alias: total(engine, alias) for alias in expected} == expected

    stop, seen, errors = threading.Event(), [], []

    def searches():
        while not stop.is_set():
            for alias, count in expected.items():
                try:
                    seen.append((alias, total(engine, alias), count))
                except Exception as error:  # noqa: BLE001  (every failure counts)
                    errors.append(repr(error))

    thread = threading.Thread(target=searches)
    thread.start()
    try:
        first = indexing.reindex()
        second = indexing.reindex("generic")
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert len(seen) > 10
    assert [(a, n) for a, n, want in seen if n != want] == []
    assert sum(count for _, count in first) == len(drafts) + 3
    assert sum(count for _, count in second) == len(drafts) + 2

    # The write name is now an alias of the newest index; older ones are gone.
    behind = indexing.concrete_indexes(write)
    assert len(behind) == 1 and behind[0].startswith(f"{write}-")
    assert behind[0] in [name for name, _ in second]
    assert current_search_client.indices.exists_alias(name=write)
    assert not any(name in current_search_client.indices.get(index=f"{write}*")
                   for name, _ in first if name.startswith(f"{write}-"))

    # The indexer keeps writing through the alias; revisions are kept.
    later = generic(env, "written after the rebuild")
    env.service.update(u.owner.identity, drafts[0].pid, {"title": "changed after"})
    refresh()
    answer = client.get("/deposits/", query_string={"q": "rebuild"}, headers=u.owner.headers)
    assert [hit["id"] for hit in answer.json["hits"]["hits"]] == [later.pid]
    answer = client.get("/records/", headers=u.colleague.headers)
    assert [hit["recid"] for hit in answer.json["hits"]["hits"]] == [published.recid]
    assert indexing.check() == {"missing": [], "stale": [], "orphan": []}


def test_reindex_catches_up_with_writes_made_during_the_load(env, refresh, monkeypatch):
    drafts = [generic(env, f"draft {i}") for i in range(3)]
    loaded = indexing.bulk_load

    def load_then_write(schemas, targets, progress=None):
        counts = loaded(schemas, targets, progress)
        # A save while the new indexes are loaded: it goes to the old index.
        env.service.update(env.users.owner.identity, drafts[1].pid, {"title": "during"})
        # A deletion meanwhile: the new index still holds the document.
        env.service.delete(env.users.owner.identity, drafts[2].pid)
        return counts

    monkeypatch.setattr(indexing, "bulk_load", load_then_write)
    indexing.reindex("generic")
    refresh()
    assert indexing.check() == {"missing": [], "stale": [], "orphan": []}
    hits = current_search_client.search(
        index=build_alias_name("deposits-generic"), body={"query": {"match": {"title": "during"}}}
    )["hits"]["hits"]
    assert [hit["_id"] for hit in hits] == [str(drafts[1].id)]
    ids = {hit["_id"] for hit in current_search_client.search(
        index=build_alias_name("deposits-generic"))["hits"]["hits"]}
    assert ids == {str(drafts[0].id), str(drafts[1].id)}


def test_check_reports_and_fix_repairs(app, env, refresh):
    drafts = [generic(env, f"draft {i}") for i in range(4)]
    refresh()
    assert indexing.check() == {"missing": [], "stale": [], "orphan": []}
    write = build_alias_name(env.schemas["generic"].deposit_index)
    # Missing: a row whose indexing was lost.
    lost = RecordMetadata(id=uuid.uuid4(), json=dict(drafts[0]))
    db.session.add(lost)
    db.session.commit()
    # Stale: a change committed to the database but never indexed.
    drafts[1]["title"] = "changed in the database only"
    drafts[1].commit()
    db.session.commit()
    # Orphan: a document with no row.
    orphan = str(uuid.uuid4())
    current_search_client.index(index=write, id=orphan, body={"title": "ghost"},
                                version=3, version_type="external_gte")
    refresh()
    report = indexing.check()
    assert report == {"missing": [str(lost.id)], "stale": [str(drafts[1].id)],
                      "orphan": [("deposit", orphan)]}

    runner = app.test_cli_runner()
    result = runner.invoke(index_cli, ["check"])
    assert result.exit_code == 1
    assert "missing: 1" in result.output and "orphan: 1" in result.output
    result = runner.invoke(index_cli, ["check", "--fix"])
    assert result.exit_code == 0, result.output
    assert "Repaired 3 documents." in result.output
    refresh()
    assert indexing.check() == {"missing": [], "stale": [], "orphan": []}
    source = current_search_client.get(index=write, id=str(drafts[1].id))["_source"]
    assert source["title"] == "changed in the database only"


def test_reindex_command(app, env, refresh):
    generic(env, "via the command")
    refresh()
    runner = app.test_cli_runner()
    result = runner.invoke(index_cli, ["reindex", "--type", "generic", "--quiet"])
    assert result.exit_code == 0, result.output
    # generic v1.0.0 and v2.0.0, a deposit and a record index each
    assert "Reindexed 1 documents into 4 indexes." in result.output
    # Without --quiet: the progress bar counts the documents read.
    generic(env, "second one")
    result = runner.invoke(index_cli, ["reindex", "--type", "generic"])
    assert result.exit_code == 0, result.output
    assert "reindex: 100%" in result.output and "2/2" in result.output
    assert "Reindexed 2 documents into 4 indexes." in result.output
    result = runner.invoke(index_cli, ["reindex", "--type", "nope"])
    assert result.exit_code == 2 and "--type" in result.output
