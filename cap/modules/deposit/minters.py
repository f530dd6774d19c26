"""PIDs: ``depid`` (uuid hex) for drafts, ``recid`` for published records.

Record ids are ``CAP.<EXP>.XXXX.YYYY`` (``CAP.XXXX.YYYY`` without an
experiment) from ``[A-Z0-9]``, retried on collision, or the schema's
``config.pid_format`` such as ``CMS-STATS-{year}-{counter:04d}``, whose
counter continues from the existing ids with the same prefix.
"""

import re
import secrets
import string
import uuid
from datetime import UTC, datetime

from flask import current_app
from invenio_pidstore.models import PersistentIdentifier, PIDStatus

ALPHABET = string.ascii_uppercase + string.digits


class PIDMintingError(RuntimeError):
    """No free record id could be found."""


def mint_depid(record_uuid):
    """A registered ``depid`` for a new draft."""
    return PersistentIdentifier.create(
        "depid",
        uuid.uuid4().hex,
        object_type="rec",
        object_uuid=record_uuid,
        status=PIDStatus.REGISTERED,
    )


def _exists(value):
    return (
        PersistentIdentifier.query.filter_by(pid_type="recid", pid_value=value).count()
        > 0
    )


def _random_recid(experiment):
    prefix = current_app.config["CAP_RECORDS_PID_PREFIX"]
    parts = [prefix] + ([experiment.upper()] if experiment else [])
    attempts = current_app.config["CAP_RECORDS_PID_MAX_ATTEMPTS"]
    for _ in range(attempts):
        chunks = ["".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(2)]
        value = ".".join(parts + chunks)
        if not _exists(value):
            return value
    raise PIDMintingError(f"No free record id after {attempts} attempts.")


def _formatted_recid(pid_format, experiment):
    year = datetime.now(UTC).year
    fields = {"year": year, "experiment": experiment or ""}
    head, marker, _ = pid_format.partition("{counter")
    if not marker:
        raise PIDMintingError(f"pid_format {pid_format!r} has no {{counter}} field.")
    prefix = head.format(**fields)
    pattern = re.compile(re.escape(prefix) + r"(\d+)")
    existing = PersistentIdentifier.query.filter(
        PersistentIdentifier.pid_type == "recid",
        PersistentIdentifier.pid_value.like(prefix.replace("%", r"\%") + "%"),
    ).with_entities(PersistentIdentifier.pid_value)
    numbers = [int(m.group(1)) for (value,) in existing if (m := pattern.match(value))]
    counter = max(numbers, default=0) + 1
    for _ in range(current_app.config["CAP_RECORDS_PID_MAX_ATTEMPTS"]):
        value = pid_format.format(counter=counter, **fields)
        if not _exists(value):
            return value
        counter += 1
    raise PIDMintingError(f"No free record id for {pid_format!r}.")


def new_recid_value(experiment=None, pid_format=None):
    """A record id that is not taken yet."""
    if pid_format:
        return _formatted_recid(pid_format, experiment)
    return _random_recid(experiment)


def mint_recid(record_uuid, experiment=None, pid_format=None):
    """A registered ``recid`` for a record published for the first time."""
    return PersistentIdentifier.create(
        "recid",
        new_recid_value(experiment, pid_format),
        object_type="rec",
        object_uuid=record_uuid,
        status=PIDStatus.REGISTERED,
    )
