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
        self.refused_at = []
        """``time.monotonic()`` of each refused message (the gaps show the back-off)."""
        self._lock = threading.Lock()

    def reset(self):
        """Back to accepting, nothing kept."""
        with self._lock:
            self.mode, self.messages, self.envelopes, self.refused_at = "normal", [], [], []

    @property
    def refused(self):
        """How many messages were refused."""
        return len(self.refused_at)

    async def handle_DATA(self, server, session, envelope):
        """Keep the message, or refuse it in ``refuse`` mode."""
        if self.mode == "refuse":
            with self._lock:
                self.refused_at.append(time.monotonic())
            return "554 5.7.1 Relaying refused"
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
            self.envelopes.append(list(envelope.rcpt_tos))
            index = len(self.messages)
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            name = f"{time.strftime('%Y%m%dT%H%M%S')}-{index:04d}.eml"
            # Who it went to, blind copies included (not in the message's own headers),
            # as MTAs record it: one Envelope-To header on top of the file.
            header = f"Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n".encode()
            (self.folder / name).write_bytes(header + envelope.content)
        return "250 Message accepted"


def start_smtp(port=0, folder=None):
    """Serve a :class:`MailCatcher` on 127.0.0.1:``port`` (a free one for 0).

    Returns the controller; ``.handler`` is the catcher, ``.port`` the port.
    """
    handler = MailCatcher(folder)
    controller = Controller(handler, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    return controller


class SilentServer:
    """A TCP server on 127.0.0.1 that accepts connections and never sends a byte
    (an SMTP server that hangs before its greeting)."""

    def __init__(self):
        """Listen on a free port; ``accepted`` counts the connections taken."""
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self.accepted = 0
        self._open = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:  # closed by stop()
                return
            self.accepted += 1
            self._open.append(connection)  # held open, never answered

    def stop(self):
        """Close the listening socket and every connection."""
        self._socket.close()
        for connection in self._open:
            connection.close()
        self._thread.join(5)
