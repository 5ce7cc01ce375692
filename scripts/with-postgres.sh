#!/usr/bin/env bash
# Runs a command with TRACEFLEET_TEST_DATABASE_URL pointing at a PostgreSQL that answers: the one
# given, else the machine's (127.0.0.1:5432, user postgres, database test), else a private
# cluster started here in a temporary folder (Debian's postgresql package is installed first if
# needed) and stopped when the command ends. The PostgreSQL suites never skip: without a server
# this script fails.
set -euo pipefail

URL="${TRACEFLEET_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"

answers() {
  node -e "const {Client}=require('pg');const c=new Client({connectionString:process.argv[1],connectionTimeoutMillis:3000});c.connect().then(()=>c.end(),()=>process.exit(1))" "$1" 2>/dev/null
}

PRIVATE=""
cleanup() {
  if [ -n "$PRIVATE" ]; then
    runuser -u postgres -- "$BIN/pg_ctl" -D "$PRIVATE/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PRIVATE"
  fi
}
trap cleanup EXIT

if ! answers "$URL"; then
  echo "with-postgres: nothing answers at $URL; starting a private PostgreSQL" >&2
  BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  fi
  PRIVATE="$(mktemp -d /tmp/tracefleet-pg.XXXXXX)"
  chown postgres "$PRIVATE"
  PORT="${TRACEFLEET_PRIVATE_PG_PORT:-55432}"
  runuser -u postgres -- "$BIN/initdb" -D "$PRIVATE/data" -U postgres --auth=trust >/dev/null
  runuser -u postgres -- "$BIN/pg_ctl" -D "$PRIVATE/data" -l "$PRIVATE/log" -w \
    -o "-p $PORT -k $PRIVATE -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >/dev/null
  runuser -u postgres -- "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres test
  URL="postgres://postgres@127.0.0.1:$PORT/test"
  answers "$URL" || { echo "with-postgres: the private PostgreSQL does not answer (see $PRIVATE/log)" >&2; exit 1; }
fi

export TRACEFLEET_TEST_DATABASE_URL="$URL"
"$@"
