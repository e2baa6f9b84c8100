#!/usr/bin/env bash
# Runs every test of Table rase, installing what it needs on a fresh Debian machine (as root) or
# telling what is missing. Usage: scripts/test.sh [--quick]   (--quick: Go tests only)
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0; [ "${1:-}" = "--quick" ] && quick=1

step() { printf '\n==> %s\n' "$*"; }

step "dependencies"
apt_pkgs=()
need() { command -v "$1" >/dev/null 2>&1 || apt_pkgs+=("$2"); }
if [ $quick = 0 ]; then
  need chromium chromium; need firefox-esr firefox-esr; need x86_64-w64-mingw32-gcc gcc-mingw-w64-x86-64
  # The Windows lane runs the Windows build under Wine (Debian's wine64 ships no /usr/bin/wine).
  [ -x /usr/lib/wine/wine64 ] || command -v wine64 >/dev/null 2>&1 || apt_pkgs+=(wine64)
  need sqlite3 sqlite3; need openssl openssl; need xvfb-run xvfb; need xclip xclip; need xdotool xdotool; need import imagemagick; need xsel xsel; need wixl wixl; need msiinfo msitools; need certutil libnss3-tools
  # French UI in both browsers, so the suite's receipts and screenshots show what an aidant sees.
  dpkg -s chromium-l10n >/dev/null 2>&1 || apt_pkgs+=(chromium-l10n)
  dpkg -s firefox-esr-l10n-fr >/dev/null 2>&1 || apt_pkgs+=(firefox-esr-l10n-fr)
fi
if [ ${#apt_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_pkgs[@]}" >/dev/null
  else
    echo "missing Debian packages (run as root or install them): ${apt_pkgs[*]}" >&2; exit 1
  fi
fi
go mod download
if [ $quick = 0 ]; then
  (cd extension && npm ci --no-audit --no-fund --loglevel=error)
fi

# extension/node_modules holds a stray Go package of an npm dependency: name ours explicitly.
gopkgs="./host/... ./scripts/..."

step "go vet (linux, windows, darwin) and gofmt"
unformatted=$(gofmt -l host)
[ -z "$unformatted" ] || { echo "gofmt needed: $unformatted" >&2; exit 1; }
for os in linux windows darwin; do GOOS=$os go vet $gopkgs; done

step "cross-compile"
for target in windows/amd64 windows/arm64 darwin/arm64 darwin/amd64 linux/amd64; do
  GOOS=${target%/*} GOARCH=${target#*/} go build -o /dev/null ./host/cmd/tablerase
  echo "  $target ok"
done

step "fuzz (short runs over the committed corpora)"
go test -run='^$' -fuzz='^FuzzParse$' -fuzztime=10s -fuzzminimizetime=1s ./host/internal/protocol
go test -run='^$' -fuzz='^FuzzRead$' -fuzztime=10s -fuzzminimizetime=1s ./host/internal/framing

step "go test -race"
go test -race -count=1 $gopkgs

[ $quick = 1 ] && exit 0

if [ "$(id -u)" = 0 ]; then
  step "wipe tests as an unprivileged user (root bypasses the permission paths)"
  scratch=$(mktemp -d); chmod 1777 "$scratch"
  go test -c -o "$scratch/wipe.test" ./host/internal/wipe
  setpriv --reuid=65534 --regid=65534 --clear-groups env TMPDIR="$scratch" HOME="$scratch" "$scratch/wipe.test" -test.count=1
  rm -rf "$scratch"
fi

step "Windows lane: the Windows build's tests, an accompaniment, install and the MSI, under Wine"
scripts/windows/test-wine.sh

step "packages: .deb (nfpm, installed and removed in a throwaway dpkg root) and MSI (wixl, tables checked)"
scripts/packaging/test-deb.sh
scripts/packaging/test-msi.sh

step "extension: web-ext lint and unit tests (node:test)"
(cd extension && npm test)

step "extension: smoke test in headless Chromium with the real host"
(cd extension && npm run smoke)

step "extension: charter reminders in real browsers"
(cd extension && npm run reminders)

step "real-browser proof: Chromium and Firefox ESR end to end, the real toolbar (headful, xdotool), faults, forensics, accessibility, measured"
(cd extension && npm run e2e)

step "real-browser proof, deployed mode: IT's own CRX/XPI installed by the project's policies (private mount namespace, nothing left on the system)"
(cd extension && npm run e2e:deployed)
