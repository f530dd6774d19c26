# shellcheck shell=bash
# Installs and prepares (first-time setup) the native services used by CAP:
# postgres, redis, rabbitmq, opensearch, xrootd, s3.  Everything it creates
# lives under $CAP_SERVICES_DIR (default: <repo>/var/services), except Debian
# packages, system users, ~/.m2 (the Maven cache OpenSearch is fetched into),
# Go's module and build caches and $CAP_TOOLS_DIR (SeaweedFS's `weed`).
#
# Sourced by scripts/services.  Can also be run on its own, as root:
#   scripts/lib/install-services.sh [postgres redis rabbitmq opensearch]
# Everything here is idempotent: a second run only checks and returns.

# ---------------------------------------------------------------- settings
_INSTALL_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${CAP_ROOT:=$(cd "$_INSTALL_LIB_DIR/../.." && pwd)}"
: "${CAP_SERVICES_DIR:=$CAP_ROOT/var/services}"

PG_BIN=/usr/lib/postgresql/15/bin
PG_DIR=$CAP_SERVICES_DIR/postgres
REDIS_DIR=$CAP_SERVICES_DIR/redis
RMQ_DIR=$CAP_SERVICES_DIR/rabbitmq
# The real scripts, not Debian's /usr/sbin wrappers (those `su` by themselves)
# shellcheck disable=SC2034  # used by scripts/services
RMQ_BIN=/usr/lib/rabbitmq/bin
OS_VERSION=2.19.1
OS_DIR=$CAP_SERVICES_DIR/opensearch
OS_HOME=$OS_DIR/opensearch-$OS_VERSION
OS_USER=opensearch
XRD_DIR=$CAP_SERVICES_DIR/xrootd
XRD_USER=xrootd
S3_DIR=$CAP_SERVICES_DIR/s3
# Tools built from source: in the user's cache, not the checkout, so that a
# fresh clone (CI) or another worktree reuses a build of many minutes.
: "${CAP_TOOLS_DIR:=${XDG_CACHE_HOME:-$HOME/.cache}/cap-tools}"
SEAWEEDFS_MODULE=github.com/seaweedfs/seaweedfs
SEAWEEDFS_VERSION=v0.0.0-20261109003541-7506e5f91cd6
WEED_BIN=$CAP_TOOLS_DIR/seaweedfs-$SEAWEEDFS_VERSION/weed
INSTALL_LOG=$CAP_SERVICES_DIR/install.log

# Helpers; scripts/services defines its own first, these are fallbacks.
declare -F say >/dev/null || say() { printf '%s\n' "$*"; }
declare -F die >/dev/null || die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Run a command as a system user, from / (service users cannot always read
# the caller's working directory, and initdb/psql complain about that).
as_user() {
  local user=$1; shift
  (cd / && runuser -u "$user" -- "$@")
}

# ------------------------------------------------------------ apt packages
# Our marker in a policy-rc.d we create, so a leftover one can be recognised.
_POLICY_MARK="# cap-services: temporary, blocks daemon start during apt-get"

# Keep package postinst scripts from starting the distro daemons (5432/6379/
# 5672 would then clash with ours on machines where they do start them).
_policy_rc_on() {
  [[ -e /usr/sbin/policy-rc.d ]] && return 0
  printf '#!/bin/sh\n%s\nexit 101\n' "$_POLICY_MARK" >/usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
}
_policy_rc_off() {
  if grep -qF "$_POLICY_MARK" /usr/sbin/policy-rc.d 2>/dev/null; then
    rm -f /usr/sbin/policy-rc.d
  fi
}

# Do not create Debian's default 15/main cluster: we run our own cluster.
# (Only matters when postgresql-common gets installed by us.)
_no_default_pg_cluster() {
  mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" \
    >/etc/postgresql-common/createcluster.d/cap-no-main-cluster.conf
}

# apt_install PKG...: installs the packages that are not installed yet.
# `apt-get update` only when the first attempt fails (stale/missing lists).
apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" \
      || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  say "install: apt-get install ${missing[*]} (log: $INSTALL_LOG)"
  export DEBIAN_FRONTEND=noninteractive
  local apt=(apt-get install -y -q -o Dpkg::Use-Pty=0 "${missing[@]}")
  _policy_rc_on
  if ! "${apt[@]}" >>"$INSTALL_LOG" 2>&1; then
    say "install: apt-get install failed, running apt-get update and retrying"
    if ! { apt-get update -q >>"$INSTALL_LOG" 2>&1 && "${apt[@]}" >>"$INSTALL_LOG" 2>&1; }; then
      _policy_rc_off
      tail -n 20 "$INSTALL_LOG" >&2
      die "apt-get install ${missing[*]} failed; full log: $INSTALL_LOG"
    fi
  fi
  _policy_rc_off
}

