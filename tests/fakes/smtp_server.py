"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives.

Every accepted message is kept in ``messages`` (parsed
:class:`email.message.EmailMessage`, with its envelope recipients in
``envelopes``) and, given a folder, written there as an ``.eml`` file. ``mode
= "refuse"`` answers every message with a permanent ``554`` (as a server that
rejects the relay would); ``"normal"`` accepts. The tests' fixture and
``./scripts/run``'s demo mail server (``scripts/lib/demo_smtp.py``) both use it.
"""

import socket
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller


def free_port():
    """A loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailCatcher:
    """The aiosmtpd handler: accept (or refuse), keep, write ``.eml`` files."""

    def __init__(self, folder=None):
        """Keep messages in memory, and in ``folder`` when given."""
        self.folder = Path(folder) if folder else None
        self.mode = "normal"
        self.messages = []
        self.envelopes = []
        self.refused = 0
        self._lock = threading.Lock()

    def reset(self):
        """Back to accepting, nothing kept."""
        with self._lock:
            self.mode, self.messages, self.envelopes, self.refused = "normal", [], [], 0

    async def handle_DATA(self, server, session, envelope):
        """Keep the message, or refuse it in ``refuse`` mode."""
        if self.mode == "refuse":
            with self._lock:
                self.refused += 1
            return "554 5.7.1 Relaying refused"
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
            self.envelopes.append(list(envelope.rcpt_tos))
            index = len(self.messages)
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            name = f"{time.strftime('%Y%m%dT%H%M%S')}-{index:04d}.eml"
            (self.folder / name).write_bytes(envelope.content)
        return "250 Message accepted"


def start_smtp(port=0, folder=None):
    """Serve a :class:`MailCatcher` on 127.0.0.1:``port`` (a free one for 0).

    Returns the controller; ``.handler`` is the catcher, ``.port`` the port.
    """
    handler = MailCatcher(folder)
    controller = Controller(handler, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    return controller
