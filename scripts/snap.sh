#!/usr/bin/env bash
# Starts the built app on a scratch data folder, records the API snapshot into $1, stops it.
set -euo pipefail
out="$1"; port="${2:-3300}"
data="$(mktemp -d)"
TRACEFLEET_DATA_DIR="$data" PORT="$port" TRACEFLEET_HOST=127.0.0.1 setsid node server.mjs >"$data.log" 2>&1 &
pid=$!
trap 'kill -- -$pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$port/api/captures" >/dev/null && break; sleep 0.5; done
rm -rf "$out"
node scripts/api-snapshot.mjs "http://127.0.0.1:$port" "$out"
