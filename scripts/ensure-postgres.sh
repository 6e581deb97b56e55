#!/usr/bin/env bash
# ensure-postgres.sh — make a PostgreSQL test database available and print its URL.
#
# Usage:
#   url=$(scripts/ensure-postgres.sh)          # start (or reuse) and print the URL
#   scripts/ensure-postgres.sh --stop          # stop the throwaway cluster (see stop-postgres.sh)
#   scripts/ensure-postgres.sh --stop --clean  # stop it and delete its directory
#
# stdout: exactly one line, e.g. `postgres://postgres@127.0.0.1:55432/interviewos_test`
#         (nothing on stdout for --stop). Everything else goes to stderr.
#
# Behaviour:
#   1. If TEST_DATABASE_URL is set and answers `SELECT 1`, print it and exit.
#   2. Otherwise find the server binaries (PG_BIN, /usr/lib/postgresql/<ver>/bin, or PATH); as root,
#      `apt-get install postgresql` if they are missing; as a normal user, fail with a clear message.
#   3. Create (once) a throwaway cluster in $PG_TEST_DIR (default <repo>/.tmp/pg): trust auth, TCP on
#      127.0.0.1 only, no unix socket, fsync/full_page_writes/synchronous_commit off, max_connections=300.
#      As root the cluster belongs to the `postgres` OS user (created if missing), because PostgreSQL
#      refuses to run as root; otherwise it belongs to the current user.
#      If the postgres user cannot reach $PG_TEST_DIR (e.g. the repo lives under /root, mode 0700), the
#      cluster goes to /tmp/interviewos-pg-<uid>-<hash of PG_TEST_DIR> instead (same path every time,
#      so reuse and --stop find it).
#   4. Start it on a free port (the last one used if still free, else the first free from 55432), reuse it
#      if it is already running, create database $PG_TEST_DB (default interviewos_test), print the URL.
#
# Environment: TEST_DATABASE_URL, PG_TEST_DIR, PG_TEST_DB, PG_TEST_PORT (first port to try), PG_BIN.
set -euo pipefail

log() { printf 'ensure-postgres: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
DB_NAME="${PG_TEST_DB:-interviewos_test}"
FIRST_PORT="${PG_TEST_PORT:-55432}"
IS_ROOT=0
[[ "$(id -u)" -eq 0 ]] && IS_ROOT=1

MODE=start
CLEAN=0
for arg in "$@"; do
  case "$arg" in
    --stop) MODE=stop ;;
    --clean) CLEAN=1 ;;
    -h | --help) sed -n '2,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) die "unknown argument: $arg" ;;
  esac
done

# ---------------------------------------------------------------------------------------------------
# Helpers

# Run a command as the cluster owner (postgres when we are root, ourselves otherwise).
as_owner() {
  if [[ "$IS_ROOT" -eq 1 ]]; then
    # cd / first: the caller's directory may not be readable by postgres (e.g. under /root).
    if command -v runuser >/dev/null 2>&1; then
      (cd / && runuser -u postgres -- "$@")
    else
      # su needs a shell; quote every argument.
      (cd / && su -s /bin/sh postgres -c "$(printf '%q ' "$@")")
    fi
  else
    "$@"
  fi
}

find_pg_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then
    [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]] || die "PG_BIN=$PG_BIN has no initdb/pg_ctl"
    printf '%s\n' "$PG_BIN"
    return 0
  fi
  local d best=""
  # Highest installed major version wins.
  while IFS= read -r d; do
    [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]] && best="$d"
  done < <(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V)
  if [[ -z "$best" ]] && command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    # Resolve symlinks (e.g. /usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb) so the
    # sibling tools (postgres, psql, pg_isready) are found next to it.
    best="$(dirname "$(realpath "$(command -v initdb)")")"
  fi
  [[ -n "$best" ]] && printf '%s\n' "$best"
  return 0
}

