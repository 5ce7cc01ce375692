#!/usr/bin/env bash
# Installs what the browser and agent tests need when it is missing, from Debian's packages:
# chromium (Playwright cannot download browsers here), perf (linux-perf) and strace.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
command -v perf >/dev/null 2>&1 || missing+=(linux-perf)
command -v strace >/dev/null 2>&1 || missing+=(strace)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing Debian packages for the tests: ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
[ -x "$CHROMIUM" ] && "$CHROMIUM" --version >&2 || true
