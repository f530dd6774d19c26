"""File entries as the deposit and record JSON show them (``files`` lists).

Links are built from ``SITE_API_URL`` so entries can be made without a
request (indexing, CLI, celery), and point at the contract's
``/api/files/<bucket_id>/<key>``.
"""

from urllib.parse import quote

from flask import current_app
from invenio_files_rest.models import ObjectVersion


def object_url(bucket_id, key, version_id=None):
    """The API URL of an object (its head, or one version)."""
    base = current_app.config["SITE_API_URL"].rstrip("/")
    url = f"{base}/files/{bucket_id}/{quote(key)}"
    return f"{url}?versionId={version_id}" if version_id else url


def file_entry(object_version):
    """``{bucket, key, size, checksum, version_id, mimetype, tags, links}`` of a version."""
    obj = object_version
    bucket_id, version_id = str(obj.bucket_id), str(obj.version_id)
    file = obj.file
    return {
        "bucket": bucket_id,
        "key": obj.key,
        "size": file.size if file else None,
        "checksum": file.checksum if file else None,
        "version_id": version_id,
        "mimetype": obj.mimetype,
        "tags": obj.get_tags(),
        "links": {
            "self": object_url(bucket_id, obj.key, None if obj.is_head else version_id),
            "version": object_url(bucket_id, obj.key, version_id),
        },
    }


def bucket_files(bucket):
    """``file_entry`` of every head (non-deleted) object of a bucket, sorted by key."""
    objects = ObjectVersion.get_by_bucket(bucket).order_by(None).order_by(ObjectVersion.key)
    return [file_entry(obj) for obj in objects]
