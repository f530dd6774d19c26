"""Configuration of CAP's web UI.

Loaded as an ``invenio_config.module`` entry point, before any extension
initialises, because invenio-theme, invenio-accounts, invenio-oauthclient and
invenio-oauth2server copy ``BASE_TEMPLATE`` and friends into their own keys at
init time. Every page template below extends ``cap_ui/page.html``, which loads
CAP's own bundle: nothing depends on invenio-assets' webpack manifest.
"""

# Skeletons every Invenio template extends
# =========================================
BASE_TEMPLATE = "cap_ui/page.html"
"""Base of every page: CAP's header, footer and bundle."""

COVER_TEMPLATE = "cap_ui/page_cover.html"
"""Base of login-like pages (a centred panel)."""

SETTINGS_TEMPLATE = "cap_ui/page_settings.html"
"""Base of account settings pages (token page included)."""

THEME_BASE_TEMPLATE = BASE_TEMPLATE
"""invenio-theme's base (its cover, settings and error pages extend it)."""

THEME_COVER_TEMPLATE = COVER_TEMPLATE
"""invenio-theme's cover base."""

THEME_SETTINGS_TEMPLATE = SETTINGS_TEMPLATE
"""invenio-theme's settings base."""

THEME_HEADER_TEMPLATE = "cap_ui/header.html"
"""Navigation bar."""

THEME_HEADER_LOGIN_TEMPLATE = "cap_ui/empty.html"
"""invenio-theme's login box lives in CAP's header."""

HEADER_TEMPLATE = THEME_HEADER_TEMPLATE
"""invenio-theme's base header (extended by its front-page header)."""

THEME_FOOTER_TEMPLATE = "cap_ui/footer.html"
"""Footer."""

THEME_JAVASCRIPT_TEMPLATE = "cap_ui/javascript.html"
"""Script tags: CAP's bundle only (invenio-theme's pulls webpack)."""

THEME_TRACKINGCODE_TEMPLATE = "cap_ui/empty.html"
"""No tracking code."""

THEME_FRONTPAGE = False
"""``/`` is CAP's dashboard, not invenio-theme's front page."""

THEME_FRONTPAGE_TEMPLATE = "cap_ui/dashboard.html"
"""Only used if someone turns invenio-theme's front page back on."""

THEME_ERROR_TEMPLATE = "cap_ui/page_error.html"
"""Base of the error pages."""

THEME_401_TEMPLATE = "cap_ui/401.html"
"""Login required."""

THEME_403_TEMPLATE = "cap_ui/403.html"
"""Forbidden."""

THEME_404_TEMPLATE = "cap_ui/404.html"
"""Not found."""

THEME_429_TEMPLATE = "cap_ui/429.html"
"""Too many requests."""

THEME_500_TEMPLATE = "cap_ui/500.html"
"""Internal error: plain HTML, no request-dependent helpers."""

THEME_SEARCHBAR = True
"""Quick search box in the header."""

THEME_SEARCH_ENDPOINT = "/search"
"""Where the header search box goes."""

THEME_LOGO = None
"""No image logo: the site name is the brand."""

ADMIN_BASE_TEMPLATE = BASE_TEMPLATE
"""invenio-theme's admin base pulls webpack too."""

# Accounts, OAuth client (CERN SSO), OAuth2 server (tokens)
# =========================================================
ACCOUNTS_BASE_TEMPLATE = BASE_TEMPLATE
"""Base of invenio-accounts pages."""

ACCOUNTS_COVER_TEMPLATE = COVER_TEMPLATE
"""Base of invenio-accounts cover pages (password reset and similar)."""

ACCOUNTS_SETTINGS_TEMPLATE = SETTINGS_TEMPLATE
"""Base of invenio-accounts settings pages."""

SECURITY_LOGIN_USER_TEMPLATE = "cap_ui/login.html"
"""Login page: the CERN SSO button, and the local form where enabled."""

OAUTHCLIENT_LOGIN_USER_TEMPLATE = SECURITY_LOGIN_USER_TEMPLATE
"""invenio-oauthclient swaps the login template for this one at finalize."""

OAUTHCLIENT_BASE_TEMPLATE = BASE_TEMPLATE
"""Base of invenio-oauthclient pages."""

OAUTHCLIENT_COVER_TEMPLATE = COVER_TEMPLATE
"""Base of invenio-oauthclient cover pages (rejected sign-in)."""

OAUTHCLIENT_SETTINGS_TEMPLATE = SETTINGS_TEMPLATE
"""Base of the linked-accounts settings page."""

OAUTH2SERVER_BASE_TEMPLATE = BASE_TEMPLATE
"""Base of invenio-oauth2server pages."""

OAUTH2SERVER_COVER_TEMPLATE = COVER_TEMPLATE
"""Base of the authorize and error pages."""

OAUTH2SERVER_SETTINGS_TEMPLATE = SETTINGS_TEMPLATE
"""Base of the applications and tokens page."""

# CAP's own UI settings
# =====================
CAP_UI_BUNDLE_DIR = "dist"
"""Folder of the built bundle inside the module's static folder."""

CAP_UI_SSO_REMOTE_APP = "cern_openid"
"""OAuth remote app behind the "Sign in with CERN SSO" button."""

# The deposit editor
# ==================
CAP_UI_EMPTY_FILE_MESSAGE = (
    "{name} is empty (0 bytes): an empty upload is most often a file that was not "
    "written yet or a failed copy. Pick the file again once it has its content."
)
"""What the files panel says when one picks an empty file, which it then does
not upload (``{name}``: the file's name). ``None`` uploads empty files too
(the API always accepts them: ``__init__.py`` is a legitimate analysis file)."""
