#!/usr/bin/env bash
# Builds dist/tablerase_<version>_<arch>.deb and dist/tablerase-policies_<version>_all.deb with nfpm,
# pinned as a Go tool in scripts/tools/go.mod (the main go.mod stays lean).
# Usage: scripts/packaging/build-deb.sh     Env: VERSION (default 0.1.0), DIST (default dist), DEB_ARCH (default amd64)
set -euo pipefail
cd "$(dirname "$0")/../.."
export VERSION=${VERSION:-0.1.0} DIST=${DIST:-dist} DEB_ARCH=${DEB_ARCH:-amd64}
mkdir -p "$DIST"
if [ ! -x "$DIST/tablerase-linux-$DEB_ARCH" ]; then
  DIST=$DIST VERSION=$VERSION scripts/build.sh --targets "linux/$DEB_ARCH" --no-extension
fi
nfpm() { go tool -modfile=scripts/tools/go.mod nfpm "$@"; }
# nfpm does not expand variables in every field (contents.src): render the configs first.
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
render() { sed -e "s|\${VERSION}|$VERSION|g" -e "s|\${DIST}|$DIST|g" -e "s|\${DEB_ARCH}|$DEB_ARCH|g" "$1" > "$tmp/$(basename "$1")"; }
render scripts/packaging/deb/tablerase.yaml
render scripts/packaging/deb/tablerase-policies.yaml
nfpm package --packager deb --config "$tmp/tablerase.yaml" --target "$DIST/tablerase_${VERSION}_${DEB_ARCH}.deb"
nfpm package --packager deb --config "$tmp/tablerase-policies.yaml" --target "$DIST/tablerase-policies_${VERSION}_all.deb"
