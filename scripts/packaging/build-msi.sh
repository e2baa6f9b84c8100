#!/usr/bin/env bash
# Builds dist/tablerase-<version>-x64.msi with wixl (Debian package wixl).
# Usage: scripts/packaging/build-msi.sh     Env: VERSION (default 0.1.0; MSI wants x.y.z), DIST (default dist)
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=${VERSION:-0.1.0} DIST=${DIST:-dist}
command -v wixl >/dev/null || { echo "wixl missing: apt-get install -y wixl msitools" >&2; exit 1; }
if [ ! -f "$DIST/tablerase-windows-amd64.exe" ]; then
  DIST=$DIST VERSION=$VERSION scripts/build.sh --targets windows/amd64 --no-extension
fi
# wixl resolves Source paths relative to the current folder only: stage everything.
stage=$(mktemp -d); trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/dist" "$stage/manifests"
cp "$DIST/tablerase-windows-amd64.exe" "$stage/dist/"
cp manifests/host/windows/*.json "$stage/manifests/"
cp scripts/packaging/msi/tablerase.wxs scripts/packaging/msi/policies.wxs "$stage/"
out="$(cd "$DIST" && pwd)/tablerase-$VERSION-x64.msi"
(cd "$stage" && wixl -a x64 -D Version="$VERSION" -D SourceDir=dist -D ManifestDir=manifests \
  -o "$out" tablerase.wxs policies.wxs)
echo "built $out"
