#!/usr/bin/env bash
# ensure-chromium.sh — make sure /usr/bin/chromium exists (used by Playwright e2e tests and screenshots).
#
# Usage: scripts/ensure-chromium.sh
#   Exits 0 when /usr/bin/chromium is (or has been made) available. As root on Debian/Ubuntu it installs
#   `chromium` plus fonts-liberation and fonts-dejavu-core (so screenshots have readable text) with apt-get.
#   As a normal user with no chromium it fails with instructions. Prints nothing on stdout; the chromium
#   version and progress go to stderr.
#   CHROMIUM_BIN overrides the path checked (default /usr/bin/chromium).
set -euo pipefail

log() { printf 'ensure-chromium: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"

if [[ ! -x "$CHROMIUM_BIN" ]]; then
  if [[ "$(id -u)" -ne 0 ]]; then
    die "$CHROMIUM_BIN not found. Install it as root: \
'sudo apt-get install -y --no-install-recommends chromium fonts-liberation fonts-dejavu-core' \
(or set CHROMIUM_BIN to an existing Chromium/Chrome binary)."
  fi
  command -v apt-get >/dev/null 2>&1 || die "$CHROMIUM_BIN not found and apt-get is unavailable"
  log "installing chromium with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  aptlog="$(mktemp)"
  # Wait for a concurrent apt/dpkg instead of failing on its lock; keep dpkg's chatter unless it fails.
  if ! { apt-get -o DPkg::Lock::Timeout=300 update -qq &&
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends \
      chromium fonts-liberation fonts-dejavu-core; } >"$aptlog" 2>&1; then
    tail -n 30 "$aptlog" >&2
    rm -f "$aptlog"
    die "apt-get install chromium failed"
  fi
  rm -f "$aptlog"
  [[ -x "$CHROMIUM_BIN" ]] || die "apt-get install chromium finished but $CHROMIUM_BIN is still missing"
fi

# `chromium --version` can be slow or chatty on first run; bound it and never fail on it.
version="$(timeout 30 "$CHROMIUM_BIN" --version 2>/dev/null || true)"
log "${version:-chromium at $CHROMIUM_BIN (version unknown)}"
