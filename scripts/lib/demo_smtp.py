#!/usr/bin/env python3
"""The demo mail server of ``./scripts/run``: every message CAP sends, kept as a file.

A real SMTP server (aiosmtpd) on 127.0.0.1:``CAP_DEMO_SMTP_PORT`` (default
5125) that accepts every message and writes it to ``CAP_DEMO_MAIL_DIR``
(default ``var/mail/``) as ``<time>-<n>.eml``, so a newcomer reads the
notifications the schemas' rules send. It is the test suite's server
(``tests/fakes/smtp_server.py``): one implementation for tests and demo.
"""

import contextlib
import os
import signal
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main():
    """Serve until SIGTERM or Ctrl-C."""
    sys.path.insert(0, str(ROOT / "tests"))  # the fakes' package
    from fakes.smtp_server import start_smtp

    folder = Path(os.environ.get("CAP_DEMO_MAIL_DIR", ROOT / "var" / "mail"))
    controller = start_smtp(int(os.environ.get("CAP_DEMO_SMTP_PORT", "5125")), folder)
    print(f"demo SMTP on 127.0.0.1:{controller.port}, messages in {folder}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *args: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
