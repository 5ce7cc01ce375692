#!/bin/sh
# tracefleet agent: records this host for a few seconds and streams what it recorded to one
# capture of a tracefleet server, as this host's sources.
#
#   curl -fsS SERVER/agent.sh | sh -s -- --capture ID --token TOKEN [--seconds 30] [--ftrace] [--strace PID]
#
# Needs perf (Debian: linux-perf; Ubuntu: linux-tools-$(uname -r); RHEL: perf), curl and gzip;
# run it as root (system-wide recording). Exits non-zero when anything fails.
set -eu

SERVER=__TRACEFLEET_SERVER__
CAPTURE=''
TOKEN=''
SECS=30
FTRACE=0
STRACE_PID=''
NODE=''
# perf and strace as found on PATH, unless given (PERF=/opt/perf/bin/perf sh agent.sh ...).
PERF=${PERF:-perf}
STRACE=${STRACE:-strace}

say() { printf 'tracefleet-agent: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
usage() {
  cat >&2 <<'USAGE'
usage: sh agent.sh --capture ID --token TOKEN [options]
  --server URL     the tracefleet server (default: the one this script came from)
  --capture ID     the capture to add this host to
  --token TOKEN    the capture's upload token (or the server's token)
  --seconds N      how long to record (default 30)
  --node NAME      this host's name in the capture (default: its host name)
  --ftrace         also record scheduler and syscall tracepoints (sched_switch, raw_syscalls)
  --strace PID     also record the syscalls of process PID and its threads with strace
USAGE
}

while [ $# -gt 0 ]; do
  case "$1" in
    --server) [ $# -ge 2 ] || die "--server needs a URL"; SERVER=$2; shift 2 ;;
    --capture) [ $# -ge 2 ] || die "--capture needs an id"; CAPTURE=$2; shift 2 ;;
    --token) [ $# -ge 2 ] || die "--token needs a token"; TOKEN=$2; shift 2 ;;
    --seconds) [ $# -ge 2 ] || die "--seconds needs a number"; SECS=$2; shift 2 ;;
    --node) [ $# -ge 2 ] || die "--node needs a name"; NODE=$2; shift 2 ;;
    --ftrace) FTRACE=1; shift ;;
    --strace) [ $# -ge 2 ] || die "--strace needs a PID"; STRACE_PID=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage; die "unknown option: $1" ;;
  esac
done

case "$SERVER" in
  http://*|https://*) SERVER=${SERVER%/} ;;
  *) die "no server: pass --server http(s)://HOST:PORT" ;;
esac
printf '%s' "$CAPTURE" | grep -Eq '^[A-Za-z0-9_-]{22}$' || die "--capture must be a capture id (22 characters), got '$CAPTURE'"
[ -n "$TOKEN" ] || say "no --token: this works only if the server's writes are open"
printf '%s' "$SECS" | grep -Eq '^[0-9]+$' && [ "$SECS" -ge 1 ] && [ "$SECS" -le 3600 ] || die "--seconds must be a whole number from 1 to 3600"
if [ -n "$STRACE_PID" ]; then
  printf '%s' "$STRACE_PID" | grep -Eq '^[0-9]+$' || die "--strace needs a process id"
  kill -0 "$STRACE_PID" 2>/dev/null || die "no process $STRACE_PID to strace"
fi
if [ -z "$NODE" ]; then NODE=$(uname -n); fi
NODE=$(printf '%s' "$NODE" | tr -c 'A-Za-z0-9._-' '-' | cut -c1-128)
[ -n "$NODE" ] || die "no node name: pass --node NAME"

for tool in curl gzip; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed"
done
command -v "$PERF" >/dev/null 2>&1 || die "perf is not installed (Debian: apt-get install linux-perf; Ubuntu: apt-get install linux-tools-\$(uname -r); RHEL/Fedora: dnf install perf)"
if [ "$(id -u)" != 0 ]; then
  paranoid=$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo 2)
  if [ "$paranoid" -gt 0 ]; then
    die "kernel.perf_event_paranoid is $paranoid, which forbids system-wide recording: run as root, or sysctl -w kernel.perf_event_paranoid=-1"
  fi
fi
if [ -n "$STRACE_PID" ]; then command -v "$STRACE" >/dev/null 2>&1 || die "strace is not installed (apt-get install strace)"; fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tracefleet.XXXXXX") || die "cannot make a temporary folder"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

say "recording $NODE for $SECS s ..."
"$PERF" record -F 99 -a -g -o "$tmp/cpu.data" -- sleep "$SECS" >"$tmp/cpu.log" 2>&1 &
cpu_pid=$!
tp_pid=''
if [ "$FTRACE" = 1 ]; then
  # --exclude-perf: perf's own writes of what it records would otherwise feed the syscall events.
  "$PERF" record -e sched:sched_switch -e raw_syscalls:sys_enter --exclude-perf -e raw_syscalls:sys_exit --exclude-perf -a -o "$tmp/tp.data" -- sleep "$SECS" >"$tmp/tp.log" 2>&1 &
  tp_pid=$!
fi
st_pid=''
if [ -n "$STRACE_PID" ]; then
  "$STRACE" -f -ttt -T -p "$STRACE_PID" -o "$tmp/strace.txt" >"$tmp/strace.log" 2>&1 &
  st_pid=$!
fi

wait "$cpu_pid" || { cat "$tmp/cpu.log" >&2; die "perf record failed (see above)"; }
if [ -n "$tp_pid" ]; then wait "$tp_pid" || { cat "$tmp/tp.log" >&2; die "perf record of tracepoints failed (is tracefs mounted?)"; }; fi
if [ -n "$st_pid" ]; then
  kill -INT "$st_pid" 2>/dev/null || true
  wait "$st_pid" || true
  [ -s "$tmp/strace.txt" ] || { cat "$tmp/strace.log" >&2; die "strace recorded nothing"; }
fi

# Sends one source: gzip-compressed, streamed from a file (curl knows its length).
upload() {
  name=$1
  file=$2
  gzip -c "$file" >"$file.gz" || die "gzip of $name failed"
  code=$(curl -sS -o "$tmp/response" -w '%{http_code}' -T "$file.gz" -X PUT \
    -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/octet-stream" -H "x-file-name: $NODE.$name.txt.gz" \
    "$SERVER/api/captures/$CAPTURE/nodes/$NODE/sources/$name") || die "could not reach $SERVER"
  if [ "$code" != 201 ]; then
    say "the server refused $name (HTTP $code):"
    cat "$tmp/response" >&2
    printf '\n' >&2
    exit 1
  fi
  say "sent $name"
}

"$PERF" script --header -i "$tmp/cpu.data" >"$tmp/cpu.txt" 2>"$tmp/script.log" || { cat "$tmp/script.log" >&2; die "perf script failed"; }
upload perf "$tmp/cpu.txt"
if [ -n "$tp_pid" ]; then
  "$PERF" script --header -i "$tmp/tp.data" >"$tmp/tp.txt" 2>"$tmp/script.log" || { cat "$tmp/script.log" >&2; die "perf script of tracepoints failed"; }
  upload perf-tracepoints "$tmp/tp.txt"
fi
if [ -n "$st_pid" ]; then upload strace "$tmp/strace.txt"; fi
say "done: $SERVER/c/$CAPTURE"