# Debian packages needed by each service.
install_packages() {
  local pkgs=(curl util-linux) name
  _policy_rc_off   # a leftover of ours, from an interrupted earlier run
  for name in "$@"; do
    case $name in
      postgres)
        if [[ ! -x $PG_BIN/initdb ]]; then _no_default_pg_cluster; fi
        pkgs+=(postgresql) ;;
      redis) pkgs+=(redis-server redis-tools) ;;
      rabbitmq) pkgs+=(rabbitmq-server) ;;
      opensearch)
        pkgs+=(maven unzip)
        find_java >/dev/null || pkgs+=(openjdk-17-jre-headless) ;;
      xrootd) pkgs+=(xrootd-server xrootd-client) ;;
    esac
  done
  apt_install "${pkgs[@]}"
}

# ---------------------------------------------------------- shared checks
# Service users (postgres, rabbitmq, opensearch) must be able to reach
# var/services; a repo under /root (mode 700) is the usual culprit.  Grant
# only "search" (x) on the ancestors that lack it, and say so.
ensure_traversable() {
  local dir=$1 user=$2 d
  as_user "$user" test -x "$dir" 2>/dev/null && return 0
  d=$dir
  while [[ $d != / ]]; do
    d=$(dirname "$d")
    if ! as_user "$user" test -x "$d" 2>/dev/null; then
      say "install: chmod o+x $d (so the '$user' user can reach $dir)"
      chmod o+x "$d"
    fi
  done
  as_user "$user" test -x "$dir" || die "user '$user' cannot reach $dir"
}

# mkdir_owned USER DIR...: create directories owned by USER.
mkdir_owned() {
  local user=$1; shift
  mkdir -p "$@"
  chown "$user:" "$@"
}

# ----------------------------------------------------------------- postgres
# Our own cluster in var/services/postgres/data (never Debian's 15/main).
prepare_postgres() {
  mkdir -p "$CAP_SERVICES_DIR"
  mkdir_owned postgres "$PG_DIR" "$PG_DIR/log" "$PG_DIR/run"
  chmod 700 "$PG_DIR/run"
  ensure_traversable "$PG_DIR" postgres
  [[ -f $PG_DIR/data/PG_VERSION ]] && return 0

  say "postgres: initdb $PG_DIR/data"
  # Init into a scratch dir and rename: an interrupted initdb never leaves
  # a half-made cluster that later runs would mistake for a good one.
  local tmp=$PG_DIR/data.initdb
  rm -rf "$tmp"
  as_user postgres "$PG_BIN/initdb" -D "$tmp" -U postgres --no-locale \
    --encoding=UTF8 --auth-local=peer --auth-host=scram-sha-256 \
    >>"$PG_DIR/log/initdb.log" 2>&1 \
    || { tail -n 20 "$PG_DIR/log/initdb.log" >&2; die "postgres: initdb failed (log: $PG_DIR/log/initdb.log)"; }

  # Password auth over TCP for everyone; peer over the socket for the
  # postgres superuser (used by these scripts for admin work).
  cat >"$tmp/pg_hba.conf" <<'EOF'
# Written by scripts/lib/install-services.sh
local   all   postgres                peer
local   all   all                     scram-sha-256
host    all   all       127.0.0.1/32  scram-sha-256
host    all   all       ::1/128       scram-sha-256
EOF
  # Port, listen address and socket dir are (re)written on every start by
  # scripts/services into cap-runtime.conf, so CAP_PG_PORT can change.
  printf "\n# CAP\ninclude_if_exists = 'cap-runtime.conf'\n" >>"$tmp/postgresql.conf"
  chown postgres: "$tmp/pg_hba.conf"
  mv "$tmp" "$PG_DIR/data"
}

