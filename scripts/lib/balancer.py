"""HAProxy in front of several CAP web instances (``./scripts/run --scale``
and tests/scale).

    python scripts/lib/balancer.py --bind 127.0.0.1:5000 --state-dir var/balancer \\
        127.0.0.1:5001 127.0.0.1:5002 127.0.0.1:5003

writes ``<state-dir>/haproxy.cfg`` and runs HAProxy in the foreground (it
stops with this process). Instances are checked on ``--check`` (``/api/ping``)
every second and taken out after three failed checks or one refused
connection; a request whose connection is refused (an instance that just
died) is sent to another instance. A request already in flight on an
instance that dies is not replayed: it may not be idempotent (POST), so its
client sees the 502. Each answer names the instance that served it in
``X-CAP-Backend``. The admin socket
``<state-dir>/admin.sock`` answers HAProxy's ``show stat``.
"""

import argparse
import os
import socket

CONFIG = """\
global
    maxconn 4096
    stats socket {state_dir}/admin.sock mode 600 level admin

defaults
    mode http
    option httplog
    log stdout format raw local0 warning
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    timeout http-request 30s
    timeout check 5s
    # A new connection to the instance for every request: a request is never
    # sent on a kept-alive connection of an instance that has died since (it
    # could not be retried elsewhere, the client would see its connection cut).
    option http-server-close
    # Only a refused or failed connection is retried (never a request a
    # server may have started to act on), and on another instance.
    retries 3
    option redispatch 1
    retry-on conn-failure

frontend cap
    bind {bind}
    option forwardfor
    default_backend web

backend web
    balance roundrobin
    # The check asks for the served host name, as clients do (an app with
    # SERVER_NAME set answers 404 to any other Host).
    option httpchk
    http-check send meth GET uri {check} ver HTTP/1.1 hdr Host {bind}
    http-check expect status 200
    # A refused connection takes the instance out at once; checks bring it back.
    default-server check inter 1s fall 3 rise 1 observe layer4 error-limit 1 on-error mark-down
    http-response set-header X-CAP-Backend %[srv_name]
{servers}
"""


def config(bind, check, state_dir, instances):
    """The HAProxy configuration balancing ``instances`` (``host:port``)."""
    servers = "\n".join(
        f"    server web{number} {address}" for number, address in enumerate(instances, 1))
    return CONFIG.format(bind=bind, check=check, state_dir=state_dir, servers=servers)


def server_states(state_dir):
    """``{server name: status}`` of the web backend (``UP``, ``DOWN``, ...),
    read from the admin socket."""
    with socket.socket(socket.AF_UNIX) as admin:
        admin.connect(os.path.join(state_dir, "admin.sock"))
        admin.sendall(b"show stat\n")
        answer = b""
        while chunk := admin.recv(65536):
            answer += chunk
    lines = answer.decode().splitlines()
    header = lines[0].lstrip("# ").split(",")
    rows = [dict(zip(header, line.split(","), strict=True)) for line in lines[1:] if line]
    return {row["svname"]: row["status"] for row in rows
            if row["pxname"] == "web" and row["svname"] not in ("FRONTEND", "BACKEND")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bind", required=True, help="host:port the balancer listens on")
    parser.add_argument("--state-dir", required=True, help="config and admin socket go here")
    parser.add_argument("--check", default="/api/ping", help="health check path")
    parser.add_argument("instances", nargs="+", help="host:port of each web instance")
    args = parser.parse_args()
    state_dir = os.path.abspath(args.state_dir)
    os.makedirs(state_dir, exist_ok=True)
    path = os.path.join(state_dir, "haproxy.cfg")
    with open(path, "w") as cfg:
        cfg.write(config(args.bind, args.check, state_dir, args.instances))
    os.execvp("haproxy", ["haproxy", "-db", "-f", path])


if __name__ == "__main__":
    main()
