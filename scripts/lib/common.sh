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
