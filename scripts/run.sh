#!/usr/bin/env bash
# Runs Table rase on this machine, on safe defaults: builds the host, installs it for the current
# user (scope "session": only what an accompaniment adds to Downloads is ever deleted), then opens
# Chromium (default) or Firefox ESR with the extension loaded.
# Usage: scripts/run.sh [--firefox]
# On a fresh Debian machine run it as root once (it installs chromium / firefox-esr with apt-get),
# or install them yourself first.
set -euo pipefail
cd "$(dirname "$0")/.."
browser=chromium
[ "${1:-}" = "--firefox" ] && browser=firefox-esr

if ! command -v "$browser" >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$browser" >/dev/null
  else
    echo "run.sh: $browser is not installed (sudo apt-get install $browser)" >&2; exit 1
  fi
fi
command -v go >/dev/null || { echo "run.sh: Go is needed to build the host (https://go.dev/dl/)" >&2; exit 1; }

mkdir -p build
CGO_ENABLED=0 go build -trimpath -o build/tablerase ./host/cmd/tablerase
family=chromium; [ "$browser" = firefox-esr ] && family=firefox
./scripts/install.sh --user --binary build/tablerase --browsers "$family"

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo
  echo "No display here: the host is installed; open $browser on a desktop session to use the extension"
  echo "(load it from $(pwd)/extension), or run ./scripts/test.sh to see it work headless."
  exit 0
fi

if [ "$browser" = chromium ]; then
  sandbox=(); [ "$(id -u)" = 0 ] && sandbox=(--no-sandbox)
  exec chromium "${sandbox[@]}" --load-extension="$(pwd)/extension" --no-first-run
else
  (cd extension && npm ci --no-audit --no-fund --silent)
  exec extension/node_modules/.bin/web-ext run --source-dir extension --firefox firefox-esr
fi