# Unix socket dir: inside var/services, unless that path is too long for a
# socket address (108 bytes, ".s.PGSQL.<port>" included).
pg_sockdir() {
  if ((${#PG_DIR} > 80)); then echo /tmp; else echo "$PG_DIR/run"; fi
}

# Role cap/cap and database cap; checked on every start (cheap), so an
# interrupted first start still ends with them.  CREATEDB+SUPERUSER: pytest-
# invenio creates and drops its own test database (local loopback only).
postgres_ensure_role_db() {
  local port=$1
  local psql=(as_user postgres "$PG_BIN/psql" -h "$(pg_sockdir)" -p "$port"
              -d postgres -v ON_ERROR_STOP=1 -qtA)
  if [[ -z $("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = 'cap'") ]]; then
    say "postgres: creating role cap"
    "${psql[@]}" -c "CREATE ROLE cap LOGIN SUPERUSER CREATEDB PASSWORD 'cap'" >/dev/null
  fi
  if [[ -z $("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'cap'") ]]; then
    say "postgres: creating database cap"
    "${psql[@]}" -c "CREATE DATABASE cap OWNER cap" >/dev/null
  fi
}

# -------------------------------------------------------------------- redis
# Runs as root (simplest: no permission juggling); only dirs are needed.
prepare_redis() {
  mkdir -p "$REDIS_DIR/data" "$REDIS_DIR/log"
}

# ----------------------------------------------------------------- rabbitmq
# The node runs as the rabbitmq user with HOME=$RMQ_DIR, so server and CLI
# tools (also run as rabbitmq with that HOME) share $RMQ_DIR/.erlang.cookie.
prepare_rabbitmq() {
  mkdir -p "$CAP_SERVICES_DIR"
  mkdir_owned rabbitmq "$RMQ_DIR" "$RMQ_DIR/data" "$RMQ_DIR/log"
  ensure_traversable "$RMQ_DIR" rabbitmq
  local cookie=$RMQ_DIR/.erlang.cookie
  if [[ ! -s $cookie ]]; then
    # Erlang would create one itself, but server and CLI starting at once
    # can race on it; make it up front (Erlang insists on mode 400).
    # (no `tr </dev/urandom | head`: SIGPIPE + pipefail would abort us)
    head -c 30 /dev/urandom | base32 | tr -dc '[:upper:]' | cut -c1-20 >"$cookie"
  fi
  chown rabbitmq: "$cookie"
  chmod 400 "$cookie"
  # No plugins: the management UI (15672) is not needed by CAP.
  [[ -f $RMQ_DIR/enabled_plugins ]] || echo '[].' >"$RMQ_DIR/enabled_plugins"
  # Our own (empty) env file and config, so /etc/rabbitmq/* never applies.
  [[ -f $RMQ_DIR/rabbitmq-env.conf ]] || : >"$RMQ_DIR/rabbitmq-env.conf"
  [[ -f $RMQ_DIR/rabbitmq.conf ]] || cat >"$RMQ_DIR/rabbitmq.conf" <<'EOF'
# Written by scripts/lib/install-services.sh (listener: see RABBITMQ_NODE_*)
loopback_users.guest = true
log.console = false
log.file.level = info
EOF
  chown rabbitmq: "$RMQ_DIR/enabled_plugins" "$RMQ_DIR/rabbitmq-env.conf" "$RMQ_DIR/rabbitmq.conf"
}

# --------------------------------------------------------------- opensearch
# Java for OpenSearch 2.x: 17 preferred; 11..21 accepted (22+ lacks the
# security manager OpenSearch 2 still needs).  Prints its JAVA_HOME.
find_java() {
  local home v
  if [[ -n ${_JAVA_HOME_FOUND:-} ]]; then echo "$_JAVA_HOME_FOUND"; return 0; fi
  for home in /usr/lib/jvm/java-17-openjdk-* "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [[ -x $home/bin/java ]] || continue
    v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java.specification.version = //p')
    if [[ $v =~ ^[0-9]+$ ]] && ((v >= 11 && v <= 21)); then
      echo "$home"; return 0
    fi
  done
  return 1
}

# mvn, quiet, non-interactive, from a scratch dir (no project around).
_mvn() {
  (cd "$_OS_TMP" && JAVA_HOME=$(find_java) mvn -B -q -Dstyle.color=never "$@") >>"$INSTALL_LOG" 2>&1 \
    || { tail -n 20 "$INSTALL_LOG" >&2; die "opensearch: mvn $* failed (log: $INSTALL_LOG)"; }
}

# _os_descriptor DIR NAME CLASSNAME EXTENDED DESCRIPTION
_os_descriptor() {
  cat >"$1/plugin-descriptor.properties" <<EOF
description=$5
version=$OS_VERSION
name=$2
classname=$3
java.version=11
opensearch.version=$OS_VERSION
custom.foldername=
extended.plugins=$4
has.native.controller=false
EOF
}

# Minimal OpenSearch distribution from Maven Central, plus the two modules
# our mappings need (analysis-common: edge_ngram, asciifolding; it extends
# lang-painless).  Maven keeps the downloads in ~/.m2, so reinstalling (new
# clone, rm -rf var/services) re-copies from there without network.
install_opensearch() {
  [[ -f $OS_HOME/.cap-installed ]] && return 0
  local mods
  say "opensearch: installing $OS_VERSION from Maven Central into $OS_HOME"
  mkdir -p "$OS_DIR"
  _OS_TMP=$OS_DIR/.install.$$
  rm -rf "$_OS_TMP" "$OS_HOME"
  mkdir -p "$_OS_TMP"

  _mvn dependency:copy \
    "-Dartifact=org.opensearch.distribution.integ-test-zip:opensearch:$OS_VERSION:zip" \
    "-DoutputDirectory=$_OS_TMP"
  unzip -q "$_OS_TMP/opensearch-$OS_VERSION.zip" -d "$_OS_TMP"
  mods=$_OS_TMP/opensearch-$OS_VERSION/modules

  cp "$_INSTALL_LIB_DIR/opensearch-modules-pom.xml" "$_OS_TMP/pom.xml"
  _mvn -f "$_OS_TMP/pom.xml" dependency:copy-dependencies \
    "-DoutputDirectory=$mods/lang-painless"
  _os_descriptor "$mods/lang-painless" lang-painless \
    org.opensearch.painless.PainlessPlugin "" "Painless scripting"
  cat >"$mods/lang-painless/plugin-security.policy" <<'EOF'
grant {
  permission java.lang.RuntimePermission "createClassLoader";
  permission java.lang.RuntimePermission "getClassLoader";
};
EOF

  _mvn dependency:copy \
    "-Dartifact=org.opensearch.plugin:analysis-common:$OS_VERSION:jar" \
    "-DoutputDirectory=$mods/analysis-common"
  _os_descriptor "$mods/analysis-common" analysis-common \
    org.opensearch.analysis.common.CommonAnalysisPlugin lang-painless "Common analysis"

  # jvm.options writes gc logs / heap dumps / crash files relative to the
  # working directory ("logs/gc.log"): point them at our dirs instead.
  sed -i -e "s#=logs/#=$OS_DIR/log/#g" \
         -e "s#HeapDumpPath=data#HeapDumpPath=$OS_DIR/data#" \
    "$_OS_TMP/opensearch-$OS_VERSION/config/jvm.options"

  echo "$OS_VERSION + lang-painless, analysis-common" \
    >"$_OS_TMP/opensearch-$OS_VERSION/.cap-installed"
  mv "$_OS_TMP/opensearch-$OS_VERSION" "$OS_HOME"
  rm -rf "$_OS_TMP"
}

prepare_opensearch() {
  # OpenSearch refuses to run as root.
  if ! id -u "$OS_USER" >/dev/null 2>&1; then
    say "opensearch: creating system user $OS_USER"
    useradd --system --user-group --no-create-home --home-dir "$OS_DIR" \
      --shell /usr/sbin/nologin "$OS_USER"
  fi
  _JAVA_HOME_FOUND=$(find_java) \
    || die "opensearch: no Java 11..21 found (need openjdk-17-jre-headless)"
  mkdir -p "$CAP_SERVICES_DIR"
  mkdir_owned "$OS_USER" "$OS_DIR"
  install_opensearch
  local i node
  if ((${CAP_OPENSEARCH_NODES:-1} > 1)); then
    # $OS_DIR/log too: jvm.options writes every node's GC log there.
    mkdir_owned "$OS_USER" "$OS_DIR/log"
    for ((i = 1; i <= CAP_OPENSEARCH_NODES; i++)); do
      node=$OS_DIR/node-$i
      mkdir_owned "$OS_USER" "$node" "$node/data" "$node/log" "$node/tmp"
    done
  else
    mkdir_owned "$OS_USER" "$OS_DIR/data" "$OS_DIR/log" "$OS_DIR/tmp"
  fi
  # The node writes its keystore into config/, so it owns the whole tree.
  if [[ $(stat -c %U "$OS_HOME/config") != "$OS_USER" ]]; then
    chown -R "$OS_USER:" "$OS_HOME"
  fi
  # Made once here: the nodes of a cluster share config/ and would race to create it.
  if [[ ! -f $OS_HOME/config/opensearch.keystore ]]; then
    as_user "$OS_USER" env OPENSEARCH_JAVA_HOME="$_JAVA_HOME_FOUND" \
      "$OS_HOME/bin/opensearch-keystore" create >>"$INSTALL_LOG" 2>&1 \
      || die "opensearch: creating the keystore failed (log: $INSTALL_LOG)"
  fi
  ensure_traversable "$OS_DIR" "$OS_USER"
}

# ------------------------------------------------------------------- xrootd
prepare_xrootd() {
  id -u "$XRD_USER" >/dev/null 2>&1 || die "xrootd: no '$XRD_USER' user (Debian's xrootd-server creates it)"
  mkdir -p "$CAP_SERVICES_DIR"
  mkdir_owned "$XRD_USER" "$XRD_DIR" "$XRD_DIR/data" "$XRD_DIR/admin" "$XRD_DIR/run" "$XRD_DIR/log"
  ensure_traversable "$XRD_DIR" "$XRD_USER"
}

# ----------------------------------------------------------------------- s3
# SeaweedFS's `weed`, built once from its Go module (the module's go.mod has
# replace directives, which `go install mod@version` refuses: it is built in
# the downloaded module instead).  Needs Go >= the module's go directive.
install_seaweedfs() {
  [[ -x $WEED_BIN ]] && return 0
  command -v go >/dev/null || die "s3: building SeaweedFS needs Go (https://go.dev/dl/ or a golang package)"
  local dir
  say "s3: building SeaweedFS $SEAWEEDFS_VERSION from its Go module (once; a few minutes; log: $INSTALL_LOG)"
  dir=$(go mod download -json "$SEAWEEDFS_MODULE@$SEAWEEDFS_VERSION" 2>>"$INSTALL_LOG" \
        | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -n $dir && -d $dir ]] || { tail -n 20 "$INSTALL_LOG" >&2; die "s3: go mod download $SEAWEEDFS_MODULE failed"; }
  mkdir -p "$(dirname "$WEED_BIN")"
  (cd "$dir" && go build -trimpath -ldflags "-s -w" -o "$WEED_BIN.tmp" ./weed) >>"$INSTALL_LOG" 2>&1 \
    || { tail -n 20 "$INSTALL_LOG" >&2; die "s3: building SeaweedFS failed (log: $INSTALL_LOG)"; }
  mv "$WEED_BIN.tmp" "$WEED_BIN"
}

prepare_s3() {
  install_seaweedfs
  mkdir -p "$S3_DIR/data" "$S3_DIR/log"
}

# ------------------------------------------------------------- entry point
# install_services NAME...: packages + first-time setup for those services.
install_services() {
  mkdir -p "$CAP_SERVICES_DIR"
  install_packages "$@"
  local name
  for name in "$@"; do "prepare_$name"; done
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  [[ $(id -u) == 0 ]] || die "run as root"
  if (($#)); then install_services "$@"; else install_services postgres redis rabbitmq opensearch; fi
fi
