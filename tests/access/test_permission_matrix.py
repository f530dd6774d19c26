"""The permission matrix: every role against every deposit, record, file and search route.

One table (``MATRIX``) gives, for each column (an endpoint) and each row (a
role), the expected answer: a status code for item routes, the exact set of
visible documents for searches (hits, total and facet counts are all
checked against it). Each cell is one parametrised test.

Documents are set up once per module and committed:

- ``D``: a CMS draft of ``owner``, never published, shared with
  ``shared_read`` / ``shared_update`` / ``shared_admin`` (users of no
  experiment) and read with the e-group ``ana-group@cern.ch``;
- ``P``: a CMS draft shared the same way, then published as record ``R``;
- ``AP``: an ATLAS draft of ``atlas_member``, published as ``AR``.

The review cells work on fresh CMS statistics questionnaires (a reviewable
type) shared like ``D``; ``schema_admin`` also holds the schema-level review
rights of that type (and none on ``cms-analysis``), and administers the
type ``mx-versioned`` (no documents), whose new versions the content builder
saves.

Cells that change state (delete, publish, edit, discard, file deletion)
work on fresh documents made for the cell; the others leave the module's
documents as they were (PUT/PATCH write the same values, the sharing cell
adds a grant that is already there).
"""

import io
import itertools
import json
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest
from invenio_access.models import ActionUsers
from invenio_access.permissions import ParameterizedActionNeed
from invenio_db import db as db_
from invenio_files_rest.models import ObjectVersion
from invenio_search import current_search_client
from invenio_search.utils import build_alias_name

ROLES = ("anonymous", "owner", "shared_read", "shared_update", "shared_admin", "egroup",
         "cms_member", "atlas_member", "schema_admin", "superuser")
EGROUP = "ana-group@cern.ch"
QUESTIONNAIRE = "cms-stats-questionnaire"
VERSIONED = "mx-versioned"

NONE = frozenset()
DP = frozenset({"D", "P"})
ALL = frozenset({"D", "P", "AP"})
AP = frozenset({"AP"})
R = frozenset({"R"})
AR = frozenset({"AR"})
R_AR = frozenset({"R", "AR"})
HIT, MISS = "hit", "no hit"

