"""The repositories service: attach snapshots, subscribe drafts to hooks, receive events.

Identity first, an optional unit of work (database, then index, then the
download task); no request. Who may attach to a draft is the drafts' policy
(``update``); who may read its repositories, ``read``. Deliveries from git
hosts carry no identity: their signature (GitHub) or token (GitLab), checked
against the hook's secret, is the only authentication, and a delivery that
does not verify changes nothing (401).

Snapshots are downloaded by :func:`~.tasks.download_snapshot` after the
commit: a published draft's bucket (read-only until the next edit) is never
written; its snapshot waits (``waiting``).
"""

import json
import secrets

from flask import current_app
from invenio_db import db
from invenio_db.uow import unit_of_work
from invenio_files_rest.errors import FileSizeError
from invenio_files_rest.models import Bucket, ObjectVersion, ObjectVersionTag
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import Headers

from ..access.generators import identity_user_id
from ..access.policies import DepositPermissionPolicy
from ..core.errors import (
    CAPError,
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    UnauthorizedError,
    field_error,
)
from ..core.uow import TaskOp
from ..deposit.proxies import current_deposit_service
from ..deposit.records.api import Deposit
from ..linked_accounts.proxies import current_linked_accounts_service
from ..notifications.rules import sandboxes_for
from .models import EVENT_TYPES, GitDelivery, GitSnapshot, GitSubscription, GitWebhook
from .providers import CLIENTS, EVENT_HEADERS, CredentialsRefusedError
from .schema_templates import RepositoryTemplate
from .urls import RepositoryURL, parse_repository_url

UPLOAD_KEYS = ("url", "webhook", "event_type")
"""The body of ``actions/upload``: cap-client 1.4 sends all three; legacy CAP's
web UI sent ``webhook: "push"|"release"|null``."""


def _iso(value):
    return value.isoformat() + "+00:00" if value else None


def snapshot_key(target, ref):
    """Where a snapshot goes in the bucket: ``repositories/<host>/<owner>/<repo>/<ref>.tar.gz``."""
    base = f"repositories/{target.host}/{target.owner}/{target.name}/{ref}"
    return f"{base}/{target.path}" if target.path else f"{base}.tar.gz"


def dump_snapshot(snapshot):
    """A snapshot as the repositories answer shows it."""
    return {
        "id": str(snapshot.id), "url": snapshot.url, "host": snapshot.host,
        "owner": snapshot.owner, "name": snapshot.name, "ref": snapshot.ref,
        "path": snapshot.path, "sha": snapshot.sha, "key": snapshot.key,
        "event": snapshot.event, "status": snapshot.status, "size": snapshot.size,
        "checksum": snapshot.checksum, "error": snapshot.error,
        "created": _iso(snapshot.created), "updated": _iso(snapshot.updated),
        # legacy CAP's snapshot: what the event said
        "payload": {"event_type": snapshot.event, "ref": snapshot.ref, "commit": snapshot.sha,
                    "link": snapshot.url},
    }


def dump_webhook(webhook, snapshots):
    """A hook a draft is subscribed to, with the snapshots it brought (legacy shape + state)."""
    return {
        "id": webhook.id, "host": webhook.host, "owner": webhook.owner, "name": webhook.name,
        "branch": webhook.branch, "event_type": webhook.event_type, "status": webhook.status,
        "snapshots": [dump_snapshot(s) for s in snapshots if s.webhook_id == webhook.id],
    }


def _refusal(error):
    """A refusal as a preview shows it: ``{message, field}``."""
    return {"message": error.message, "field": error.errors[0]["field"] if error.errors else []}


