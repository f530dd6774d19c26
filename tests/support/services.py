"""Services of our own stack in a folder and on a port of their own.

Fault-injection tests stop and start these, never the shared services the
rest of the suite runs on. They are started and stopped by
``scripts/services`` (``CAP_SERVICES_DIR`` and ``CAP_<NAME>_PORT``), the same
way as the shared ones; their state lives under ``var/faults/`` (the service
users must reach it, which a pytest tmp dir under /tmp/pytest-of-root does
not allow).
"""

import os
import shutil
import socket
import subprocess
import uuid
from contextlib import suppress
from pathlib import Path

from support.live import free_port

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "services"
PORT_VARIABLES = {"postgres": "CAP_PG_PORT", "redis": "CAP_REDIS_PORT",
                  "rabbitmq": "CAP_RABBITMQ_PORT", "opensearch": "CAP_OPENSEARCH_PORT",
                  "xrootd": "CAP_XROOTD_PORT", "s3": "CAP_S3_PORT"}
PORTS_TAKEN = {"s3": 8}
"""Consecutive ports a service listens on (SeaweedFS: S3, master, volume, filer, 4 gRPC)."""


def free_port_run(count):
    """The first of ``count`` consecutive loopback ports nothing listens on right now."""
    for _ in range(50):
        first = free_port()
        if first + count > 65535:
            continue
        try:
            for port in range(first + 1, first + count):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise RuntimeError(f"no {count} consecutive free ports found")


class PrivateService:
    """One service (``postgres``, ``redis``, ...) of its own: start, stop, remove."""

    def __init__(self, name, ports=None, env=None):
        """A new folder and free ports (``ports`` consecutive ones, the first
        is ``port``); nothing runs until :meth:`start`. ``env``: more settings
        of ``scripts/services``."""
        self.name = name
        self.port = free_port_run(ports or PORTS_TAKEN.get(name, 1))
        self.folder = ROOT / "var" / "faults" / f"{name}-{uuid.uuid4().hex[:8]}"
        self.env = {**os.environ, "CAP_SERVICES_DIR": str(self.folder),
                    PORT_VARIABLES[name]: str(self.port), **(env or {})}

    def run(self, command):
        """``scripts/services <command> <name>``; its output when it fails."""
        done = subprocess.run([str(SCRIPT), command, self.name], env=self.env,
                              capture_output=True, text=True, timeout=600)
        if done.returncode:
            raise RuntimeError(f"services {command} {self.name}: {done.stdout}{done.stderr}")
        return done.stdout

    def start(self):
        """Start and wait until it answers; stopped again when it does not
        (a process that came up late is not left running after the test)."""
        try:
            return self.run("start")
        except (RuntimeError, subprocess.TimeoutExpired):
            with suppress(RuntimeError, subprocess.TimeoutExpired):
                self.run("stop")
            raise

    def stop(self):
        """Stop (graceful, then killed after the script's timeout)."""
        return self.run("stop")

    def remove(self):
        """Stop and delete its folder."""
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