# fmt: off
MATRIX = {
    #                          anon  owner  s_read s_upd  s_adm  egroup cms   atlas  s_adm  super
    #                                                                                  (schema)
    "GET draft":              (401,  200,   200,   200,   200,   200,   404,  404,   200,   200),
    "GET draft files list":   (401,  200,   200,   200,   200,   200,   404,  404,   200,   200),
    "PUT draft":              (401,  200,   403,   200,   200,   403,   404,  404,   200,   200),
    "PATCH draft":            (401,  200,   403,   200,   200,   403,   404,  404,   200,   200),
    "PUT draft lenient":      (401,  200,   403,   200,   200,   403,   404,  404,   200,   200),
    "clone draft":            (401,  201,   403,   403,   403,   403,   404,  404,   201,   201),
    "share draft":            (401,  201,   403,   403,   201,   403,   404,  404,   201,   201),
    # A pattern (``_``) matches nobody: unknown address, nothing revealed.
    "share with a pattern":   (401,  400,   403,   403,   400,   403,   404,  404,   400,   400),
    # The owner always keeps their rights, whoever asks.
    "remove the owner":       (401,  400,   403,   403,   400,   403,   404,  404,   400,   400),
    "GET published draft":    (401,  200,   200,   200,   200,   200,   404,  404,   200,   200),
    "PUT published draft":    (401,  409,   403,   409,   409,   403,   404,  404,   409,   409),
    "GET record":             (401,  200,   200,   200,   200,   200,   200,  404,   200,   200),
    "GET record revisions":   (401,  200,   200,   200,   200,   200,   200,  404,   200,   200),
    "GET record as DataCite": (401,  200,   200,   200,   200,   200,   200,  404,   200,   200),
    "GET record as BibTeX":   (401,  200,   200,   200,   200,   200,   200,  404,   200,   200),
    "GET record package":     (401,  200,   200,   200,   200,   200,   200,  404,   200,   200),
    "queue package build":    (401,  202,   202,   202,   202,   202,   202,  404,   202,   202),
    "GET record diff":        (401,  200,   200,   200,   200,   200,   200,  404,   200,   200),
    # The schema version R was published with: whoever reads R reads it (its page
    # shows R in the schema's words), inside the experiment or not.
    "GET record's schema":    (401,  200,   200,   200,   200,   200,   200,  403,   200,   200),
    "GET draft file":         (401,  200,   200,   200,   200,   200,   404,  404,   200,   200),
    "PUT draft file":         (401,  200,   403,   200,   200,   403,   404,  404,   200,   200),
    "PUT draft file tags":    (401,  200,   403,   200,   200,   403,   404,  404,   200,   200),
    "GET record file":        (401,  200,   200,   200,   200,   200,   200,  404,   200,   200),
    "PUT record file":        (401,  403,   403,   403,   403,   403,   403,  404,   403,   403),
    "DELETE record file":     (401,  403,   403,   403,   403,   403,   403,  404,   403,   403),
    "PUT record file tags":   (401,  403,   403,   403,   403,   403,   403,  404,   403,   403),
    "GET CADI suggestions":   (401,  200,   403,   403,   403,   403,   200,  403,   403,   200),
    "GET fixity report":      (401,  403,   403,   403,   403,   403,   403,  403,   403,   200),
    "POST fixity re-check":   (401,  403,   403,   403,   403,   403,   403,  403,   403,   200),
    "GET draft notifications": (401, 200,   200,   200,   200,   200,   404,  404,   200,   200),
    "GET failed notifications": (401, 403,  403,   403,   403,   403,   403,  403,   403,   200),
    "GET schema notifications": (401, 403,  403,   403,   403,   403,   403,  403,   200,   200),
    "PUT schema notifications": (401, 403,  403,   403,   403,   403,   403,  403,   200,   200),
    "GET Zenodo record":      (401,  200,   200,   200,   200,   200,   200,  200,   200,   200),
    "GET draft repositories": (401,  200,   200,   200,   200,   200,   404,  404,   200,   200),
    # An unknown git host: who may attach learns that (400), the others nothing more.
    "attach repository":      (401,  400,   403,   400,   400,   403,   404,  404,   400,   400),
    "disconnect webhook":     (401,  404,   403,   404,   404,   403,   404,  404,   404,   404),
    "create repository":      (401,  400,   403,   400,   400,   403,   404,  404,   400,   400),
    # Linked accounts: each user's own; nobody here linked one (a default CAP
    # has no OAuth applications configured).
    "GET linked accounts":    (401,  200,   200,   200,   200,   200,   200,  200,   200,   200),
    "GET linked repositories": (401, 404,   404,   404,   404,   404,   404,  404,   404,   404),
    "DELETE linked account":  (401,  404,   404,   404,   404,   404,   404,  404,   404,   404),
    # A delivery's signature is its only authentication, whoever sends it.
    "unsigned repo event":    (401,  401,   401,   401,   401,   401,   401,  401,   401,   401),
    # Searches: the documents each role finds (hits, total and facets).
    "search deposits":        (401,  DP,    DP,    DP,    DP,    DP,    NONE, AP,    DP,    ALL),
    "search deposits CMS":    (401,  DP,    DP,    DP,    DP,    DP,    NONE, NONE,  DP,    DP),
    "search records":         (401,  R,     R,     R,     R,     R,     R,    AR,    R,     R_AR),
    "search records ATLAS":   (401,  NONE,  NONE,  NONE,  NONE,  NONE,  NONE, AR,    NONE,  AR),
    # State-changing cells: a fresh document each.
    "DELETE draft":           (401,  204,   403,   403,   204,   403,   404,  404,   204,   204),
    "publish draft":          (401,  202,   403,   403,   202,   403,   404,  404,   202,   202),
    "edit published draft":   (401,  201,   403,   201,   201,   403,   404,  404,   201,   201),
    "discard draft changes":  (401,  201,   403,   201,   201,   403,   404,  404,   201,   201),
    "DELETE draft file":      (401,  204,   403,   204,   204,   403,   404,  404,   204,   204),
    # The record's admins (the schema allows Zenodo: _zenodo_allowed).
    "push record to Zenodo":  (401,  202,   403,   403,   202,   403,   403,  404,   403,   202),
    # The same admins, where the schema lets records open one by one (_per_record_allowed).
    "open record to the world": (401, 200,   403,   403,   200,   403,   403,  404,   403,   200),
    # REANA workflows of D (fake REANA): draft readers see them, updaters run them;
    # P's record preserves no run, so a reproduction is refused (409) once allowed.
    "GET draft workflows":    (401,  200,   200,   200,   200,   200,   404,  404,   200,   200),
    "create workflow":        (401,  201,   403,   201,   201,   403,   404,  404,   201,   201),
    "GET workflow":           (401,  200,   200,   200,   200,   200,   404,  404,   200,   200),
    "GET workflow logs":      (401,  200,   200,   200,   200,   200,   404,  404,   200,   200),
    "start workflow":         (401,  200,   403,   200,   200,   403,   404,  404,   200,   200),
    "rerun workflow":         (401,  201,   403,   201,   201,   403,   404,  404,   201,   201),
    "DELETE workflow":        (401,  204,   403,   204,   204,   403,   404,  404,   204,   204),
    "GET record reproducibility": (401, 200, 200,  200,   200,   200,   200,  404,   200,   200),
    "reproduce record":       (401,  409,   403,   409,   409,   403,   404,  404,   409,   409),
    # Reviews (cap.modules.reviews): the owner is no reviewer unless granted.
    "review draft":           (401,  403,   403,   403,   403,   403,   404,  404,   201,   201),
    "review record":          (401,  403,   403,   403,   403,   403,   403,  404,   201,   201),
    "review unreviewable":    (401,  403,   403,   403,   403,   403,   404,  404,   403,   409),
    # POST /jsonschemas/ of a new version of an existing type (the content
    # builder's save): its administrators and superusers; a fresh number each.
    "create schema version":  (401,  403,   403,   403,   403,   403,   403,  403,   201,   201),
    # A fresh D unshared from everyone it was shared with: searched at once.
    "search after unshare":   (401,  HIT,   MISS,  MISS,  MISS,  MISS,  MISS, MISS,  HIT,   HIT),
}
# fmt: on

