"""Records the tests publish through the service."""

import io


def publish_generic(user, title, people, files=None):
    """The recid of a generic record of ``user`` titled ``title``, published
    through the service with ``files`` (``{key: bytes}``) in its bucket."""
    from invenio_access.permissions import authenticated_user
    from invenio_access.utils import get_identity
    from invenio_db import db
    from invenio_files_rest.models import ObjectVersion

    from cap.modules.deposit.proxies import current_deposit_service as service

    identity = get_identity(user)
    identity.provides.add(authenticated_user)
    draft = service.create(identity, {
        "$ana_type": "generic", "general_title": title, "title": title,
        "description": "Reinterpretation of CMS searches.", "people": people,
    })
    for key, content in (files or {}).items():
        ObjectVersion.create(draft.bucket, key, stream=io.BytesIO(content))
    db.session.commit()
    return service.publish(identity, draft.pid).data["_deposit"]["pid"]["value"]