# Path of a client tool: next to the server binaries if there, else from PATH.
pg_tool() {
  if [[ -x "$PG_BIN_DIR/$1" ]]; then
    printf '%s\n' "$PG_BIN_DIR/$1"
  elif command -v "$1" >/dev/null 2>&1; then
    command -v "$1"
  else
    die "PostgreSQL client tool '$1' not found in $PG_BIN_DIR or PATH (install postgresql-client)"
  fi
}

# Is host:port accepting TCP connections? (used only when psql is unavailable)
tcp_open() {
  local host="$1" port="$2"
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
}

# Can we bind 127.0.0.1:port? (i.e. is it free)
port_free() {
  local port="$1"
  if command -v python3 >/dev/null 2>&1; then
    python3 - "$port" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
PY
  elif tcp_open 127.0.0.1 "$port"; then
    return 1
  fi
}

pick_port() {
  local preferred="$1" p
  if [[ -n "$preferred" ]] && port_free "$preferred"; then
    printf '%s\n' "$preferred"
    return 0
  fi
  for ((p = FIRST_PORT; p < FIRST_PORT + 200; p++)); do
    if port_free "$p"; then
      printf '%s\n' "$p"
      return 0
    fi
  done
  die "no free TCP port in ${FIRST_PORT}-$((FIRST_PORT + 199)) on 127.0.0.1"
}

