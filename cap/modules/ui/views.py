"""Pages of the web UI: server-rendered shells that mount the React bundle.

Each page passes what it knows (the page name, ids from the URL, the current
user) to the bundle through a JSON data attribute; the bundle then talks to
``/api`` with the session cookie and the CSRF header.
"""

from flask import Blueprint, abort, current_app, g, redirect, render_template, request
from flask_login import current_user, login_required
from flask_security.utils import get_post_logout_redirect, logout_user
from flask_wtf import FlaskForm
from invenio_pidstore.errors import PIDDeletedError

from ..access.policies import NotificationPermissionPolicy, SchemaPermissionPolicy
from ..core.errors import NotFoundError, PermissionDeniedError
from ..deposit.proxies import current_deposit_service
from ..exports.formats import page_citation
from ..files.fixity import FixityPermissionPolicy, FixityService
from ..files.fixity_views import result_dump
from ..notifications.proxies import current_notification_service
from ..oaipmh.proxies import current_oaipmh_service
from ..oaipmh.service import world_identity
from ..records.proxies import current_record_service
from ..schemas.proxies import current_schemas_service
from .assets import html_no_cache, serve_bundle_file


class LogoutForm(FlaskForm):
    """The logout form: no fields, only its CSRF token."""


def _ensure_csrf_cookie():
    """Have invenio-rest's CSRF middleware (re)issue ``csrftoken`` if missing.

    The bundle copies that cookie into the ``X-CSRFToken`` header of every
    write to ``/api``; a browser whose session predates the cookie gets it here.
    """
    if current_app.config.get("CSRF_COOKIE_NAME", "csrftoken") not in request.cookies:
        request.csrf_cookie_needs_reset = True


def _user_props():
    if not current_user.is_authenticated:
        return None
    return {"id": current_user.id, "email": current_user.email}


def render_page(page, title, page_citation=None, **props):
    """Render the shell of one React page (with the citation metadata of a
    record opened to the world, when given)."""
    _ensure_csrf_cookie()
    props = {"page": page, "user": _user_props(), "apiBase": "/api", **props}
    return render_template("cap_ui/app.html", page=page, title=title, props=props,
                           page_citation=page_citation)


def index():
    """Dashboard when logged in, a short welcome otherwise."""
    if not current_user.is_authenticated:
        return render_template("cap_ui/welcome.html")
    return render_page("dashboard", "Dashboard")


@login_required
def search():
    """Search drafts and published analyses."""
    return render_page("search", "Search")


@login_required
def draft(pid):
    """The deposit editor; a real 404 for a draft that does not exist (or is hidden)."""
    try:
        current_deposit_service.read(g.identity, pid)
    except (NotFoundError, PIDDeletedError):
        abort(404)
    message = current_app.config.get("CAP_UI_EMPTY_FILE_MESSAGE")
    return render_page("deposit", "Edit draft", pid=pid, emptyFileMessage=message)


def _public_citation(recid):
    """The page citation of a record opened to the world (``None`` for any other)."""
    try:
        item = current_oaipmh_service.read(world_identity(), recid)
    except (NotFoundError, PIDDeletedError):
        return None
    return page_citation(item)


def record(recid):
    """A published analysis; a real 404 for a record that does not exist (or is
    hidden). A record opened to the world shows its citation to anyone."""
    public = _public_citation(recid)
    if not current_user.is_authenticated:
        if public is None:
            return current_app.login_manager.unauthorized()
        return render_template("cap_ui/public_record.html", page_citation=public,
                               title=public["citation"].title)
    try:
        current_record_service.read(g.identity, recid)
    except (NotFoundError, PIDDeletedError):
        abort(404)
    return render_page("record", "Published analysis", page_citation=public, recid=recid)


@login_required
def linked_accounts():
    """The user's GitHub, GitLab and Zenodo accounts: connect, see, disconnect."""
    return render_page("linked-accounts", "Linked accounts")


