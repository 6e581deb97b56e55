#!/usr/bin/env bash
# ensure-python-tools.sh — create or reuse the repo's Python venv with the contract-testing tools.
#
# Usage: bin="$(scripts/ensure-python-tools.sh)" && "$bin/schemathesis" --version
#   stdout: one line, the venv's absolute bin directory (e.g. /work/main/.tmp/venv/bin).
#   stderr: progress. Reuses the venv when the pinned versions are already installed (no network then).
#
# Environment:
#   PY_VENV_DIR   venv location (default <repo>/.tmp/venv)
#   PYTHON        interpreter to create it with (default: first of python3.13/3.12/3.11/python3 that is
#                 >= 3.11; schemathesis 4 needs >= 3.10 but 3.11 is what CI and dev machines run)
set -euo pipefail

# Pinned tools. schemathesis 4.32.5 supports Python 3.10-3.14 (checked with `pip index versions`).
SCHEMATHESIS_VERSION="4.32.5"
REQUIREMENTS=("schemathesis==${SCHEMATHESIS_VERSION}")

log() { printf 'ensure-python-tools: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
VENV="${PY_VENV_DIR:-$REPO_ROOT/.tmp/venv}"
[[ "$VENV" = /* ]] || VENV="$PWD/$VENV"
STAMP="$VENV/.interviewos-tools"
WANT_STAMP="$(printf '%s\n' "${REQUIREMENTS[@]}")"

py_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1; }

# Fast path: the venv exists, works, and has exactly these pins installed.
if [[ -x "$VENV/bin/python" ]] && py_ok "$VENV/bin/python" && [[ -f "$STAMP" ]] &&
  [[ "$(cat "$STAMP")" == "$WANT_STAMP" ]] && [[ -x "$VENV/bin/schemathesis" ]]; then
  log "reusing $VENV"
  printf '%s\n' "$VENV/bin"
  exit 0
fi

pick_python() {
  local c
  if [[ -n "${PYTHON:-}" ]]; then
    py_ok "$PYTHON" || die "PYTHON=$PYTHON is not Python >= 3.11"
    printf '%s\n' "$PYTHON"
    return 0
  fi
  for c in python3.13 python3.12 python3.11 python3 /usr/bin/python3; do
    if command -v "$c" >/dev/null 2>&1 && py_ok "$c"; then
      command -v "$c"
      return 0
    fi
  done
  die "no Python >= 3.11 found (install python3 >= 3.11, or set PYTHON)"
}

PY="$(pick_python)"
log "using $PY ($("$PY" --version 2>&1))"

# Debian ships venv/ensurepip separately (python3-venv); install it when we can.
if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing python3-venv with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=300 update -qq >&2
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends python3-venv >/dev/null
  else
    die "$PY has no venv/ensurepip module; install python3-venv (Debian/Ubuntu) or set PYTHON"
  fi
fi

if [[ ! -x "$VENV/bin/python" ]] || ! py_ok "$VENV/bin/python"; then
  log "creating venv in $VENV"
  rm -rf -- "$VENV"
  mkdir -p "$(dirname "$VENV")"
  "$PY" -m venv "$VENV" >&2
fi

log "installing ${REQUIREMENTS[*]}"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
"$VENV/bin/python" -m pip install -q --upgrade pip >&2
"$VENV/bin/python" -m pip install -q "${REQUIREMENTS[@]}" >&2
"$VENV/bin/schemathesis" --version >&2 || die "schemathesis did not install correctly"
printf '%s\n' "$WANT_STAMP" >"$STAMP"

printf '%s\n' "$VENV/bin"