CELLS = [(column, role, expected[i]) for column, expected in MATRIX.items()
         for i, role in enumerate(ROLES)]

JSON = {"Content-Type": "application/json", "Accept": "application/json"}


def test_the_matrix_is_complete():
    assert all(len(row) == len(ROLES) for row in MATRIX.values())
    assert len(CELLS) == len(MATRIX) * len(ROLES)


# -- set-up, once per module ---------------------------------------------------

@pytest.fixture(scope="module")
def zenodo(zenodo_server):
    """The fake Zenodo, holding one published record (id 1001)."""
    import requests
    from fakes.zenodo_server import TOKEN

    server = zenodo_server
    auth = {"Authorization": f"Bearer {TOKEN}"}
    deposition = requests.post(f"{server.url}/api/deposit/depositions", json={
        "metadata": {"upload_type": "dataset", "title": "T", "creators": [{"name": "A"}],
                     "description": "D", "license": "cc-by-4.0"}},
        headers=auth, timeout=5).json()
    requests.put(f"{deposition['links']['bucket']}/a.txt", data=b"a", headers=auth, timeout=5)
    requests.post(deposition["links"]["publish"], headers=auth, timeout=5)
    return server


@pytest.fixture(scope="module")
def app_config(app_config, zenodo, reana_server):
    """CAP pointed at the fake Zenodo and the fake REANA (workflow cells)."""
    app_config.update(zenodo.config)
    app_config.update(reana_server.config)
    return app_config


def _zenodo_allowed():
    """The CMS analysis schema lets its records go to Zenodo."""
    from cap.modules.schemas.api import get_schema

    schema = get_schema("cms-analysis")
    if not (schema.config or {}).get("zenodo"):
        schema.config = {**(schema.config or {}), "zenodo": True}
        db_.session.commit()


def _per_record_allowed():
    """The CMS analysis schema lets each record's admins open it to the world."""
    from cap.modules.schemas.api import PER_RECORD, PUBLIC_RECORDS_KEY, get_schema

    schema = get_schema("cms-analysis")
    if (schema.config or {}).get(PUBLIC_RECORDS_KEY) != PER_RECORD:
        schema.config = {**(schema.config or {}), PUBLIC_RECORDS_KEY: PER_RECORD}
        db_.session.commit()


def _example(app, name):
    from cap.modules.schemas.api import get_schema

    schema = get_schema(name)
    root = Path(app.config["CAP_SCHEMAS_DIR"])
    data = json.loads((root / name / f"v{schema.version}" / "example.json").read_text())
    data.pop("cadi_info", None)  # reserved to the CMS conveners
    return data


