#!/usr/bin/env bash
# Builds the .deb packages, installs them with dpkg, runs `tablerase doctor` (it must be green),
# removes them, and checks that nothing is left.
# Usage: scripts/packaging/test-deb.sh [--system]
#   default   : installs into a throwaway dpkg root (dpkg --root, maintainer scripts run with
#               DPKG_ROOT), so a shared machine's browsers never see our policies;
#   --system  : installs into this machine (a disposable CI machine only: the policies package
#               changes how every browser on it behaves).
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=sandbox; [ "${1:-}" = "--system" ] && mode=system
export VERSION=${VERSION:-0.1.0} DEB_ARCH=${DEB_ARCH:-amd64}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export DIST="$work/dist"
scripts/packaging/build-deb.sh >/dev/null
deb="$DIST/tablerase_${VERSION}_${DEB_ARCH}.deb" pol="$DIST/tablerase-policies_${VERSION}_all.deb"

fail() { echo "FAIL: $*" >&2; exit 1; }
if [ $mode = sandbox ]; then
  R="$work/root"
  mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/usr/bin" "$R/usr/lib/firefox-esr/distribution"
  touch "$R/var/lib/dpkg/status"
  # Browsers "present" in the sandbox, and an admin's own Firefox policy that must survive.
  touch "$R/usr/bin/chromium" "$R/usr/lib/firefox-esr/firefox-esr"
  echo '{"policies":{"DisableTelemetry":true}}' > "$R/usr/lib/firefox-esr/distribution/policies.json"
  dpkg_() { dpkg --root="$R" --force-script-chrootless --force-not-root --log=/dev/null "$@"; }
  host() { TABLERASE_ROOT="$R" XDG_STATE_HOME="$work/state" "$R/usr/lib/tablerase/tablerase" "$@" --host-path /usr/lib/tablerase/tablerase; }
else
  R=""
  dpkg_() { dpkg "$@"; }
  host() { /usr/bin/tablerase "$@"; }
fi
before_ff=$(cat "${R}/usr/lib/firefox-esr/distribution/policies.json" 2>/dev/null || true)

echo "==> dpkg -i tablerase tablerase-policies ($mode)"
dpkg_ -i "$deb" "$pol" >/dev/null
[ -f "$R/etc/chromium/native-messaging-hosts/fr.tablerase.host.json" ] || fail "Chromium manifest not installed"
[ -f "$R/etc/opt/chrome/policies/managed/tablerase.json" ] || fail "Chrome policies not installed"
grep -q '"PrivateBrowsingModeAvailability": 2' "$R/etc/firefox/policies/policies.json" || fail "Firefox policies not merged"

echo "==> tablerase doctor"
if ! host doctor > "$work/doctor.txt"; then cat "$work/doctor.txt"; fail "doctor is not green after install"; fi
host doctor --json > "$work/doctor.json"
grep -c '"private": "forced"' "$work/doctor.json" >/dev/null || fail "doctor does not see Firefox's forced private mode"
[ -L "$R/etc/systemd/user/default.target.wants/tablerase-clean.service" ] || fail "logon hook not enabled"
tr -d ' \n' < "$work/doctor.json" | grep -q '"id":"hook","required":false,"status":"ok"' || fail "doctor does not see the logon hook"
tr -d ' \n' < "$work/doctor.json" | grep -q '"id":"host_binary","required":true,"status":"ok"' || fail "doctor does not vouch for the host binary"
if [ $mode = system ] && command -v systemd-analyze >/dev/null; then
  systemd-analyze verify --user /etc/systemd/user/tablerase-clean.service || fail "the hook unit does not verify"
fi
if [ $mode = sandbox ]; then
  grep -q '"DisableTelemetry": true' "$R/usr/lib/firefox-esr/distribution/policies.json" || fail "admin's Firefox policy lost"
fi

echo "==> dpkg -r tablerase-policies tablerase"
dpkg_ -r tablerase-policies tablerase >/dev/null
left=$(cd "${R:-/}" && find etc usr var/lib -xdev 2>/dev/null | grep -i tablerase | grep -v '^var/lib/dpkg' || true)
[ -z "$left" ] || fail "left after dpkg -r: $left"
if [ $mode = sandbox ]; then
  [ "$(cat "$R/usr/lib/firefox-esr/distribution/policies.json" | tr -d ' \n')" = "$(echo "$before_ff" | tr -d ' \n')" ] ||
    fail "Firefox policies.json not restored: $(cat "$R/usr/lib/firefox-esr/distribution/policies.json")"
  [ ! -e "$R/etc/firefox/policies/policies.json" ] || fail "policies.json created by install left behind"
fi
echo "PASS: .deb install, doctor green, remove, nothing left"