# Decide where the cluster lives. $1 = create|lookup.
resolve_dir() {
  local want="$1" requested fallback hash
  requested="${PG_TEST_DIR:-$REPO_ROOT/.tmp/pg}"
  [[ "$requested" = /* ]] || requested="$PWD/$requested"
  requested="$(realpath -m "$requested")"
  hash="$(printf '%s' "$requested" | sha256sum | cut -c1-8)"
  fallback="/tmp/interviewos-pg-$(id -u)-$hash"

  if [[ "$IS_ROOT" -eq 0 ]]; then
    [[ "$want" = create ]] && { mkdir -p "$requested" || die "cannot create $requested"; }
    printf '%s\n' "$requested"
    return 0
  fi

  if [[ "$want" = lookup ]]; then
    if [[ ! -d "$requested/data" && -d "$fallback/data" ]] ||
      { [[ -d "$requested/data" ]] && ! as_owner test -x "$requested/data" 2>/dev/null; }; then
      printf '%s\n' "$fallback"
    else
      printf '%s\n' "$requested"
    fi
    return 0
  fi

  mkdir -p "$requested"
  chown postgres: "$requested"
  chmod 0700 "$requested"
  if as_owner test -w "$requested" -a -x "$requested" 2>/dev/null; then
    printf '%s\n' "$requested"
    return 0
  fi
  log "the postgres user cannot reach $requested (a parent directory is not traversable);"
  log "using $fallback instead"
  rmdir "$requested" 2>/dev/null || true
  mkdir -p "$fallback"
  chown postgres: "$fallback"
  chmod 0700 "$fallback"
  as_owner test -w "$fallback" -a -x "$fallback" || die "the postgres user cannot write $fallback either"
  printf '%s\n' "$fallback"
}

ensure_postgres_user() {
  [[ "$IS_ROOT" -eq 1 ]] || return 0
  id -u postgres >/dev/null 2>&1 && return 0
  log "creating system user 'postgres'"
  useradd --system --user-group --home-dir /var/lib/postgresql --no-create-home \
    --shell /bin/bash postgres
}

install_postgres() {
  [[ "$IS_ROOT" -eq 1 ]] || die "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in \
/usr/lib/postgresql/<version>/bin or PATH. Install the server (Debian/Ubuntu: 'sudo apt-get install \
postgresql'), point PG_BIN at its bin directory, or set TEST_DATABASE_URL to a reachable database."
  command -v apt-get >/dev/null 2>&1 || die "PostgreSQL server binaries not found and apt-get is unavailable"
  log "PostgreSQL server not found; installing it with apt-get (this takes a minute)"
  export DEBIAN_FRONTEND=noninteractive
  local aptlog
  aptlog="$(mktemp)"
  # Wait for a concurrent apt/dpkg instead of failing on its lock; keep dpkg's chatter unless it fails.
  if ! { apt-get -o DPkg::Lock::Timeout=300 update -qq &&
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends postgresql; } \
    >"$aptlog" 2>&1; then
    tail -n 30 "$aptlog" >&2
    rm -f "$aptlog"
    die "apt-get install postgresql failed"
  fi
  rm -f "$aptlog"
}

# ---------------------------------------------------------------------------------------------------
# --stop

if [[ "$MODE" = stop ]]; then
  PG_BIN_DIR="$(find_pg_bin)"
  [[ -n "$PG_BIN_DIR" ]] || { log "no PostgreSQL binaries, nothing to stop"; exit 0; }
  if [[ "$IS_ROOT" -eq 1 ]] && ! id -u postgres >/dev/null 2>&1; then
    log "no postgres user, nothing to stop"
    exit 0
  fi
  DIR="$(resolve_dir lookup)"
  DATA="$DIR/data"
  if [[ -f "$DATA/PG_VERSION" ]]; then
    if as_owner "$PG_BIN_DIR/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
      log "stopping the cluster in $DATA"
      as_owner "$PG_BIN_DIR/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >&2
    else
      log "the cluster in $DATA is not running"
    fi
  else
    log "no cluster in $DIR"
  fi
  if [[ "$CLEAN" -eq 1 && -d "$DIR" ]]; then
    log "removing $DIR"
    rm -rf -- "$DIR"
  fi
  exit 0
fi

# ---------------------------------------------------------------------------------------------------
# 1. An existing TEST_DATABASE_URL wins if it answers.

if [[ -n "${TEST_DATABASE_URL:-}" ]]; then
  reachable=0
  psql_bin="$(command -v psql || true)"
  if [[ -z "$psql_bin" ]]; then
    b="$(find_pg_bin)"
    [[ -n "$b" && -x "$b/psql" ]] && psql_bin="$b/psql"
  fi
  if [[ -n "$psql_bin" ]]; then
    if PGCONNECT_TIMEOUT=5 "$psql_bin" "$TEST_DATABASE_URL" -XtAqc 'SELECT 1' >/dev/null 2>&1; then
      reachable=1
    fi
  elif command -v python3 >/dev/null 2>&1; then
    # No client tools: settle for the server's TCP port being open.
    if python3 - "$TEST_DATABASE_URL" <<'PY' 2>/dev/null; then
import socket, sys
from urllib.parse import urlsplit
u = urlsplit(sys.argv[1])
socket.create_connection((u.hostname or "127.0.0.1", u.port or 5432), timeout=5).close()
PY
      reachable=1
    fi
  fi
  if [[ "$reachable" -eq 1 ]]; then
    log "using TEST_DATABASE_URL (reachable)"
    printf '%s\n' "$TEST_DATABASE_URL"
    exit 0
  fi
  log "TEST_DATABASE_URL is set but not reachable; starting a local throwaway cluster instead"
fi

# ---------------------------------------------------------------------------------------------------
# 2. Server binaries and the owner account.

PG_BIN_DIR="$(find_pg_bin)"
if [[ -z "$PG_BIN_DIR" ]]; then
  install_postgres
  PG_BIN_DIR="$(find_pg_bin)"
  [[ -n "$PG_BIN_DIR" ]] || die "installed postgresql but still found no initdb/pg_ctl"
fi
ensure_postgres_user
log "using PostgreSQL binaries in $PG_BIN_DIR ($("$PG_BIN_DIR/postgres" --version 2>/dev/null || echo unknown))"

# ---------------------------------------------------------------------------------------------------
# 3. The cluster directory (serialised with a lock so parallel callers don't race).

DIR="$(resolve_dir create)"
DATA="$DIR/data"
LOGFILE="$DIR/postgres.log"
PORTFILE="$DIR/port"

if command -v flock >/dev/null 2>&1; then
  exec 9>"$DIR/.lock"
  flock -w 120 9 || die "timed out waiting for the lock on $DIR/.lock"
fi

pg() { as_owner "$PG_BIN_DIR/pg_ctl" -D "$DATA" "$@"; }

if [[ ! -f "$DATA/PG_VERSION" ]]; then
  log "initialising a throwaway cluster in $DATA"
  rm -rf -- "$DATA"
  as_owner "$PG_BIN_DIR/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C >"$DIR/initdb.log" 2>&1 ||
    { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
  # Test-only settings: speed over durability, TCP on loopback only, no unix socket (long paths break it).
  as_owner tee -a "$DATA/postgresql.conf" >/dev/null <<'CONF'

# --- interviewos throwaway test cluster (scripts/ensure-postgres.sh) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 300
fsync = off
full_page_writes = off
synchronous_commit = off
logging_collector = off
log_min_messages = warning
CONF
  as_owner tee "$DATA/pg_hba.conf" >/dev/null <<'HBA'
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  trust
host    all       all   127.0.0.1/32   trust
HBA
fi

# Running = pg_ctl says so AND the pid in postmaster.pid really is a postgres process (after an unclean
# stop on a reused machine the old pid can belong to something else, and postgres would refuse to start).
cluster_running() {
  pg status >/dev/null 2>&1 || return 1
  local pid
  pid="$(head -n 1 "$DATA/postmaster.pid" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/comm" ]] || return 0 # no procfs: trust pg_ctl
  if [[ "$(cat "/proc/$pid/comm")" =~ ^(postgres|postmaster)$ ]]; then
    return 0
  fi
  log "stale $DATA/postmaster.pid (pid $pid is not postgres); removing it"
  rm -f -- "$DATA/postmaster.pid"
  return 1
}

PORT=""
if cluster_running; then
  # Line 4 of postmaster.pid is the port the running server listens on.
  PORT="$(sed -n '4p' "$DATA/postmaster.pid" 2>/dev/null || true)"
  [[ "$PORT" =~ ^[0-9]+$ ]] || die "cluster in $DATA is running but its port is unknown"
  log "reusing the running cluster in $DATA on port $PORT"
else
  last=""
  [[ -f "$PORTFILE" ]] && last="$(cat "$PORTFILE")"
  started=0
  for attempt in 1 2 3 4 5; do
    PORT="$(pick_port "$last")"
    log "starting PostgreSQL on 127.0.0.1:$PORT (log: $LOGFILE)"
    # 9>&- : the postmaster must not inherit (and hold forever) our lock file descriptor.
    if pg -l "$LOGFILE" -o "-p $PORT" -w -t 60 start >&2 9>&-; then
      started=1
      break
    fi
    log "start attempt $attempt failed; last log lines:"
    tail -n 5 "$LOGFILE" >&2 || true
    last=""
    FIRST_PORT=$((PORT + 1))
  done
  [[ "$started" -eq 1 ]] || die "could not start PostgreSQL (see $LOGFILE)"
  printf '%s\n' "$PORT" >"$PORTFILE"
fi

# Wait until it accepts connections (pg_ctl -w already does; this covers the reuse path too).
PG_ISREADY="$(pg_tool pg_isready)"
for _ in $(seq 1 60); do
  if "$PG_ISREADY" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres; then
    break
  fi
  sleep 0.5
done
"$PG_ISREADY" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres ||
  die "PostgreSQL on port $PORT is not accepting connections (see $LOGFILE)"

# ---------------------------------------------------------------------------------------------------
# 4. The database.

PSQL=("$(pg_tool psql)" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres)
exists="$("${PSQL[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")"
if [[ "$exists" != 1 ]]; then
  log "creating database $DB_NAME"
  "${PSQL[@]}" -d postgres -c "CREATE DATABASE \"$DB_NAME\"" >&2
fi

printf 'postgres://postgres@127.0.0.1:%s/%s\n' "$PORT" "$DB_NAME"