@pytest.fixture(scope="module")
def people(create_user, experiment_roles):
    """One user per row (``anonymous`` has no user)."""
    people = {
        "owner": create_user("mx-owner@cern.ch", roles=["cms-members@cern.ch"]),
        "shared_read": create_user("mx-reader@cern.ch"),
        "shared_update": create_user("mx-updater@cern.ch"),
        "shared_admin": create_user("mx-admin@cern.ch"),
        "egroup": create_user("mx-egroup@cern.ch", roles=[EGROUP]),
        "cms_member": create_user("mx-cms@cern.ch", roles=["cms-members@cern.ch"]),
        "atlas_member": create_user("mx-atlas@cern.ch",
                                    roles=["atlas-active-members-all@cern.ch"]),
        "schema_admin": create_user("mx-schema-admin@cern.ch"),
        "superuser": create_user("mx-super@cern.ch",
                                 roles=["analysis-preservation-support@cern.ch"]),
    }
    for action in ("deposit-schema-admin", "record-schema-read"):
        db_.session.add(ActionUsers.allow(ParameterizedActionNeed(action, "cms-analysis"),
                                          user_id=people["schema_admin"].id))
    for action in ("deposit-schema-review", "record-schema-review"):
        db_.session.add(ActionUsers.allow(ParameterizedActionNeed(action, QUESTIONNAIRE),
                                          user_id=people["schema_admin"].id))
    db_.session.add(ActionUsers.allow(ParameterizedActionNeed("deposit-schema-admin", VERSIONED),
                                      user_id=people["schema_admin"].id))
    db_.session.commit()
    return people


@pytest.fixture(scope="module")
def versioned_type(app, database, people):
    """``VERSIONED`` v1.0.0 (a title only); the indexes of its versions go with the module."""
    from cap.modules.schemas import api
    from cap.modules.schemas.proxies import current_schemas_service

    definition = {"name": VERSIONED, "version": "1.0.0", "experiment": "CMS", "deposit_schema": {
        "type": "object", "properties": {"general_title": {"type": "string"}}}}
    current_schemas_service.create(people["superuser"].identity, definition)
    yield SimpleNamespace(definition=definition, minors=itertools.count(1))
    api.delete_index_names([index for schema in api.versions_of(VERSIONED)
                            for index in api.index_names(schema)])


def _share(service, person, pid, people):
    service.update_permissions(person.identity, pid, [
        {"email": people["shared_read"].email, "type": "user", "op": "add",
         "action": "deposit-read"},
        {"email": people["shared_update"].email, "type": "user", "op": "add",
         "action": "deposit-update"},
        {"email": people["shared_admin"].email, "type": "user", "op": "add",
         "action": "deposit-admin"},
        {"email": EGROUP, "type": "egroup", "op": "add", "action": "deposit-read"},
    ])


def _add_file(deposit, key, content=b"content"):
    obj = ObjectVersion.create(deposit.bucket, key, stream=io.BytesIO(content))
    db_.session.commit()
    return obj


