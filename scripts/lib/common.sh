# Shared by scripts/run and scripts/test: paths, the venv, the instance folder.
# Sourced, not executed.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv"
VAR="$ROOT/var"
export INVENIO_INSTANCE_PATH="$VAR/instance"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Create .venv when missing and (re)install the package whenever setup.py
# changed since the last install; a second run installs nothing.
ensure_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating $VENV"
    python3 -m venv "$VENV"
    # setuptools >= 81 no longer ships pkg_resources, which parts of the stack import.
    "$VENV/bin/pip" install -q --upgrade pip 'setuptools<81' wheel
  fi
  local stamp="$VENV/.cap-installed" digest
  digest="$(sha256sum "$ROOT/setup.py" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
    say "installing cap and its dependencies into .venv"
    "$VENV/bin/pip" install -q -e "$ROOT[tests]"
    echo "$digest" > "$stamp"
  fi
}

# The instance folder holds invenio.cfg (linked from the repo), the generated
# secret key and the files; .venv's default instance path points at it so a
# bare `.venv/bin/invenio` talks to the same instance as ./scripts/run.
ensure_instance() {
  mkdir -p "$INVENIO_INSTANCE_PATH" "$VAR/log"
  ln -sfn "$ROOT/invenio.cfg" "$INVENIO_INSTANCE_PATH/invenio.cfg"
  mkdir -p "$VENV/var"
  if [ ! -L "$VENV/var/instance" ]; then
    rm -rf "$VENV/var/instance"
    ln -s "$INVENIO_INSTANCE_PATH" "$VENV/var/instance"
  fi
}

# Build the web UI bundle (ui/ -> cap/modules/ui/static/dist) when its
# sources, config or lockfile changed since the last build; `npm ci` only
# when the lockfile changed. A second run does nothing.
ensure_ui_bundle() {
  local ui="$ROOT/ui" dist="$ROOT/cap/modules/ui/static/dist" digest lockdigest
  if ! command -v npm >/dev/null 2>&1; then
    say "npm is missing: install Node.js 20+ and npm to build the web UI" >&2
    return 1
  fi
  digest="$(cd "$ui" && find src public package.json package-lock.json vite.config.js -type f -print0 \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
  if [ -f "$dist/.stamp" ] && [ "$(cat "$dist/.stamp")" = "$digest" ] \
    && [ -f "$dist/.vite/manifest.json" ]; then
    return 0
  fi
  lockdigest="$(sha256sum "$ui/package-lock.json" | cut -d' ' -f1)"
  if [ ! -f "$ui/node_modules/.cap-lock" ] || [ "$(cat "$ui/node_modules/.cap-lock")" != "$lockdigest" ]; then
    say "installing the web UI's npm packages (npm ci)"
    (cd "$ui" && npm ci --no-audit --no-fund --loglevel=error) || return 1
    echo "$lockdigest" > "$ui/node_modules/.cap-lock"
  fi
  say "building the web UI bundle"
  (cd "$ui" && npm run --silent build -- --logLevel warn) || return 1
  echo "$digest" > "$dist/.stamp"
}

# A program from a Debian package, installed when missing.
ensure_debian_tool() {  # ensure_debian_tool BINARY PACKAGE WHAT-FOR
  if [ -x "$1" ]; then return 0; fi
  say "installing Debian's $2 ($3)"
  apt-get install -y -q "$2" >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get install -y -q "$2" >/dev/null; }
}

# Debian's Chromium for the browser tests (Playwright drives it; it never
# downloads a browser of its own).
ensure_browser() { ensure_debian_tool /usr/bin/chromium chromium "for the browser tests"; }

# HAProxy balances several web instances (./scripts/run --scale, tests/scale).
ensure_balancer() { ensure_debian_tool /usr/sbin/haproxy haproxy "the load balancer"; }
