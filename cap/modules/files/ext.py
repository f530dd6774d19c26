"""The files extension: configuration, the guard on files-rest's blueprint, error answers."""

from invenio_files_rest import config as files_rest_config
from invenio_files_rest.errors import BucketLockedError, FileSizeError
from werkzeug.exceptions import ClientDisconnected

from ..core.errors import InsufficientStorageError, handle_cap_error
from . import config
from .validation import ChecksumMismatchError
from .views import (
    FILES_BLUEPRINT,
    guard_files_request,
    handle_bucket_locked_error,
    handle_client_disconnected,
    handle_file_size_error,
    refuse_unroutable_keys,
)

_UNSET = object()


class CAPFiles:
    """Files configuration (UI app and CLI: buckets get the same limits)."""

    def __init__(self, app=None):
        """Initialise when given an app."""
        if app:
            self.init_app(app)

    def init_app(self, app):
        """Register the extension."""
        self.init_config(app)
        app.extensions["cap-files"] = self

    def init_config(self, app):
        """``CAP_FILES_*`` defaults, then the files-rest settings CAP needs.

        files-rest copies its own defaults with ``setdefault`` too, and the
        loading order of extensions is not fixed: a files-rest key is set
        unless it holds a value other than files-rest's own default (an
        instance override wins).
        """
        for key in dir(config):
            if key.startswith("CAP_FILES_"):
                app.config.setdefault(key, getattr(config, key))
        settings = dict(
            config.FILES_REST_SETTINGS,
            FILES_REST_DEFAULT_MAX_FILE_SIZE=app.config["CAP_FILES_MAX_FILE_SIZE"],
            FILES_REST_DEFAULT_QUOTA_SIZE=app.config["CAP_FILES_BUCKET_QUOTA_SIZE"],
        )
        for key, value in settings.items():
            current = app.config.get(key, _UNSET)
            if current is _UNSET or current == getattr(files_rest_config, key, _UNSET):
                app.config[key] = value


class CAPFilesREST(CAPFiles):
    """Files on the API app: the guard before files-rest's views, JSON errors."""

    def init_app(self, app):
        """Register config, the ``before_request`` guard and the error handlers."""
        super().init_app(app)
        app.before_request_funcs.setdefault(FILES_BLUEPRINT, []).append(guard_files_request)
        app.before_request(refuse_unroutable_keys)
        app.register_error_handler(ClientDisconnected, handle_client_disconnected)
        app.register_error_handler(FileSizeError, handle_file_size_error)
        app.register_error_handler(BucketLockedError, handle_bucket_locked_error)
        app.register_error_handler(ChecksumMismatchError, handle_cap_error)
        app.register_error_handler(InsufficientStorageError, handle_cap_error)
