#!/usr/bin/env bash
# bench.sh — load benchmark of a release build on PostgreSQL (`make bench`; not part of `make test`).
#
# Usage: scripts/bench.sh
#   1. builds `interviewos` in release mode (or uses BENCH_BIN), installs `wrk` (Debian package) when
#      missing, builds a tiny bcrypt timer (scripts/bench-bcrypt.rs, same crate as the server);
#   2. starts a dedicated throwaway PostgreSQL cluster (.tmp/pg-bench, via ensure-postgres.sh) with a
#      fresh database, and the server in production mode (APP_ENV=production, JWT_SECRET, BCRYPT_COST=12,
#      JSON logs, METRICS_TOKEN) on a free 127.0.0.1 port;
#   3. seeds it: a template user through the API (real sessions, answers, offline-grader evaluations),
#      cloned by scripts/bench-seed.sql into BENCH_USERS users × BENCH_SESSIONS_PER_USER sessions ×
#      BENCH_QUESTIONS answers (default 5000 × 4 × 5 = 100,000 answers), plus one heavy user with
#      BENCH_HEAVY_ANSWERS answers and the progress aggregates the server would have maintained;
#   4. measures throughput and p50/p99 latency with wrk (scripts/bench-wrk.lua) for GET /health/live,
#      GET /me, question search, session history, session detail, progress (heavy user), answer
#      submission (then waits for the offline grader to drain the queue and reports end-to-end evaluation
#      latency), and login, next to the references measured in the same run: the /health/live ceiling,
#      `pgbench -S` (select-only) on the same cluster, and cores ÷ bcrypt time at cost 12; the read paths
#      one at a time (scripts/bench-probe.py); GET /me latency unloaded and under login load; peak RSS
#      (VmHWM) per phase, including a 256-connection run; /metrics and JSON logs checked at the end.
#      Before each phase it waits (bounded) for a quiet machine, and records the load average and the CPU
#      used by the server, PostgreSQL, the load generator and other processes (scripts/bench-cpu.py);
#   5. logs every SQL statement of one request per read path for a moment and writes their
#      EXPLAIN (ANALYZE, BUFFERS) plans to .tmp/bench/plans.md (scripts/bench-explain.py);
#   6. prints a results table and writes it to .tmp/bench/results.md; stops the server and the cluster.
#
# Environment (all optional):
#   BENCH_BIN                release binary to use (skip the build)
#   BENCH_USERS=5000 BENCH_SESSIONS_PER_USER=4 BENCH_QUESTIONS=5   data size (answers = product)
#                            1,000,000 answers: BENCH_USERS=50000 (seeding ~8 min on 2 cores, 7 GB)
#   BENCH_SECS=15            seconds per endpoint          BENCH_CONNECTIONS=64   wrk connections
#   BENCH_LOGIN_CONNECTIONS=16                              BENCH_TOKEN_USERS=32  signed-in users
#   BENCH_HEAVY_ANSWERS=5000 answers of the extra heavy user (GET /api/v1/progress figure, issue 7)
#   BENCH_QUIET_MAX=180      before each measurement wait up to this many seconds for no `rustc` process
#                            (the machine is shared); the 1-minute load average is recorded per figure
#   BENCH_KEEP_PG=1          leave the bench cluster running afterwards
#   BENCH_REUSE_DB=1         measure the database an earlier run seeded (the cluster directory survives a
#                            stop), after VACUUM (ANALYZE), instead of seeding afresh (1M answers: ~8 min)
# Only 127.0.0.1 is ever loaded; every step is bounded in time.
set -euo pipefail

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
cd "$REPO_ROOT"

USERS="${BENCH_USERS:-5000}"
SPU="${BENCH_SESSIONS_PER_USER:-4}"
QPS="${BENCH_QUESTIONS:-5}"
SECS="${BENCH_SECS:-15}"
CONN="${BENCH_CONNECTIONS:-64}"
LOGIN_CONN="${BENCH_LOGIN_CONNECTIONS:-16}"
HEAVY="${BENCH_HEAVY_ANSWERS:-5000}"
QUIET_MAX="${BENCH_QUIET_MAX:-180}"
TOKEN_USERS="${BENCH_TOKEN_USERS:-32}"
OUT="$REPO_ROOT/.tmp/bench"
PASSWORD="bench-passphrase-violet-anchor"
STARTED_AT="$(date +%s)"

rm -rf -- "$OUT"
mkdir -p "$OUT"

# ---------------------------------------------------------------------------------------------------
# Tools

