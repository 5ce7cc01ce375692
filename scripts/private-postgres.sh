#!/usr/bin/env bash
# A private PostgreSQL cluster in a folder of its own, for tests:
#   private-postgres.sh init DIR PORT   creates it (database `test`, user postgres, trust) and starts it
#   private-postgres.sh start DIR PORT  starts it again
#   private-postgres.sh stop DIR        stops it (fast: open connections are cut, as in a crash of clients)
# Debian's postgresql package is installed first when its binaries are missing.
set -euo pipefail
cmd="$1"
dir="$2"
port="${3:-55432}"

BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start() {
  as_postgres "$BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >/dev/null
}

case "$cmd" in
  init)
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
    as_postgres "$BIN/initdb" -D "$dir/data" -U postgres --auth=trust >/dev/null
    start
    as_postgres "$BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres test
    ;;
  start) start ;;
  stop) as_postgres "$BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null ;;
  *) echo "usage: $0 init|start|stop DIR [PORT]" >&2; exit 2 ;;
esac
