#!/usr/bin/env bash
# Builds every release artefact of Table rase into dist/:
#   tablerase-<os>-<arch>[.exe] for linux/amd64, windows/amd64, windows/arm64, darwin/amd64, darwin/arm64,
#   tablerase-extension.zip (Chromium family) and tablerase.xpi (Firefox), SHA256SUMS.
# Usage: scripts/build.sh [--targets "linux/amd64 …"] [--no-extension]
# Env: VERSION (default: git describe, else 0.1.0-dev), DIST (default: dist).
set -euo pipefail
cd "$(dirname "$0")/.."

targets="linux/amd64 windows/amd64 windows/arm64 darwin/amd64 darwin/arm64"
extension=1
while [ $# -gt 0 ]; do
  case "$1" in
    --targets) targets="$2"; shift 2 ;;
    --no-extension) extension=0; shift ;;
    *) echo "usage: $0 [--targets \"os/arch …\"] [--no-extension]" >&2; exit 2 ;;
  esac
done
VERSION=${VERSION:-$(git describe --tags --always 2>/dev/null | sed 's/^v//' || true)}
VERSION=${VERSION:-0.1.0-dev}
DIST=${DIST:-dist}
mkdir -p "$DIST"

for t in $targets; do
  os=${t%/*} arch=${t#*/} ext=""
  [ "$os" = windows ] && ext=.exe
  out="$DIST/tablerase-$os-$arch$ext"
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath -ldflags "-s -w -X main.version=$VERSION" -o "$out" ./host/cmd/tablerase
  echo "built $out"
done

if [ $extension = 1 ] && [ -f extension/manifest.json ]; then
  if [ -f extension/scripts/build.mjs ]; then
    # The extension's own build knows what ships; it writes into OUT_DIR.
    (cd extension && OUT_DIR="$(cd .. && pwd)/$DIST" VERSION="$VERSION" node scripts/build.mjs)
  else
    # No build script yet: package the extension folder as it is, without dev files.
    tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
    (cd extension && zip -qr -X "$tmp/ext.zip" . -x 'node_modules/*' 'test/*' 'scripts/*' 'package*.json' '.*')
    cp "$tmp/ext.zip" "$DIST/tablerase-extension.zip"
    cp "$tmp/ext.zip" "$DIST/tablerase.xpi"
  fi
  ls "$DIST"/*.zip "$DIST"/*.xpi 2>/dev/null | sed 's/^/built /'
fi

(cd "$DIST" && find . -maxdepth 1 -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort | xargs sha256sum > SHA256SUMS)
echo "wrote $DIST/SHA256SUMS"