@pytest.fixture(scope="module")
def docs(app, database, location, schemas, people, versioned_type):
    """The module's documents, committed."""
    from cap.modules.deposit.proxies import current_deposit_service as service

    owner, atlas = people["owner"], people["atlas_member"]
    cms = _example(app, "cms-analysis")

    # One draft per CADI analysis (cms.cadi.checks), and publishing needs the id.
    cadi_ids = (f"EXO-22-{n:03d}" for n in itertools.count(1))

    def fresh(state="draft"):
        """A CMS draft of ``owner``, shared like D, in ``state``."""
        basic_info = {**cms["basic_info"], "cadi_id": next(cadi_ids)}
        deposit = service.create(owner.identity,
                                 {"$ana_type": "cms-analysis", **cms, "basic_info": basic_info})
        _share(service, owner, deposit.pid, people)
        _add_file(deposit, "data.txt")
        if state in ("published", "edited"):
            service.publish(owner.identity, deposit.pid)
        if state == "edited":
            service.edit(owner.identity, deposit.pid)
            service.update(owner.identity, deposit.pid,
                           {**cms, "basic_info": basic_info, "code": {}})
        return service.read(owner.identity, deposit.pid)

    questionnaire = _example(app, QUESTIONNAIRE)
    questionnaire_cadi_ids = (f"HIG-22-{n:03d}" for n in itertools.count(1))

    def fresh_questionnaire(published=False):
        """A reviewable draft of ``owner``, shared like D (published if asked)."""
        context = {**questionnaire["analysis_context"], "cadi_id": next(questionnaire_cadi_ids)}
        deposit = service.create(owner.identity, {"$ana_type": QUESTIONNAIRE, **questionnaire,
                                                  "analysis_context": context})
        _share(service, owner, deposit.pid, people)
        if published:
            return service.publish(owner.identity, deposit.pid)
        return deposit

    spare = {}

    def fresh_for(state="draft", changes=True):
        """A fresh document for a cell; one kept for the cells that change nothing."""
        if changes:
            return fresh(state)
        if state not in spare:
            spare[state] = fresh(state)
        return spare[state]

    draft = fresh()
    published = fresh("published")
    atlas_deposit = service.create(atlas.identity, {"$ana_type": "atlas-analysis",
                                                    **_example(app, "atlas-analysis")})
    atlas_deposit = service.publish(atlas.identity, atlas_deposit.pid)
    from cap.modules.records.proxies import current_record_service as records

    record = records.read(owner.identity, published.recid)
    return SimpleNamespace(
        service=service, records=records, fresh=fresh_for, people=people,
        fresh_questionnaire=fresh_questionnaire, versioned=versioned_type,
        D=draft.pid, D_bucket=draft["_bucket"], D_metadata=draft.metadata,
        P=published.pid, R=published.recid, R_bucket=record["_bucket"],
        AP=atlas_deposit.pid, AR=atlas_deposit.recid,
        search_ids={"D": draft.pid, "P": published.pid, "AP": atlas_deposit.pid,
                    "R": published.recid, "AR": atlas_deposit.recid},
        kinds={"D": ("cms-analysis", "CMS"), "P": ("cms-analysis", "CMS"),
               "R": ("cms-analysis", "CMS"), "AP": ("atlas-analysis", "ATLAS"),
               "AR": ("atlas-analysis", "ATLAS")},
    )


def _reindex(docs):
    """Index the module's documents again (each test leaves the indexes empty).

    Written without a version: the deletions left tombstones newer than the
    documents' revisions, which an externally versioned write would hit.
    """
    from cap.modules.deposit.records.api import Deposit
    from cap.modules.records.api import PublishedRecord

    db_.session.expire_all()  # cells wrote through requests (other sessions)
    indexer = docs.service.indexer
    records = [Deposit.get_by_pid(docs.search_ids[n]) for n in ("D", "P", "AP")]
    records += [PublishedRecord.get_by_pid(docs.search_ids[n]) for n in ("R", "AR")]
    for record in records:
        index = indexer.record_to_index(record)
        current_search_client.index(index=build_alias_name(index), id=str(record.id),
                                    body=indexer.document(record, index))
    for alias in ("deposits", "records"):
        current_search_client.indices.refresh(index=build_alias_name(alias))


# -- the cells -----------------------------------------------------------------

def _headers(people, role, **extra):
    headers = dict(JSON) if role == "anonymous" else dict(people[role].headers)
    headers.update(extra)
    return headers


def _search(client, docs, headers, alias, names, query=""):
    answer = client.get(f"/{alias}/?size=50{query}", headers=headers)
    if answer.status_code != 200:
        return answer.status_code
    body = answer.json
    ids = {hit["id"] for hit in body["hits"]["hits"]}
    expected_ids = {docs.search_ids[n] for n in names}
    assert ids == expected_ids
    assert body["hits"]["total"] == len(names)
    facets = {
        name: {b["key"]: b["doc_count"] for b in body["aggregations"][name]["buckets"]}
        for name in ("collection", "experiment", "review_status")
    }
    assert facets == {
        "collection": dict(Counter(docs.kinds[n][0] for n in names)),
        "experiment": dict(Counter(docs.kinds[n][1] for n in names)),
        "review_status": {},  # no reviewable type among the documents searched
    }
    return set(names)


