#!/usr/bin/env bash
# Runs a command with TRACEFLEET_TEST_DATABASE_URL pointing at a PostgreSQL that answers: the one
# given, else the machine's (127.0.0.1:5432, user postgres, database test), else a private
# cluster started here in a temporary folder (scripts/private-postgres.sh) and stopped when the
# command ends. The PostgreSQL suites never skip: without a server this script fails.
set -euo pipefail

URL="${TRACEFLEET_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
HERE="$(cd "$(dirname "$0")" && pwd)"

answers() {
  node -e "const {Client}=require('pg');const c=new Client({connectionString:process.argv[1],connectionTimeoutMillis:3000});c.connect().then(()=>c.end(),()=>process.exit(1))" "$1" 2>/dev/null
}

PRIVATE=""
cleanup() {
  if [ -n "$PRIVATE" ]; then
    bash "$HERE/private-postgres.sh" stop "$PRIVATE" || true
    rm -rf "$PRIVATE"
  fi
}
trap cleanup EXIT

if ! answers "$URL"; then
  echo "with-postgres: nothing answers at $URL; starting a private PostgreSQL" >&2
  PRIVATE="$(mktemp -d /tmp/tracefleet-pg.XXXXXX)"
  PORT="${TRACEFLEET_PRIVATE_PG_PORT:-55432}"
  bash "$HERE/private-postgres.sh" init "$PRIVATE" "$PORT"
  URL="postgres://postgres@127.0.0.1:$PORT/test"
  answers "$URL" || { echo "with-postgres: the private PostgreSQL does not answer (see $PRIVATE/log)" >&2; exit 1; }
fi

export TRACEFLEET_TEST_DATABASE_URL="$URL"
"$@"