class RepositoriesService:
    """Snapshots of code repositories in drafts, the webhooks that bring new ones, and
    the repositories the drafts' schema templates create."""

    @property
    def hosts(self):
        """``CAP_REPOSITORIES_HOSTS``."""
        return current_app.config["CAP_REPOSITORIES_HOSTS"]

    def client(self, host, user_id=None):
        """The API client of a configured host: with the token of ``user_id``'s linked
        account there when there is one, else with the instance's token."""
        settings = self.hosts[host]
        token = current_linked_accounts_service.token_for_host(user_id, host)
        return CLIENTS[settings["type"]].from_config(host, settings, current_app.config,
                                                     user_token=token)

    def webhook_url(self):
        """Where hosts deliver events."""
        return current_app.config["CAP_REPOSITORIES_WEBHOOK_URL"] or (
            current_app.config["SITE_API_URL"].rstrip("/") + "/repos/event"
        )

    # -- drafts -------------------------------------------------------------
    def _draft(self, identity, pid, action):
        """The draft ``pid`` if the identity may ``action`` it (read hides it from others)."""
        current_deposit_service.read(identity, pid)  # 401/404 for who may not read it
        deposit = Deposit.get_by_pid(pid, for_update=action != "read")
        if not DepositPermissionPolicy(action, record=deposit).allows(identity):
            raise PermissionDeniedError(f"You do not have the {action} right on this draft.")
        return deposit

    def repositories(self, identity, pid):
        """The draft's snapshots, hooks and repository templates
        (``application/repositories+json``)."""
        deposit = self._draft(identity, pid, "read")
        return self._answer(deposit)

    def _answer(self, deposit):
        snapshots = GitSnapshot.query.filter_by(deposit_id=deposit.id).order_by(
            GitSnapshot.created
        ).all()
        webhooks = GitWebhook.query.join(GitSubscription).filter(
            GitSubscription.deposit_id == deposit.id
        ).order_by(GitWebhook.id).all()
        return {
            "webhooks": [dump_webhook(w, snapshots) for w in webhooks],
            "snapshots": [dump_snapshot(s) for s in snapshots],
            "templates": self._previews(deposit, webhooks),
        }

    # -- repository templates -------------------------------------------------
    @staticmethod
    def _sandboxes():
        """The Jinja sandbox of legacy templates, over ``CAP_REPOSITORIES_TEMPLATES_DIR``."""
        return sandboxes_for(current_app.config["CAP_REPOSITORIES_TEMPLATES_DIR"])

    @staticmethod
    def _template_configs(deposit):
        schema = current_deposit_service.config.schemas().get_schema_by_url(deposit["$schema"])
        return (schema.config or {}).get("repositories") or {}

    @staticmethod
    def _draft_url(deposit):
        """The draft's page (a legacy template's ``draft_url``), as its ``links.html``."""
        return current_app.config["SITE_UI_URL"] + \
            current_app.config["CAP_DEPOSIT_UI_PATH"].format(pid=deposit.pid)

    def _previews(self, deposit, webhooks):
        """What "Create repository" of each template of the draft's schema would make:
        the name (``None``, and the error naming the field to fill, while it cannot be
        made), and whether the draft follows that repository already (``created``)."""
        previews = []
        for name, config in self._template_configs(deposit).items():
            try:
                template = RepositoryTemplate.from_config(name, config, self.hosts)
            except InvalidRequestError as refused:  # the schema's config is wrong
                previews.append({"name": name, "repository": None, "created": False,
                                 "error": _refusal(refused)})
                continue
            previews.append(self._preview(template, deposit, webhooks))
        return previews

    def _preview(self, template, deposit, webhooks):
        try:
            name, error = template.repository_name(deposit, self._sandboxes(),
                                                   self._draft_url(deposit)), None
        except InvalidRequestError as refused:
            name, error = None, _refusal(refused)
        created = name is not None and any(
            w.host == template.host and w.name.lower() == name.lower()
            and (template.owner_is_id or w.owner.lower() == template.owner.lower())
            for w in webhooks)
        return {
            "name": template.name, "host": template.host, "owner": template.owner,
            "repository": name, "private": template.private,
            "event_type": template.event_type, "credentials": template.credentials,
            "url": RepositoryURL(template.host, template.owner, name).web_url
            if name and not template.owner_is_id else None,
            "created": created, "error": error,
        }

    @staticmethod
    def _parse_upload(data):
        """``(url, event_type or None)`` of an upload body; 400 naming the field."""
        if not isinstance(data, dict):
            raise InvalidRequestError("The body must be a JSON object.",
                                      [field_error([], "The body must be a JSON object.")])
        unknown = sorted(set(data) - set(UPLOAD_KEYS))
        if unknown:
            raise InvalidRequestError("Unknown fields.", [
                field_error([key], f"Unknown field; use {', '.join(UPLOAD_KEYS)}.")
                for key in unknown
            ])
        webhook, event_type = data.get("webhook", False), data.get("event_type")
        if webhook in EVENT_TYPES and event_type is None:  # legacy CAP's later shape
            webhook, event_type = True, webhook
        if webhook is None:
            webhook = False
        if not isinstance(webhook, bool):
            message = "webhook is true (subscribe to events), false, push or release."
            raise InvalidRequestError(message, [field_error("webhook", message)])
        if webhook and event_type is None:
            event_type = "release"  # cap-client's default
        if event_type is not None and event_type not in EVENT_TYPES:
            message = f"event_type is one of {', '.join(EVENT_TYPES)}."
            raise InvalidRequestError(message, [field_error("event_type", message)])
        if event_type is not None and not webhook:
            message = "event_type needs webhook: true."
            raise InvalidRequestError(message, [field_error("event_type", message)])
        return data.get("url"), event_type

    @unit_of_work()
    def attach(self, identity, pid, data, uow=None):
        """Snapshot the repository (or file) at the URL's ref into the draft; subscribe
        the draft to the repository's pushes or releases when ``webhook`` says so.

        The ref's commit is resolved now (it is what the snapshot holds); the
        download runs after the commit.
        """
        deposit = self._draft(identity, pid, "update")
        url, event_type = self._parse_upload(data)
        target = parse_repository_url(url, self.hosts)
        if deposit.bucket is None or deposit.bucket.locked:
            raise ConflictError(
                "This analysis is published and its files are read-only: edit the deposit "
                "first (POST /api/deposits/<id>/actions/edit), then attach repositories."
            )
        user_id = identity_user_id(identity)
        client = self.client(target.host, user_id)
        try:
            repository = client.repository(target.owner, target.name)
            ref = target.ref or repository.default_branch
            sha = client.commit_sha(target.owner, target.name, repository.project_id, ref)
        except NotFoundError:
            whose = "your linked account" if client.oauth else \
                "CAP (is it public? Link your account to attach private ones)"
            message = (f"{target.host} shows no repository {target.owner}/{target.name}"
                       f"{' at ' + target.ref if target.ref else ''} to {whose}.")
            raise InvalidRequestError(message, [field_error("url", message)]) from None
        if event_type is not None:
            if target.path:
                message = "A webhook follows a whole repository, not one file."
                raise InvalidRequestError(message, [field_error("webhook", message)])
            webhook = self._subscribe(identity, deposit, target, repository, event_type, ref,
                                      client)
        else:
            webhook = None
        snapshot = GitSnapshot(
            deposit_id=deposit.id, webhook_id=webhook.id if webhook else None,
            host=target.host, owner=target.owner, name=target.name,
            project_id=repository.project_id, ref=ref, path=target.path,
            sha=sha, key=snapshot_key(target, ref), url=url.strip(), event="upload",
            user_id=user_id if client.oauth else None,
        )
        db.session.add(snapshot)
        db.session.flush()
        self._queue(snapshot, uow)
        return self._answer(deposit)

    @staticmethod
    def _queue(snapshot, uow):
        from .tasks import download_snapshot

        uow.register(TaskOp(download_snapshot, str(snapshot.id)))

    def _subscribe(self, identity, deposit, target, repository, event_type, ref, client):
        """The draft subscribed to the hook of (repository, event, branch); the hook is
        created at the host (with a new secret) when CAP has none there yet, with
        ``client``'s token when it is the caller's linked account, else the instance's."""
        branch = ref if event_type == "push" else None
        webhook = GitWebhook.query.filter_by(
            host=target.host, project_id=repository.project_id, event_type=event_type,
            branch=branch,
        ).with_for_update().one_or_none()
        if webhook is None or webhook.status != "active":
            secret = secrets.token_hex(32)
            external_id, creator = self._create_hook(identity, client, target, repository,
                                                     event_type, branch, secret)
            if webhook is None:
                webhook = GitWebhook(host=target.host, owner=target.owner, name=target.name,
                                     project_id=repository.project_id, event_type=event_type,
                                     branch=branch)
                db.session.add(webhook)
            webhook.external_id, webhook.secret, webhook.status = external_id, secret, "active"
            webhook.user_id = creator
            db.session.flush()
        elif GitSubscription.query.filter_by(webhook_id=webhook.id,
                                             deposit_id=deposit.id).count():
            message = f"This analysis is already connected to the {event_type} webhook."
            raise ConflictError(message, [field_error("event_type", message)])
        db.session.add(GitSubscription(webhook_id=webhook.id, deposit_id=deposit.id,
                                       user_id=identity_user_id(identity)))
        return webhook

    def _create_hook(self, identity, client, target, repository, event_type, branch, secret):
        """``(hook id at the host, user id of the linked account that made it or None)``.

        The caller's linked account first (a private repository of theirs is
        one the instance's token may not see); where the host refuses it (no
        maintainer rights), the instance's token.
        """
        candidates = [client] if client.oauth else []
        instance = self.client(target.host)
        if instance.token:
            candidates.append(instance)
        if not candidates:
            message = (f"CAP has no credentials at {target.host} to create a webhook; "
                       "attach without webhook, or link your account.")
            raise InvalidRequestError(message, [field_error("webhook", message)])
        for candidate in candidates:
            try:
                external_id = candidate.create_hook(target.owner, target.name,
                                                    repository.project_id, event_type, branch,
                                                    self.webhook_url(), secret)
            except (NotFoundError, CredentialsRefusedError) as error:
                if not candidate.oauth and not isinstance(error, NotFoundError):
                    raise  # the instance's own credentials are wrong: the operator's problem
                continue
            return external_id, identity_user_id(identity) if candidate.oauth else None
        whose = "your linked account or CAP" if len(candidates) > 1 else (
            "your linked account" if client.oauth else "CAP")
        message = (f"{target.host} does not let {whose} create hooks on this repository "
                   "(it takes maintainer or admin rights there).")
        raise InvalidRequestError(message, [field_error("webhook", message)])

    @unit_of_work()
    def create_repository(self, identity, pid, data, uow=None):
        """Create the repository the draft's schema template ``data["name"]`` describes
        (:mod:`.schema_templates`), and subscribe the draft to its events."""
        deposit = self._draft(identity, pid, "update")
        name = data.get("name") if isinstance(data, dict) else None
        configs = self._template_configs(deposit)
        if name not in configs:
            message = (f"Use one of this deposit type's templates: {', '.join(configs)}."
                       if configs else "This deposit type has no repository templates.")
            raise InvalidRequestError(message, [field_error("name", message)])
        template = RepositoryTemplate.from_config(name, configs[name], self.hosts)
        sandboxes, draft_url = self._sandboxes(), self._draft_url(deposit)
        repo_name = template.repository_name(deposit, sandboxes, draft_url)
        description = template.render(template.description, deposit, sandboxes, draft_url)
        host = template.host
        if template.credentials == "user":
            client = self.client(host, identity_user_id(identity))
            if not client.oauth:
                message = (f"This deposit type's repositories are created with your own "
                           f"{host} account: link it first.")
                raise InvalidRequestError(message, [field_error("name", message)])
        else:
            client = self.client(host)
            if not client.token:
                message = f"CAP has no credentials at {host} to create repositories."
                raise InvalidRequestError(message, [field_error("name", message)])
        try:
            repository = client.create_repository(template.owner, repo_name, description,
                                                  template.private, template.license_template)
        except NotFoundError:
            message = (f"{host} refused to create {template.owner}/{repo_name} "
                       "(does it exist already?).")
            raise ConflictError(message, [field_error("name", message)]) from None
        owner, _, created_name = repository.full_name.rpartition("/")
        target = RepositoryURL(host, owner, created_name)
        self._subscribe(identity, deposit, target, repository, template.event_type,
                        repository.default_branch, client)
        return {**self._answer(deposit), "created": target.web_url}

    @unit_of_work()
    def disconnect(self, identity, pid, data, uow=None):
        """Unsubscribe the draft from the hook the body names (``url``, ``event_type``);
        the hook is removed at the host when no draft is subscribed any more."""
        deposit = self._draft(identity, pid, "update")
        url, event_type = self._parse_upload({"webhook": True, **data}
                                             if isinstance(data, dict) else data)
        target = parse_repository_url(url, self.hosts)
        query = GitWebhook.query.join(GitSubscription).filter(
            GitSubscription.deposit_id == deposit.id, GitWebhook.host == target.host,
            GitWebhook.owner == target.owner, GitWebhook.name == target.name,
            GitWebhook.event_type == event_type,
        )
        if event_type == "push" and target.ref:
            query = query.filter(GitWebhook.branch == target.ref)
        webhooks = query.all()
        if not webhooks:
            message = "This analysis is not connected to such a webhook."
            raise NotFoundError(message, [field_error("url", message)])
        for webhook in webhooks:
            GitSubscription.query.filter_by(webhook_id=webhook.id,
                                            deposit_id=deposit.id).delete()
            if not GitSubscription.query.filter_by(webhook_id=webhook.id).count():
                if webhook.external_id and webhook.status == "active":
                    self.client(webhook.host, webhook.user_id).delete_hook(
                        webhook.owner, webhook.name, webhook.project_id, webhook.external_id
                    )
                GitSnapshot.query.filter_by(webhook_id=webhook.id).update({"webhook_id": None})
                db.session.delete(webhook)
        db.session.flush()
        return self._answer(deposit)

    # -- deliveries ---------------------------------------------------------
    @unit_of_work()
    def receive(self, headers, body, uow=None):
        """Take a delivery from a git host: ``(answer, status)``.

        Verified against the secrets of the hooks of the repository it names:
        none verifies (or it is no delivery of a known host) -> 401, nothing
        written. A delivery id seen before changes nothing. A push of the
        hook's branch, or a release, snapshots into every subscribed draft.
        """
        headers = Headers(list(headers.items()))  # names are case-insensitive
        host_type = next((t for t, name in EVENT_HEADERS.items() if headers.get(name)), None)
        if host_type is None:
            raise UnauthorizedError("Not a delivery of a known git host.")
        try:
            payload = json.loads(body)
        except ValueError:
            raise UnauthorizedError("The delivery is not signed JSON.") from None
        if not isinstance(payload, dict):
            raise UnauthorizedError("The delivery is not signed JSON.")
        client_cls = CLIENTS[host_type]
        hosts = [h for h, settings in self.hosts.items() if settings["type"] == host_type]
        candidates = GitWebhook.query.filter(
            GitWebhook.host.in_(hosts),
            GitWebhook.project_id == client_cls.project_of(headers, payload),
        ).all()
        webhook = next((w for w in candidates if client_cls.signed(headers, body, w.secret)),
                       None)
        if webhook is None:
            raise UnauthorizedError("The delivery's signature does not verify.")
        event = client_cls.event(headers, payload)
        if event is None:
            return {"message": "Event ignored.", "snapshots": 0}, 200
        if not event.delivery_id:
            header = "X-GitHub-Delivery" if host_type == "github" else "X-Gitlab-Event-UUID"
            message = "The delivery has no id."
            raise InvalidRequestError(message, [field_error([header], message)])
        try:  # the primary key decides, also between two deliveries at once
            with db.session.begin_nested():
                db.session.add(GitDelivery(delivery_id=event.delivery_id,
                                           webhook_id=webhook.id))
        except IntegrityError:
            return {"message": "Delivery already received.", "snapshots": 0}, 200
        webhook.status = "active"
        if event.kind == "ping":
            return {"message": "pong", "snapshots": 0}, 200
        if event.kind != webhook.event_type or (webhook.branch and event.ref != webhook.branch):
            return {"message": "Event ignored.", "snapshots": 0}, 200
        count, target = 0, RepositoryURL(webhook.host, webhook.owner, webhook.name)
        for subscription in webhook.subscriptions:
            snapshot = GitSnapshot(
                deposit_id=subscription.deposit_id, webhook_id=webhook.id, host=webhook.host,
                owner=webhook.owner, name=webhook.name, project_id=webhook.project_id,
                ref=event.ref, sha=event.sha,
                key=snapshot_key(target, event.ref), url=target.web_url,
                event=event.kind, delivery_id=event.delivery_id,
                user_id=subscription.user_id,
            )
            db.session.add(snapshot)
            db.session.flush()
            self._queue(snapshot, uow)
            count += 1
        return {"message": f"{count} snapshot(s) queued.", "snapshots": count}, 202

    # -- background work ------------------------------------------------------
    def download(self, snapshot_id):
        """Download a queued snapshot into its draft's bucket (the task's body; commits).

        Too large, not found, a host down or too slow: ``failed`` with the
        reason, no file written. A bucket read-only meanwhile (published):
        ``waiting``.
        """
        snapshot = db.session.get(GitSnapshot, snapshot_id)
        if snapshot is None or snapshot.status == "done":
            return None
        deposit = Deposit.get_record(snapshot.deposit_id)
        bucket = deposit.bucket
        if bucket is None or bucket.locked or bucket.deleted:
            snapshot.status = "waiting" if bucket is not None and not bucket.deleted \
                else "failed"
            db.session.commit()
            return snapshot.status
        snapshot.status = "downloading"
        db.session.commit()
        client, project_id = self.client(snapshot.host, snapshot.user_id), snapshot.project_id
        limit = current_app.config["CAP_REPOSITORIES_MAX_SIZE"]
        if bucket.size_limit is not None:
            limit = min(limit, bucket.size_limit)
        try:
            if not snapshot.sha:
                snapshot.sha = client.commit_sha(snapshot.owner, snapshot.name, project_id,
                                                 snapshot.ref)
            if snapshot.path:
                download = client.file(snapshot.owner, snapshot.name, project_id,
                                       snapshot.sha, snapshot.path, limit)
            else:
                download = client.archive(snapshot.owner, snapshot.name, project_id,
                                          snapshot.sha, limit)
        except CAPError as error:  # too large, not found, down, too slow
            return self._failed(snapshot, error.message)
        with download.file:
            bucket = Bucket.query.filter_by(id=bucket.id).with_for_update().one()
            if bucket.locked:
                snapshot.status = "waiting"
                db.session.commit()
                return snapshot.status
            try:
                obj = ObjectVersion.create(bucket, snapshot.key, stream=download.file,
                                           size=download.size)
            except FileSizeError as error:
                db.session.rollback()
                return self._failed(db.session.get(GitSnapshot, snapshot_id),
                                    str(error.description or error))
        for key, value in (("type", "repository"), ("commit", snapshot.sha),
                           ("ref", snapshot.ref), ("source_url", snapshot.url),
                           ("sha256", download.sha256)):
            ObjectVersionTag.create(obj, key, value)
        snapshot.status, snapshot.size = "done", download.size
        snapshot.checksum, snapshot.error = obj.file.checksum, None
        db.session.commit()
        return snapshot.status

    @staticmethod
    def _failed(snapshot, reason):
        snapshot.status, snapshot.error = "failed", reason
        db.session.commit()
        return snapshot.status

    @unit_of_work()
    def attach_waiting(self, uow=None):
        """Queue the snapshots that waited for a published draft to be edited; how many."""
        waiting = GitSnapshot.query.filter_by(status="waiting").all()
        ready = [s for s in waiting
                 if (bucket := Deposit.get_record(s.deposit_id).bucket) is not None
                 and not bucket.locked and not bucket.deleted]
        for snapshot in ready:
            snapshot.status = "queued"
            self._queue(snapshot, uow)
        return len(ready)

    def check_webhooks(self):
        """Ask each host whether CAP's active hooks still exist; mark the gone ones ``dead``."""
        dead = 0
        for webhook in GitWebhook.query.filter_by(status="active").all():
            try:
                alive = self.client(webhook.host, webhook.user_id).hook_alive(
                    webhook.owner, webhook.name, webhook.project_id, webhook.external_id
                )
            except CAPError:
                continue  # the host is down: nothing learnt
            if not alive:
                webhook.status, dead = "dead", dead + 1
        db.session.commit()
        return dead