def _item(client, docs, role, headers, column, expected):
    """Run one item cell; return the status code.

    ``expected`` only picks the document of state-changing cells: a fresh one
    when the cell should succeed, a shared spare when it should be refused
    (a refusal changes nothing, which the next refused cell relies on).
    """
    d, p, r = docs.D, docs.P, docs.R
    if column in WORKFLOW_COLUMNS:
        return _workflow_item(client, docs, headers, column)
    patch = {**headers, "Content-Type": "application/json-patch+json"}
    raw = {**headers, "Content-Type": "application/octet-stream"}
    title = docs.D_metadata["basic_info"]["analysis_title"]
    if column == "GET draft":
        return client.get(f"/deposits/{d}", headers=headers).status_code
    if column == "GET draft files list":
        return client.get(f"/deposits/{d}/files", headers=headers).status_code
    if column == "PUT draft":
        return client.put(f"/deposits/{d}", headers=headers,
                          data=json.dumps(docs.D_metadata)).status_code
    if column == "PUT draft lenient":  # the editor's autosave
        return client.put(f"/deposits/{d}", headers={**headers, "Prefer": "handling=lenient"},
                          data=json.dumps(docs.D_metadata)).status_code
    if column == "GET draft notifications":
        return client.get(f"/deposits/{d}/notifications", headers=headers).status_code
    if column == "GET failed notifications":
        return client.get("/notifications/failed", headers=headers).status_code
    if column == "GET schema notifications":
        return client.get("/jsonschemas/cms-analysis/notifications", headers=headers).status_code
    if column == "PUT schema notifications":  # none, as GET answers: nothing changes
        return client.put("/jsonschemas/cms-analysis/notifications", headers=headers,
                          data=json.dumps({"actions": {}})).status_code
    if column == "GET draft repositories":
        return client.get(f"/deposits/{d}", headers={
            **headers, "Accept": "application/repositories+json"}).status_code
    if column == "attach repository":
        return client.post(f"/deposits/{d}/actions/upload", headers=headers, data=json.dumps(
            {"url": "https://git.example.org/cms/analysis"})).status_code
    if column == "create repository":  # cms-analysis has no repository templates
        return client.post(f"/deposits/{d}/actions/create_repository", headers=headers,
                           data=json.dumps({"name": "default"})).status_code
    if column == "disconnect webhook":
        return client.post(f"/deposits/{d}/actions/disconnect_webhook", headers=headers,
                           data=json.dumps({"url": "https://github.com/cms/analysis",
                                            "event_type": "push"})).status_code
    if column == "GET linked accounts":
        return client.get("/me/linked-accounts", headers=headers).status_code
    if column == "GET linked repositories":
        return client.get("/me/linked-accounts/github/repositories", headers=headers).status_code
    if column == "DELETE linked account":
        return client.delete("/me/linked-accounts/github", headers=headers).status_code
    if column == "unsigned repo event":
        return client.post("/repos/event", headers={**headers, "X-GitHub-Event": "push"},
                           data=json.dumps({"repository": {"id": 1}})).status_code
    if column == "create schema version":  # refused ones create nothing
        version = f"1.{next(docs.versioned.minors)}.0"
        return client.post("/jsonschemas/", headers=headers, data=json.dumps(
            {**docs.versioned.definition, "version": version})).status_code
    if column == "GET record's schema":
        from cap.modules.schemas.api import get_schema

        _reindex(docs)  # the rule asks the records index (the read policy's filter)
        version = get_schema("cms-analysis").version  # R's, the latest
        return client.get(f"/jsonschemas/cms-analysis/{version}", headers=headers).status_code
    if column == "GET CADI suggestions":
        return client.get("/cms/cadi?query=EXO", headers=headers).status_code
    if column == "PATCH draft":
        return client.patch(f"/deposits/{d}", headers=patch, data=json.dumps(
            [{"op": "replace", "path": "/basic_info/analysis_title", "value": title}])
        ).status_code
    if column == "clone draft":
        return client.post(f"/deposits/{d}/actions/clone", headers=headers).status_code
    if column == "share draft":
        email = "mx-reader@cern.ch"  # already a reader: nothing changes
        return client.post(f"/deposits/{d}/actions/permissions", headers=headers,
                           data=json.dumps([{"email": email, "type": "user", "op": "add",
                                             "action": "deposit-read"}])).status_code
    if column == "share with a pattern":
        return client.post(f"/deposits/{d}/actions/permissions", headers=headers,
                           data=json.dumps([{"email": "mx-own_r@cern.ch", "type": "user",
                                             "op": "add", "action": "deposit-read"}])
                           ).status_code
    if column == "remove the owner":
        return client.post(f"/deposits/{d}/actions/permissions", headers=headers,
                           data=json.dumps([{"email": "mx-owner@cern.ch", "type": "user",
                                             "op": "remove", "action": "deposit-admin"}])
                           ).status_code
    if column == "search after unshare":
        pid = _unshared(docs)
        answer = client.get("/deposits/?size=50", headers=headers)
        if answer.status_code != 200:
            return answer.status_code
        return HIT if pid in {hit["id"] for hit in answer.json["hits"]["hits"]} else MISS
    if column == "GET fixity report":
        return client.get("/admin/fixity", headers=headers).status_code
    if column == "POST fixity re-check":  # reads D's file again: its bytes stay
        file_id = ObjectVersion.get(docs.D_bucket, "data.txt").file_id
        return client.post(f"/admin/fixity/{file_id}/verify", headers=headers).status_code
    if column == "GET published draft":
        return client.get(f"/deposits/{p}", headers=headers).status_code
    if column == "PUT published draft":
        return client.put(f"/deposits/{p}", headers=headers,
                          data=json.dumps(docs.D_metadata)).status_code
    if column == "GET record":
        return client.get(f"/records/{r}", headers=headers).status_code
    if column == "GET record as DataCite":
        return client.get(f"/records/{r}?format=datacite-json", headers=headers).status_code
    if column == "GET record as BibTeX":
        return client.get(f"/records/{r}", headers={**headers, "Accept": "application/x-bibtex"}
                          ).status_code
    if column == "GET record revisions":
        return client.get(f"/records/{r}/revisions", headers=headers).status_code
    if column == "GET record package":
        return client.get(f"/records/{r}/export/package", headers=headers).status_code
    if column == "queue package build":
        return client.post(f"/records/{r}/export/package/builds", headers=headers).status_code
    if column == "GET record diff":
        return client.get(f"/records/{r}/diff?from=0&to=0", headers=headers).status_code
    if column == "GET draft file":
        return client.get(f"/files/{docs.D_bucket}/data.txt", headers=headers).status_code
    if column == "PUT draft file":
        return client.put(f"/files/{docs.D_bucket}/put-{role}.txt", headers=raw,
                          data=b"new bytes").status_code
    if column == "PUT draft file tags":
        return client.put(f"/file-tags/{docs.D_bucket}/data.txt", headers=headers,
                          data=json.dumps({"tags": {"kind": "input"}})).status_code
    if column == "GET record file":
        return client.get(f"/files/{docs.R_bucket}/data.txt", headers=headers).status_code
    if column == "PUT record file":
        return client.put(f"/files/{docs.R_bucket}/put-{role}.txt", headers=raw,
                          data=b"new bytes").status_code
    if column == "DELETE record file":
        return client.delete(f"/files/{docs.R_bucket}/data.txt", headers=headers).status_code
    if column == "PUT record file tags":
        return client.put(f"/file-tags/{docs.R_bucket}/data.txt", headers=headers,
                          data=json.dumps({"tags": {"kind": "input"}})).status_code
    if column == "DELETE draft":
        pid = docs.fresh(changes=expected < 400).pid
        return client.delete(f"/deposits/{pid}", headers=headers).status_code
    if column == "publish draft":
        pid = docs.fresh(changes=expected < 400).pid
        return client.post(f"/deposits/{pid}/actions/publish", headers=headers).status_code
    if column == "push record to Zenodo":
        _zenodo_allowed()
        recid = docs.fresh("published", changes=expected < 400).recid
        return client.post(f"/records/{recid}/actions/zenodo", headers=headers).status_code
    if column == "open record to the world":
        _per_record_allowed()
        recid = docs.fresh("published", changes=expected < 400).recid
        return client.post(f"/records/{recid}/actions/public", headers=headers,
                           data=json.dumps({"public": True})).status_code
    if column == "GET Zenodo record":
        return client.get("/services/zenodo/record/1001", headers=headers).status_code
    if column == "edit published draft":
        pid = docs.fresh("published", changes=expected < 400).pid
        return client.post(f"/deposits/{pid}/actions/edit", headers=headers).status_code
    if column == "discard draft changes":
        pid = docs.fresh("edited", changes=expected < 400).pid
        return client.post(f"/deposits/{pid}/actions/discard", headers=headers).status_code
    if column == "review draft":
        pid = docs.fresh_questionnaire().pid
        return client.post(f"/deposits/{pid}/actions/review", headers=headers,
                           data=json.dumps({"type": "approved"})).status_code
    if column == "review record":
        recid = docs.fresh_questionnaire(published=True).recid
        return client.post(f"/records/{recid}/actions/review", headers=headers,
                           data=json.dumps({"type": "approved"})).status_code
    if column == "review unreviewable":
        return client.post(f"/deposits/{d}/actions/review", headers=headers,
                           data=json.dumps({"type": "approved"})).status_code
    if column == "DELETE draft file":
        from cap.modules.deposit.records.api import Deposit

        _add_file(Deposit.get_by_pid(d), f"del-{role}.txt")
        return client.delete(f"/files/{docs.D_bucket}/del-{role}.txt",
                             headers=headers).status_code
    raise AssertionError(f"no such column {column!r}")