if ! command -v wrk >/dev/null 2>&1; then
  if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    die "wrk not found; install it (Debian/Ubuntu: sudo apt-get install wrk)"
  fi
  log "installing wrk with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends wrk \
    >"$OUT/apt.log" 2>&1 || {
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -qq >>"$OUT/apt.log" 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends wrk \
      >>"$OUT/apt.log" 2>&1
  } || { tail -n 20 "$OUT/apt.log" >&2; die "apt-get install wrk failed"; }
fi
command -v python3 >/dev/null || die "python3 not found"
command -v curl >/dev/null || die "curl not found"

if [[ -n "${BENCH_BIN:-}" ]]; then
  BIN="$(realpath "$BENCH_BIN")"
else
  log "building the release binary (cargo build --release; ~10 min from scratch on 2 cores)"
  nice -n 10 cargo build --release --locked -p interviewos >&2
  BIN="${CARGO_TARGET_DIR:-$REPO_ROOT/target}/release/interviewos"
  [[ "$BIN" = /* ]] || BIN="$REPO_ROOT/$BIN"
fi
[[ -x "$BIN" ]] || die "no binary at $BIN"

# The bcrypt timer: the server's own bcrypt crate and version (from Cargo.lock), in release mode.
BCRYPT_DIR="$REPO_ROOT/.tmp/bench-bcrypt"
BCRYPT_VER="$(awk '/^name = "bcrypt"$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)"
mkdir -p "$BCRYPT_DIR/src"
cat >"$BCRYPT_DIR/Cargo.toml" <<TOML
[package]
name = "bench-bcrypt"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
bcrypt = "=${BCRYPT_VER:-0.19.3}"

[workspace]

[profile.release]
opt-level = 3
TOML
cp "$SCRIPT_DIR/bench-bcrypt.rs" "$BCRYPT_DIR/src/main.rs"
log "building the bcrypt timer (bcrypt ${BCRYPT_VER})"
(cd "$BCRYPT_DIR" && env -u CARGO_TARGET_DIR nice -n 10 cargo build --release --quiet --offline 2>"$OUT/bcrypt-build.log" ||
  env -u CARGO_TARGET_DIR nice -n 10 cargo build --release --quiet 2>>"$OUT/bcrypt-build.log") ||
  { tail -n 20 "$OUT/bcrypt-build.log" >&2; die "could not build the bcrypt timer"; }
BCRYPT_BIN="$BCRYPT_DIR/target/release/bench-bcrypt"

# ---------------------------------------------------------------------------------------------------
# PostgreSQL: a dedicated throwaway cluster so the bench never disturbs the test cluster.

export PG_TEST_DIR="$REPO_ROOT/.tmp/pg-bench" PG_TEST_DB=interviewos_bench PG_TEST_PORT=56432
ADMIN_URL="$(env -u TEST_DATABASE_URL "$SCRIPT_DIR/ensure-postgres.sh")"
PG_BIN_DIR="${PG_BIN:-$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)}"
PSQL="$PG_BIN_DIR/psql"; [[ -x "$PSQL" ]] || PSQL="$(command -v psql)"
PGBENCH="$PG_BIN_DIR/pgbench"; [[ -x "$PGBENCH" ]] || PGBENCH="$(command -v pgbench || true)"
BASE_URL="${ADMIN_URL%/*}"
PG_DATA="$("$PSQL" -X -tA "$BASE_URL/postgres" -c "SHOW data_directory")"
PG_PID="$(head -n 1 "$PG_DATA/postmaster.pid")"
DB_URL="$BASE_URL/interviewos_bench_run"
REUSED=0
if [[ "${BENCH_REUSE_DB:-0}" == 1 ]] &&
  [[ "$("$PSQL" -X -tA "$DB_URL" -c "SELECT count(*) FROM users WHERE email = 'bench-template@example.com'" 2>/dev/null)" == 1 ]]; then
  REUSED=1
  log "BENCH_REUSE_DB=1: measuring the database seeded by an earlier run (BENCH_KEEP_PG or a stopped cluster)"
else
  "$PSQL" -X -q "$BASE_URL/postgres" -c "DROP DATABASE IF EXISTS interviewos_bench_run WITH (FORCE)" \
    -c "CREATE DATABASE interviewos_bench_run" >&2
fi

SERVER_PID=""
stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
cleanup() {
  local rc=$?
  stop_server
  if [[ "${BENCH_KEEP_PG:-0}" != 1 ]]; then
    "$SCRIPT_DIR/stop-postgres.sh" 2>/dev/null || true
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
BASE="http://127.0.0.1:$PORT"
METRICS_TOKEN="bench-metrics-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"

export APP_ENV=production
export JWT_SECRET
JWT_SECRET="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export BCRYPT_COST=12
export BIND_ADDR="127.0.0.1:$PORT"
export DATABASE_URL="$DB_URL"
export DATA_DIR="$OUT/data" EMAIL_OUTBOX_DIR="$OUT/outbox" FRONTEND_DIST_DIR="$OUT/no-frontend"
export METRICS_TOKEN
# One client address generates all the load: lift the per-address auth limit and the free quota.
export RATE_LIMIT_AUTH_PER_MIN=100000000 FREE_MONTHLY_ANSWERS=100000000
export ACCESS_TOKEN_TTL_SECS=7200
unset OPENAI_API_KEY RESEND_API_KEY TRUSTED_PROXIES CORS_ORIGINS LOG_JSON RUST_LOG || true

log "starting $BIN (production mode) on $BASE against $DB_URL"
"$BIN" serve >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 300); do
  curl -fsS "$BASE/health/ready" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$OUT/server.log" >&2; die "server exited at start"; }
  sleep 0.1
done
curl -fsS "$BASE/health/ready" >/dev/null || die "server not ready"

# ---------------------------------------------------------------------------------------------------
# Seed

seed_t0="$(date +%s.%N)"
if ((REUSED)); then
  log "vacuuming and analysing the reused database"
  "$PSQL" -X -q "$DB_URL" -c "VACUUM (ANALYZE)" >"$OUT/seed.log" 2>&1 || { cat "$OUT/seed.log" >&2; die "vacuum failed"; }
else
  log "seeding: template user through the API"
  python3 "$SCRIPT_DIR/bench-setup.py" template "$BASE" "$PASSWORD"
  log "seeding: $USERS users × $SPU sessions × $QPS answers with bench-seed.sql"
  "$PSQL" -X -q -v users="$USERS" -v spu="$SPU" -v qps="$QPS" -v heavy="$HEAVY" -f "$SCRIPT_DIR/bench-seed.sql" "$DB_URL" \
    >"$OUT/seed.log" 2>&1 || { cat "$OUT/seed.log" >&2; die "seeding failed"; }
fi
SEED_SECS="$(python3 -c "import time; print(round(time.time() - $seed_t0, 1))")"
SEED_WHAT=seeded
((REUSED)) && SEED_WHAT="reused (VACUUM ANALYZE only)"
tail -n 4 "$OUT/seed.log" >&2
COUNTS="$("$PSQL" -X -tA -F ' ' "$DB_URL" -c "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM practice_sessions), (SELECT count(*) FROM answers), pg_size_pretty(pg_database_size(current_database()))")"
read -r N_USERS N_SESSIONS N_ANSWERS DB_SIZE_A DB_SIZE_B <<<"$COUNTS"
log "$SEED_WHAT in ${SEED_SECS}s: $N_USERS users, $N_SESSIONS sessions, $N_ANSWERS answers, $DB_SIZE_A $DB_SIZE_B"

log "signing in $TOKEN_USERS users and starting their sessions (bcrypt cost 12)"
python3 "$SCRIPT_DIR/bench-setup.py" prepare "$BASE" "$PASSWORD" "$OUT" "$TOKEN_USERS" "$USERS"

# ---------------------------------------------------------------------------------------------------
# Measurements

declare -A R # name -> BENCHJSON
jget() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

# The machine may be shared: before each measurement wait (bounded) until no compiler runs, then note
# the 1-minute load average and how many rustc processes ran at the start and at the end of the phase
# ($OUT/loads.tsv: name, load1 at start, rustc at start, rustc at end), so a reader can judge the noise.
rustc_count() { { pgrep -x rustc 2>/dev/null || true; } | wc -l; }
PHASE="" PHASE_LOAD="" PHASE_RUSTC=""
phase_start() { # name [nowait]
  local t0 n
  t0="$(date +%s)"
  n="$(rustc_count)"
  if ((n > 0)) && [[ "${2:-}" != nowait ]]; then
    log "waiting up to ${QUIET_MAX}s for $n rustc process(es) to finish before '$1'"
    while (($(rustc_count) > 0)); do
      (($(date +%s) - t0 >= QUIET_MAX)) && { log "  rustc still running; measuring anyway (noted)"; break; }
      sleep 3
    done
  fi
  PHASE="$1" PHASE_LOAD="$(cut -d' ' -f1 /proc/loadavg)" PHASE_RUSTC="$(rustc_count)"
}
# Also the server's peak RSS (VmHWM) during the phase; writing 5 to clear_refs resets the peak.
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$SERVER_PID/status"; }
reset_hwm() { echo 5 >"/proc/$SERVER_PID/clear_refs" 2>/dev/null || true; }
phase_end() {
  printf '%s\t%s\t%s\t%s\t%s\n' "$PHASE" "$PHASE_LOAD" "$PHASE_RUSTC" "$(rustc_count)" "$(hwm_kb)" >>"$OUT/loads.tsv"
  reset_hwm
}

run_wrk() { # name reqfile connections seconds [nowait]
  local name="$1" file="$2" conns="$3" secs="$4" threads=2 line
  ((conns < 2)) && threads=1
  phase_start "$name" "${5:-}"
  log "wrk: $name (${conns} connections, ${secs}s; load1 $PHASE_LOAD)"
  BENCH_REQS="$OUT/$file.tsv" python3 "$SCRIPT_DIR/bench-cpu.py" "$OUT/cpu-$name.json" "$SERVER_PID" "$PG_PID" -- \
    wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 10s \
    -s "$SCRIPT_DIR/bench-wrk.lua" "$BASE" >"$OUT/wrk-$name.log" 2>&1 || true
  phase_end
  line="$(grep '^BENCHJSON ' "$OUT/wrk-$name.log" | tail -n 1 | cut -d' ' -f2-)"
  [[ -n "$line" ]] || { cat "$OUT/wrk-$name.log" >&2; die "wrk $name produced no result"; }
  R[$name]="$line"
  log "  → $(jget "$line" rps) req/s, p50 $(jget "$line" p50_ms) ms, p99 $(jget "$line" p99_ms) ms, non-2xx $(jget "$line" non2xx)"
}

# Unloaded latency: one connection at a fixed rate (open loop) cycling through a request file.
declare -A P # name -> BENCHJSON
run_probe() { # name reqfile rate seconds
  local name="$1" file="$2" rate="$3" secs="$4" line
  phase_start "probe-$name"
  log "probe: $name unloaded (${rate} req/s, ${secs}s; load1 $PHASE_LOAD)"
  python3 "$SCRIPT_DIR/bench-probe.py" "$BASE" "$OUT/$file.tsv" "$rate" "$secs" >"$OUT/probe-$name.log" 2>&1 || true
  phase_end
  line="$(sed -n 's/^BENCHJSON //p' "$OUT/probe-$name.log")"
  [[ -n "$line" ]] || { cat "$OUT/probe-$name.log" >&2; die "probe $name produced no result"; }
  P[$name]="$line"
  log "  → p50 $(jget "$line" p50_ms) ms, p99 $(jget "$line" p99_ms) ms, non-2xx $(jget "$line" non2xx)"
}
printf 'setup\t%s\t0\t0\t%s\n' "$(cut -d' ' -f1 /proc/loadavg)" "$(hwm_kb)" >"$OUT/loads.tsv"
reset_hwm

LOADAVG_START="$(cut -d' ' -f1-3 /proc/loadavg)"

# References first: the framework's ceiling and PostgreSQL's own select-only rate.
run_wrk health health "$CONN" "$SECS"

PGBENCH_TPS=""
if [[ -x "$PGBENCH" ]]; then
  log "pgbench: initialising (scale 10) and running -S (select-only), 20 clients, ${SECS}s"
  "$PSQL" -X -q "$BASE_URL/postgres" -c "DROP DATABASE IF EXISTS pgbench_ref WITH (FORCE)" \
    -c "CREATE DATABASE pgbench_ref" >&2
  "$PGBENCH" -i -q -s 10 "$BASE_URL/pgbench_ref" >"$OUT/pgbench-init.log" 2>&1
  phase_start pgbench
  python3 "$SCRIPT_DIR/bench-cpu.py" "$OUT/cpu-pgbench.json" "$SERVER_PID" "$PG_PID" -- \
    "$PGBENCH" -S -M prepared -c 20 -j 2 -T "$SECS" "$BASE_URL/pgbench_ref" >"$OUT/pgbench.log" 2>&1
  phase_end
  PGBENCH_TPS="$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$OUT/pgbench.log" | tail -n 1)"
  log "  → pgbench -S: $PGBENCH_TPS tps"
else
  log "pgbench not found: no PostgreSQL reference"
fi

# The floor under any read path that touches the database: one pooled round trip, no SQL.
run_wrk ready ready "$CONN" "$SECS"
run_wrk me me "$CONN" "$SECS"
run_wrk search search "$CONN" "$SECS"
run_wrk sessions sessions "$CONN" "$SECS"
run_wrk detail detail "$CONN" "$SECS"
# Memory at 256 concurrent connections, before the heavier progress reports raise the allocator's
# retained memory (each phase records its own peak RSS).
run_wrk c256 sessions 256 10
HAVE_PROGRESS=0
if [[ -s "$OUT/progress.tsv" ]]; then
  HAVE_PROGRESS=1
  run_wrk progress progress "$CONN" "$SECS"
fi
# The same read paths one request at a time (latency without queueing), 50 req/s.
run_probe me me 50 10
run_probe search search 50 10
run_probe sessions sessions 50 10
run_probe detail detail 50 10
((HAVE_PROGRESS)) && run_probe progress progress 5 30 # slower: one request costs tens of ms

# Answer submission → evaluation job → offline grader, end to end.
SUBMIT_FROM="$("$PSQL" -X -tA "$DB_URL" -c "SELECT now()")"
run_wrk answers answers 32 "$SECS"
log "waiting for the evaluation queue to drain (≤ 180 s)"
drain_t0="$(date +%s)"
while :; do
  left="$("$PSQL" -X -tA "$DB_URL" -c "SELECT count(*) FROM jobs WHERE kind = 'evaluate_answer' AND status IN ('queued','running')")"
  [[ "$left" == 0 ]] && break
  (($(date +%s) - drain_t0 > 180)) && { log "  queue not drained after 180 s ($left left)"; break; }
  sleep 1
done
EVAL_JSON="$("$PSQL" -X -tA "$DB_URL" <<SQL
SELECT json_build_object(
  'answers', count(*),
  'evaluated', count(*) FILTER (WHERE e.status = 'completed'),
  'failed', count(*) FILTER (WHERE e.status = 'failed'),
  'pending', count(*) FILTER (WHERE e.status IN ('pending','running')),
  'p50_ms', round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM e.completed_at - a.submitted_at)) * 1000)::numeric, 1),
  'p99_ms', round((percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM e.completed_at - a.submitted_at)) * 1000)::numeric, 1),
  'grader_rate', round((count(*) FILTER (WHERE e.status = 'completed') / greatest(extract(epoch FROM max(e.completed_at) - min(a.submitted_at)), 0.001))::numeric, 1),
  'grader_ms_p50', round((percentile_cont(0.5) WITHIN GROUP (ORDER BY e.latency_ms))::numeric, 1),
  'max_attempts', max(e.attempts))
FROM answers a JOIN evaluations e ON e.answer_id = a.id
WHERE a.submitted_at >= '$SUBMIT_FROM' AND a.text LIKE '% Attempt %';
SQL
)"
log "  → evaluations: $EVAL_JSON"

# Login: the bound is cores ÷ bcrypt time; GET /me latency must not suffer meanwhile.
CORES="$(nproc)"
BCRYPT_JSON="$("$BCRYPT_BIN" 12 10 | sed -n 's/^BENCHJSON //p')"
BCRYPT_MS="$(jget "$BCRYPT_JSON" ms_median)"
log "bcrypt cost 12: $BCRYPT_MS ms per verification (single thread)"
PROBE_TOKEN="$(cat "$OUT/probe_token")"
phase_start me-idle
log "GET /me latency probe, unloaded (20 req/s, 10 s)"
ME_IDLE="$(python3 "$SCRIPT_DIR/bench-probe.py" "$BASE/api/v1/me" "$PROBE_TOKEN" 20 10 | sed -n 's/^BENCHJSON //p')"
phase_end
log "  → p50 $(jget "$ME_IDLE" p50_ms) ms, p99 $(jget "$ME_IDLE" p99_ms) ms"
LOGIN_SECS=$((SECS > 20 ? SECS : 20))
phase_start login-wait # wait for a quiet machine before the probe starts; run_wrk then does not wait
# The probe's window starts 3 s into the login load and ends 3 s before it.
(sleep 3 && exec python3 "$SCRIPT_DIR/bench-probe.py" "$BASE/api/v1/me" "$PROBE_TOKEN" 20 $((LOGIN_SECS - 6))) \
  >"$OUT/probe-loaded.log" 2>&1 &
PROBE_PID=$!
# Mid-run: how many of the server's threads are runnable (bcrypt runs on the blocking pool) vs cores.
(sleep $((LOGIN_SECS / 2)) && for t in /proc/"$SERVER_PID"/task/*; do
  printf '%s %s\n' "$(cut -d' ' -f3 "$t/stat" 2>/dev/null)" "$(cat "$t/comm" 2>/dev/null)"
done | sort | uniq -c >"$OUT/threads-login.txt") &
run_wrk login login "$LOGIN_CONN" "$LOGIN_SECS" nowait
wait "$PROBE_PID" || true
ME_LOADED="$(sed -n 's/^BENCHJSON //p' "$OUT/probe-loaded.log")"
[[ -n "$ME_LOADED" ]] || { cat "$OUT/probe-loaded.log" >&2; die "the loaded probe failed"; }
log "  → GET /me under login load: p50 $(jget "$ME_LOADED" p50_ms) ms, p99 $(jget "$ME_LOADED" p99_ms) ms"

# Peak RSS over the whole run (VmHWM of the last phase; phases reset it, see phase_end).
VMHWM_KB="$(hwm_kb)"
VMRSS_KB="$(awk '/^VmRSS/ {print $2}' "/proc/$SERVER_PID/status")"

# Query plans of the SQL the server actually runs: log every statement for a moment, send one request per
# read path (marked in the log by a psql statement), then EXPLAIN (ANALYZE, BUFFERS) each logged statement.
PG_LOG="$(dirname "$PG_DATA")/postgres.log"
if [[ -r "$PG_LOG" ]]; then
  # Sign-ins still queued for bcrypt when wrk stopped finish first: their statements are not a read path's.
  for _ in $(seq 1 30); do
    [[ "$("$PSQL" -X -tA "$DB_URL" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()")" == 0 ]] &&
      ! grep -q 'bcrypt-[0-9]*$' <(for t in /proc/"$SERVER_PID"/task/*; do [[ "$(cut -d' ' -f3 "$t/stat" 2>/dev/null)" == R ]] && cat "$t/comm"; done 2>/dev/null) &&
      break
    sleep 1
  done
  sleep 1
  log "capturing the SQL of each read path and its plan (log_min_duration_statement = 0 briefly)"
  LOG_OFFSET="$(stat -c %s "$PG_LOG")"
  "$PSQL" -X -q "$DB_URL" -c "ALTER SYSTEM SET log_min_duration_statement = 0" -c "SELECT pg_reload_conf()" >/dev/null
  sleep 1
  explain_req() { # name path token
    "$PSQL" -X -q -tA "$DB_URL" -c "SELECT 'bench-marker:$1'" >/dev/null
    curl -fsS -o /dev/null -H "Authorization: Bearer $3" "$BASE$2" || log "  $2 failed"
    sleep 0.3
  }
  explain_req me /api/v1/me "$PROBE_TOKEN"
  explain_req search "$(head -n 1 "$OUT/search.tsv" | cut -f2)" ""
  explain_req sessions /api/v1/sessions "$PROBE_TOKEN"
  explain_req detail "$(head -n 1 "$OUT/detail.tsv" | cut -f2)" "$(head -n 1 "$OUT/detail.tsv" | cut -f3)"
  ((HAVE_PROGRESS)) && explain_req progress /api/v1/progress "$(cat "$OUT/heavy_token")"
  "$PSQL" -X -q -tA "$DB_URL" -c "SELECT 'bench-marker:end'" >/dev/null
  "$PSQL" -X -q "$DB_URL" -c "ALTER SYSTEM RESET log_min_duration_statement" -c "SELECT pg_reload_conf()" >/dev/null
  python3 "$SCRIPT_DIR/bench-explain.py" "$PG_LOG" "$LOG_OFFSET" "$PSQL" "$DB_URL" "$OUT/plans.md" \
    >"$OUT/statements.json" || log "could not extract the query plans"
else
  log "PostgreSQL log $PG_LOG not readable: no query plans"
fi

# Observability: /metrics answers with the token (and only with it); logs are JSON lines.
METRICS_NOAUTH="$(curl -s -o /dev/null -w '%{http_code}' "$BASE/metrics")"
curl -fsS -H "Authorization: Bearer $METRICS_TOKEN" "$BASE/metrics" >"$OUT/metrics.txt"
METRICS_ME="$(awk '/^http_requests_total\{/ && /route="\/api\/v1\/me"/ && /method="GET"/ && /status="200"/ {s+=$NF} END {print s+0}' "$OUT/metrics.txt")"
METRICS_JOBS="$(awk '/^jobs_total\{/ && /kind="evaluate_answer"/ && /outcome="ok"/ {s+=$NF} END {print s+0}' "$OUT/metrics.txt")"
LOG_LINES="$(wc -l <"$OUT/server.log")"
LOG_BAD="$(python3 -c '
import json, sys
bad = 0
for line in open(sys.argv[1], errors="replace"):
    try:
        json.loads(line)
    except ValueError:
        bad += 1
print(bad)' "$OUT/server.log")"

stop_server
ELAPSED=$(($(date +%s) - STARTED_AT))

# ---------------------------------------------------------------------------------------------------
# Report

declare -p R P >"$OUT/raw.sh" 2>/dev/null || true
export BENCH_R_JSON BENCH_P_JSON
BENCH_R_JSON="$(for k in "${!R[@]}"; do printf '%s\t%s\n' "$k" "${R[$k]}"; done)"
BENCH_P_JSON="$(for k in "${!P[@]}"; do printf '%s\t%s\n' "$k" "${P[$k]}"; done)"
export EVAL_JSON ME_IDLE ME_LOADED BCRYPT_MS CORES PGBENCH_TPS VMHWM_KB VMRSS_KB METRICS_NOAUTH METRICS_ME \
  METRICS_JOBS LOG_LINES LOG_BAD N_USERS N_SESSIONS N_ANSWERS SEED_SECS SECS CONN LOGIN_CONN \
  LOADAVG_START ELAPSED HEAVY OUT SEED_WHAT
PG_VERSION="$("$PG_BIN_DIR/postgres" --version 2>/dev/null || echo unknown)" \
  DB_SIZE="$DB_SIZE_A $DB_SIZE_B" python3 - "$OUT/results.md" <<'PY'
import datetime, json, os, platform, sys

e = os.environ
r = {k: json.loads(v) for k, v in (l.split("\t", 1) for l in e["BENCH_R_JSON"].splitlines() if l)}
p = {k: json.loads(v) for k, v in (l.split("\t", 1) for l in e["BENCH_P_JSON"].splitlines() if l)}
stmts = {}
try:
    stmts = json.load(open(os.path.join(e["OUT"], "statements.json")))
except (OSError, ValueError):
    pass

def cpu_split(key):
    try:
        c = json.load(open(os.path.join(e["OUT"], f"cpu-{key}.json")))
    except (OSError, ValueError):
        return "?"
    return f"{c['server']:.2f} / {c['postgres']:.2f} / {c['loadgen']:.2f} / {c['other']:.2f} / {c['idle']:.2f}"

loads = {}
hwm = {}
for l in open(os.path.join(e["OUT"], "loads.tsv")):
    f = l.rstrip("\n").split("\t")
    if len(f) == 5:
        loads[f[0]] = f"{f[1]}" + (f" (rustc {f[2]}→{f[3]})" if f[2] != "0" or f[3] != "0" else "")
        if f[4].isdigit():
            hwm[f[0]] = int(f[4]) / 1024
ev = json.loads(e["EVAL_JSON"])
idle, loaded = json.loads(e["ME_IDLE"]), json.loads(e["ME_LOADED"])
cores, bcrypt_ms = int(e["CORES"]), float(e["BCRYPT_MS"])
pg = float(e["PGBENCH_TPS"]) if e.get("PGBENCH_TPS") else None
bound = cores * 1000 / bcrypt_ms
ceiling = r["health"]["rps"]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
mem_gb = int(next(l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal"))) / 1024 / 1024
peak_phase = max(hwm, key=hwm.get) if hwm else "?"
hwm_mb = max(hwm.values()) if hwm else int(e["VMHWM_KB"]) / 1024

def row(name, key, ref_name, ref, target=None, ok=None, note=""):
    x = r[key]
    pct = f"{100 * x['rps'] / ref:.0f}%" if ref else "–"
    verdict = "" if ok is None else ("✅ " if ok else "❌ ") + target
    return (f"| {name} | {x['rps']:,.0f} | {x['p50_ms']:.1f} | {x['p99_ms']:.1f} | {x.get('non2xx', 0)} | "
            f"{ref_name} | {pct} | {verdict}{note} | {stmts.get(key, '–')} | {cpu_split(key)} | {loads.get(key, '?')} |")

lines = []
w = lines.append
w(f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC on {cores} cores ({cpu}), "
  f"{mem_gb:.1f} GiB RAM, {platform.system()} {platform.release()}, {e['PG_VERSION']}; "
  f"load average at start {e['LOADAVG_START']}.")
w(f"Data: {int(e['N_USERS']):,} users, {int(e['N_SESSIONS']):,} sessions, {int(e['N_ANSWERS']):,} answers "
  f"(database {e['DB_SIZE']}), {e['SEED_WHAT']} in {e['SEED_SECS']} s. wrk: {e['SECS']} s per endpoint, "
  f"{e['CONN']} connections (answers 32, login {e['LOGIN_CONN']}). Whole run: {e['ELAPSED']} s.")
w("")
w("| Endpoint | req/s | p50 ms | p99 ms | non-2xx | Reference (same run) | % of ref | Target | SQL/req | CPU cores: server / postgres / load gen / other / idle | load1 |")
w("|---|---:|---:|---:|---:|---|---:|---|---:|---|---|")
w(row("`GET /health/live` (framework ceiling)", "health", "—", None))
pg_name = f"pgbench -S {pg:,.0f} tps" if pg else "pgbench n/a"
if "ready" in r:
    w(row("`GET /health/ready` (one pooled DB round trip, no SQL: the floor of a read path)", "ready", pg_name, pg))
names = [("me", "`GET /api/v1/me`"), ("search", "`GET /api/v1/questions?q=…`"),
         ("sessions", "`GET /api/v1/sessions`"), ("detail", "`GET /api/v1/sessions/{id}`")]
if "progress" in r:
    names.append(("progress", f"`GET /api/v1/progress` ({int(e['HEAVY']):,}-answer user)"))
for key, name in names:
    ok = (r[key]["rps"] >= 0.5 * pg) if pg else None
    w(row(name, key, pg_name, pg, "≥ 50% of pgbench -S", ok, f" ({100 * r[key]['rps'] / ceiling:.0f}% of ceiling)"))
w(row("`POST /api/v1/sessions/{id}/answers` (+ grader)", "answers", "—", None))
w(row("`POST /api/v1/auth/login` (cost 12)", "login", f"{cores} cores ÷ {bcrypt_ms:.0f} ms = {bound:.1f}/s",
      bound, "≥ 85% of bcrypt bound", r["login"]["rps"] >= 0.85 * bound))
w("")
if p:
    w("Unloaded latency (one connection, open loop, 50 req/s for 10 s — progress 5 req/s for 30 s —, cycling through the same users/sessions/terms):")
    w("")
    w("| Endpoint | requests | p50 ms | p90 ms | p99 ms | max ms | non-2xx | load1 |")
    w("|---|---:|---:|---:|---:|---:|---:|---|")
    for key, name in names:
        if key in p:
            x = p[key]
            w(f"| {name} | {x['requests']} | {x['p50_ms']:.2f} | {x['p90_ms']:.2f} | {x['p99_ms']:.2f} | "
              f"{x['max_ms']:.2f} | {x['non2xx']} | {loads.get('probe-' + key, '?')} |")
    w("")
me_ok = loaded["p99_ms"] < 2 * idle["p99_ms"]
w(f"- `GET /me` at 20 req/s: unloaded p50 {idle['p50_ms']:.1f} ms / p99 {idle['p99_ms']:.1f} ms "
  f"(load1 {loads.get('me-idle', '?')}); during the login load p50 {loaded['p50_ms']:.1f} ms / p99 "
  f"{loaded['p99_ms']:.1f} ms ({loaded['p99_ms'] / max(idle['p99_ms'], 1e-9):.1f}× — target < 2×: "
  f"{'✅' if me_ok else '❌'}).")
w(f"- Evaluations (offline grader, in-process workers): {ev['evaluated']:,} of {ev['answers']:,} submitted "
  f"answers evaluated ({ev['failed']} failed, {ev['pending']} pending), submit→evaluated p50 {ev['p50_ms']} ms / "
  f"p99 {ev['p99_ms']} ms, {ev['grader_rate']} evaluations/s sustained, grader time p50 {ev['grader_ms_p50']} ms, "
  f"max attempts per evaluation {ev['max_attempts']}.")
c = r["c256"]
w(f"- 256 connections on `GET /api/v1/sessions`: {c['rps']:,.0f} req/s, p99 {c['p99_ms']:.1f} ms, "
  f"{c['non2xx']} non-2xx, {c['connect_errors'] + c['read_errors'] + c['timeouts']} socket errors "
  f"(load1 {loads.get('c256', '?')}); server peak RSS during this phase {hwm.get('c256', 0):.0f} MB "
  f"— target < 150 MB: {'✅' if hwm.get('c256', 1e9) < 150 else '❌'}. Peak RSS over the whole run {hwm_mb:.0f} MB "
  f"(during '{peak_phase}'; RSS at the end {int(e['VMRSS_KB']) / 1024:.0f} MB). Peak RSS per phase (MB): "
  + ", ".join(f"{k} {v:.0f}" for k, v in hwm.items()) + ".")
w(f"- Observability: `GET /metrics` without the token → {e['METRICS_NOAUTH']}; with it, "
  f"`http_requests_total{{route=\"/api/v1/me\",method=\"GET\",status=\"200\"}}` = {e['METRICS_ME']}, "
  f"`jobs_total{{kind=\"evaluate_answer\",outcome=\"ok\"}}` = {e['METRICS_JOBS']}; server log: "
  f"{e['LOG_LINES']} lines, {e['LOG_BAD']} not JSON.")
w(f"- pgbench -S reference: {pg_name}, 1 statement per transaction; CPU cores server / postgres / pgbench / other / "
  f"idle {cpu_split('pgbench')}; load1 {loads.get('pgbench', '?')}.")
w("- SQL/req = statements the server sent to PostgreSQL for one such request (from the statement log, "
  "see the query plans); CPU = cores used during the wrk run by each party (2.0 = the whole machine).")
w("- load1 = 1-minute load average when the phase started (this benchmark's own previous phase included); "
  "“rustc a→b” = compiler processes of other work running at the start→end of the phase.")
text = "\n".join(lines) + "\n"
open(sys.argv[1], "w").write(text)
print(text)
PY
log "results written to $OUT/results.md (query plans: $OUT/plans.md; whole run ${ELAPSED}s)"
