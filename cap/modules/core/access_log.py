"""Gunicorn's access log without credentials.

The API accepts a token as ``?access_token=`` (invenio-oauth2server, the
cap-client contract), and gunicorn writes request lines, query strings and
referrers in clear: :class:`RedactingLogger` (``logger_class`` in
``scripts/gunicorn.conf.py``) replaces the value of every credential
parameter, and any credential header a custom ``access_log_format`` names,
before a line is written.
"""

import re

from gunicorn.glogging import Logger

CREDENTIAL_PARAMETER = re.compile(
    r"(?i)((?:^|[?&;\s])(?:access_token|token|client_secret|password)=)[^&;\s\"]*"
)
CREDENTIAL_HEADERS = ("{authorization}i", "{cookie}i", "{x-csrftoken}i", "{set-cookie}o")
REDACTED = "[redacted]"


def redact(text):
    """``text`` with the value of each credential query parameter replaced."""
    return CREDENTIAL_PARAMETER.sub(lambda match: match.group(1) + REDACTED, text)


class RedactingLogger(Logger):
    """Gunicorn's logger whose access-log atoms hold no credentials."""

    def atoms(self, resp, req, environ, request_time):
        """Gunicorn's atoms, credentials redacted."""
        atoms = super().atoms(resp, req, environ, request_time)
        for name, value in atoms.items():
            if isinstance(value, str):
                atoms[name] = redact(value)
        for name in CREDENTIAL_HEADERS:
            if name in atoms:
                atoms[name] = REDACTED
        return atoms
