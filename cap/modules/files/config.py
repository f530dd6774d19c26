"""Defaults of the files module (``CAP_FILES_*``) and the files-rest settings it needs."""

CAP_FILES_MAX_FILE_SIZE = 50 * 1024**3
"""Largest file a bucket accepts, in bytes (stored per bucket as ``max_file_size``)."""

CAP_FILES_BUCKET_QUOTA_SIZE = None
"""Total bytes a bucket may hold (``None``: no quota)."""

CAP_FILES_KEY_MAX_LENGTH = 255
"""Longest file key (path inside a bucket) accepted, in characters."""

CAP_FILES_TAGS_HEADER = "X-CAP-File-Tags"
"""Request header carrying the tags of an upload, ``k=v;k2=v2``."""

CAP_FILES_TAGS_MAX_LENGTH = 255
"""Longest tag key or tag value, in characters."""

CAP_FILES_READ_CHUNK_SIZE = 1024 * 1024
"""Bytes per chunk when streaming a download (memory per concurrent download)."""

CAP_FILES_LOCKED_MESSAGE = (
    "This analysis is published and its files are read-only: "
    "edit the deposit first (POST /api/deposits/<id>/actions/edit), then change its files."
)
"""Message of the 403 answered to a write on a locked (published) bucket."""

# invenio-files-rest settings applied by the extension (see ext.py): each is
# set unless the instance configuration chose a value of its own.
FILES_REST_SETTINGS = {
    "FILES_REST_PERMISSION_FACTORY": "cap.modules.files.permissions:files_permission_factory",
    "FILES_REST_UPLOAD_FACTORIES": [
        "cap.modules.files.uploads:stream_uploadfactory",
        "invenio_files_rest.views:ngfileupload_uploadfactory",
    ],
    "FILES_REST_STORAGE_FACTORY": "cap.modules.files.storage:storage_factory",
    "FILES_REST_ALLOW_RANGE_REQUESTS": True,
    # Empty files are legitimate analysis files (e.g. ``__init__.py``).
    "FILES_REST_MIN_FILE_SIZE": 0,
    # Location URIs on shared storage can be long; PostgreSQL stores Text.
    "FILES_REST_FILE_URI_MAX_LEN": 1024,
}
"""files-rest settings CAP relies on; the size and quota defaults follow ``CAP_FILES_*``."""

CAP_FILES_XROOTD_SERVER_CHECKSUM = False
"""Take an XRootD file's checksum from the server's checksum query instead of
re-reading its bytes (the server may answer from a cached value; it must
compute MD5, ``xrootd.chksum md5``)."""

CAP_FILES_S3_REDIRECT_DOWNLOADS = False
"""Answer downloads of S3 files with a redirect to a pre-signed URL of the S3
endpoint (which clients must then reach) instead of streaming them."""

CAP_FILES_FIXITY_ALERT_RECIPIENTS = ["analysis-preservation-support@cern.ch"]
"""Who is mailed when a stored file fails its fixity check (empty: log only)."""

CAP_FILES_ORPHAN_GRACE_SECONDS = 24 * 3600
"""A file on disk with no file instance is removed once it is this old (an
upload still running is younger: uploads time out well before)."""