@login_required
def collection(name, version=None):
    """Published analyses of one type (and version)."""
    return render_page("collection", "Collection", collection=name, version=version)


@login_required
def types():
    """The content builder: deposit types, their versions, and new ones.
    A real 403 for those who administer no type."""
    try:
        scope = current_schemas_service.design_scope(g.identity)
    except PermissionDeniedError:
        abort(403)
    experiments = sorted(current_app.config["CAP_EXPERIMENTS"])
    return render_page("types", "Deposit types", scope=scope, experiments=experiments)


@login_required
def admin_health():
    """What admins must act on: files whose fixity check failed, mails never
    sent. A real 403 for all but those the two reports are for (superusers)."""
    try:
        fixity = [result_dump(result) for result in FixityService().report(g.identity)]
        failed_mails = current_notification_service.list_failed(g.identity)
    except PermissionDeniedError:
        abort(403)
    return render_page("admin-health", "Admin", fixity=fixity, failedMails=failed_mails)


def shows_admin_link():
    """Template global: whether the header links the admin page, asked of the
    policies of its two reports."""
    return (FixityPermissionPolicy("read_report").allows(g.identity)
            and NotificationPermissionPolicy("manage").allows(g.identity))


def may_design_types():
    """Whether the header links the content builder: the policy's ``design``."""
    return SchemaPermissionPolicy("design").allows(g.identity)


def favicon():
    """``/favicon.ico``, which browsers and feed readers ask for whatever the
    page links: the bundle's icon."""
    return redirect(current_app.extensions["cap-ui"].asset_url("favicon.svg"), code=301)


def api_docs():
    """The REST API's documentation (public, as its description is)."""
    spec_url = f"{current_app.config['SITE_API_URL'].rstrip('/')}/openapi.json"
    return render_template("cap_ui/api_docs.html", title="REST API", spec_url=spec_url)


def logout():
    """POST /logout/: end the session; the form must carry its CSRF token."""
    if not LogoutForm().validate_on_submit():
        abort(400, "The logout form has expired; reload the page and log out again.")
    if current_user.is_authenticated:
        logout_user()
    return redirect(get_post_logout_redirect())


def confirm_logout():
    """``before_app_request``: GET /logout/ (flask-security's view, which logs
    out on any GET) shows a page whose form posts instead."""
    if request.endpoint == "security.logout" and request.method == "GET":
        return render_template("cap_ui/logout.html")
    return None


def bundle(filename):
    """A file of the built bundle (see :mod:`.assets`)."""
    return serve_bundle_file(current_app.extensions["cap-ui"].manifest, filename)


def create_blueprint(app):
    """Blueprint of the UI pages and the bundle's files."""
    blueprint = Blueprint("cap_ui", __name__, template_folder="templates")
    rule = blueprint.add_url_rule
    rule("/assets/cap-ui/dist/<path:filename>", "bundle", bundle)
    rule("/", "index", index)
    rule("/search", "search", search)
    rule("/drafts/<pid>", "draft", draft)
    rule("/published/<recid>", "record", record)
    rule("/account/linked-accounts", "linked_accounts", linked_accounts)
    rule("/collection/<name>", "collection", collection)
    rule("/collection/<name>/<version>", "collection", collection)
    rule("/admin/types", "types", types)
    rule("/admin/health", "admin_health", admin_health)
    rule("/docs/api", "api_docs", api_docs)
    rule("/favicon.ico", "favicon", favicon)
    rule(app.config["SECURITY_LOGOUT_URL"], "logout", logout, methods=["POST"])
    blueprint.before_app_request(confirm_logout)
    blueprint.after_app_request(html_no_cache)
    blueprint.add_app_template_global(LogoutForm, "cap_logout_form")
    blueprint.add_app_template_global(shows_admin_link, "cap_shows_admin_link")
    blueprint.add_app_template_global(may_design_types, "cap_may_design_types")
    return blueprint
