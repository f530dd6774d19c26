"""The ``cern_openid`` remote app, importable from the instance config.

No imports here: ``cap/config.py`` loads this before any app exists.
"""

REMOTE_NAME = "cern_openid"

REMOTE_APP = {
    "title": "CERN",
    "description": "CERN Single Sign-On.",
    "icon": "",
    # Filled in by the extension from CAP_SSO_BASE_URL / CAP_SSO_REALM.
    "logout_url": None,
    "signup_options": {"auto_confirm": True, "send_register_msg": False},
    "params": {
        # URLs, client id and secret: looked up lazily in app.config[app_key].
        "app_key": "CAP_SSO_CLIENT",
        "request_token_url": None,
        "access_token_method": "POST",
        "request_token_params": {"scope": "openid email profile"},
    },
    "authorized_handler": "invenio_oauthclient.handlers:authorized_signup_handler",
    "disconnect_handler": "invenio_oauthclient.handlers:disconnect_handler",
    "signup_handler": {
        "info": "cap.modules.auth.sso:account_info",
        "setup": "cap.modules.auth.sso:account_setup",
        "view": "invenio_oauthclient.handlers:signup_handler",
    },
}
"""The ``cern_openid`` remote app of ``OAUTHCLIENT_REMOTE_APPS``."""
