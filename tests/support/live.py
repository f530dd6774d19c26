"""CAP served on loopback for tests that need a real HTTP server.

Browser tests and the cap-client end-to-end tests drive the UI + API app
over HTTP; the app must know its own address (links are absolute) and run
with CSRF protection on, as in production.
"""

import socket
import threading
from contextlib import contextmanager

from werkzeug.serving import make_server


def free_port():
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def served_config(app_config, port):
    """``app_config`` for an app served at ``127.0.0.1:<port>``."""
    base = f"http://127.0.0.1:{port}"
    app_config.update(
        SERVER_NAME=f"127.0.0.1:{port}",
        SITE_UI_URL=base,
        SITE_API_URL=f"{base}/api",
        # Session-authenticated API writes must carry X-CSRFToken; token
        # requests skip the check.
        REST_CSRF_ENABLED=True,
    )
    return app_config


@contextmanager
def serving(app, port):
    """Serve ``app`` in a thread on ``port``; yields its base URL."""
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(10)