WORKFLOW_COLUMNS = {"GET draft workflows", "create workflow", "GET workflow",
                    "GET workflow logs", "start workflow", "rerun workflow", "DELETE workflow",
                    "GET record reproducibility", "reproduce record"}
WORKFLOW_SPEC = {"inputs": {"parameters": {"n": 1}},
                 "workflow": {"type": "serial",
                              "specification": {"steps": [{"commands": ["true"]}]}}}


def _workflow_item(client, docs, headers, column):
    """A workflow cell; each works on a fresh run of D made by its owner."""
    from cap.modules.workflows.proxies import current_workflow_service as workflows

    if column == "GET draft workflows":
        return client.get(f"/workflows/all/record/{docs.D}", headers=headers).status_code
    if column == "create workflow":
        return client.post("/workflows/reana", headers=headers, data=json.dumps(
            {"depid": docs.D, "name": "mx", "specification": WORKFLOW_SPEC})).status_code
    if column == "GET record reproducibility":
        return client.get(f"/workflows/reproduce/{docs.R}", headers=headers).status_code
    if column == "reproduce record":
        return client.post(f"/workflows/reproduce/{docs.R}", headers=headers).status_code
    run = workflows.create(docs.people["owner"].identity, docs.D,
                           {"name": "mx", "specification": WORKFLOW_SPEC})
    url = f"/workflows/reana/{run.id}"
    if column == "GET workflow":
        return client.get(url, headers=headers).status_code
    if column == "GET workflow logs":
        return client.get(f"{url}/logs", headers=headers).status_code
    if column == "start workflow":
        return client.post(f"{url}/start", headers=headers,
                           data=json.dumps({"parameters": {"n": 2}})).status_code
    if column == "rerun workflow":
        return client.post(f"{url}/rerun", headers=headers).status_code
    if column == "DELETE workflow":
        return client.delete(url, headers=headers).status_code
    raise AssertionError(f"no such column {column!r}")


