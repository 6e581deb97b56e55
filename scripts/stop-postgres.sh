#!/usr/bin/env bash
# stop-postgres.sh — stop the throwaway test cluster started by ensure-postgres.sh.
#
# Usage: scripts/stop-postgres.sh [--clean]
#   Stops the cluster in $PG_TEST_DIR (default <repo>/.tmp/pg, or its /tmp fallback when the postgres
#   user could not reach that directory). With --clean, also deletes the cluster directory.
#   Prints nothing on stdout; a missing or already-stopped cluster is not an error.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$SCRIPT_DIR/ensure-postgres.sh" --stop "$@"