def _unshared(docs):
    """A fresh draft shared like D, then unshared from all it was shared with."""
    pid, people = docs.fresh().pid, docs.people
    owner = people["owner"]
    docs.service.update_permissions(owner.identity, pid, [
        {"email": people[role].email, "type": "user", "op": "remove", "action": action}
        for role, action in (("shared_read", "deposit-read"), ("shared_update", "deposit-update"),
                             ("shared_admin", "deposit-admin"))
    ] + [{"email": EGROUP, "type": "egroup", "op": "remove", "action": "deposit-read"}])
    return pid


SEARCHES = {
    "search deposits": ("deposits", ""),
    "search deposits CMS": ("deposits", "&experiment=CMS"),
    "search records": ("records", ""),
    "search records ATLAS": ("records", "&experiment=ATLAS"),
}


@pytest.mark.parametrize(("column", "role", "expected"), CELLS,
                         ids=[f"{c}|{r}" for c, r, _ in CELLS])
def test_cell(client, docs, people, column, role, expected):
    headers = _headers(people, role)
    if column in SEARCHES:
        _reindex(docs)
        alias, query = SEARCHES[column]
        expected = set(expected) if not isinstance(expected, int) else expected
        assert _search(client, docs, headers, alias, expected if expected != 401 else (),
                       query) == expected
    else:
        assert _item(client, docs, role, headers, column, expected) == expected


def test_legacy_import_is_for_superusers_only(people, create_user):
    """``cap migrate legacy`` (a command, no endpoint): MigrationPermissionPolicy."""
    from cap.modules.access.policies import MigrationPermissionPolicy

    identities = {role: people[role].identity for role in ROLES if role != "anonymous"}
    identities["anonymous"] = create_user.anonymous
    allowed = {role for role, identity in identities.items()
               if MigrationPermissionPolicy("import").allows(identity)}
    assert allowed == {"superuser"}
