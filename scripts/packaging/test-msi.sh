#!/usr/bin/env bash
# Builds the MSI with wixl and checks its tables with msiinfo (msitools): per-machine, the host and
# both manifests in Program Files, the host keys for every browser in the 64-bit view, the optional
# Policies feature holding every policy value of the table. Usage: scripts/packaging/test-msi.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export VERSION=${VERSION:-0.1.0}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export DIST="$work/dist"
scripts/packaging/build-msi.sh >/dev/null
msi="$DIST/tablerase-$VERSION-x64.msi"
fail() { echo "FAIL: $*" >&2; exit 1; }
# grep -c, not grep -q: -q stops reading early, and with pipefail the writer's SIGPIPE fails the check.
table() { msiinfo export "$msi" "$1" | tr -d '\r' | tail -n +4; }   # rows only (3 header lines), CRLF stripped

table Property | grep -cx $'ALLUSERS\t1' >/dev/null || fail "not per-machine (ALLUSERS)"
msiinfo suminfo "$msi" | grep -c '^Template: x64' >/dev/null || fail "not an x64 package"
table Directory | grep -c $'^INSTALLDIR\tProgramFiles64Folder\tTableRase$' >/dev/null || fail "host not in Program Files\\TableRase"
for f in tablerase.exe fr.tablerase.host.chromium.json fr.tablerase.host.firefox.json; do
  table File | cut -f3 | grep -cx "$f" >/dev/null || fail "file $f missing"
done
for k in 'SOFTWARE\Google\Chrome' 'SOFTWARE\Microsoft\Edge' 'SOFTWARE\Chromium' 'SOFTWARE\BraveSoftware\Brave-Browser' 'SOFTWARE\Mozilla'; do
  row=$(table Registry | K="$k\\NativeMessagingHosts\\fr.tablerase.host" awk -F'\t' '$3 == ENVIRON["K"] && $2 == 2 && $4 == ""')
  [ -n "$row" ] || fail "HKLM host key missing for $k"
  case "$row" in *'[INSTALLDIR]fr.tablerase.host.'*'.json'*) ;; *) fail "host key for $k does not name the manifest: $row" ;; esac
done
table Registry | grep -c $'SYSTEM\\\\CurrentControlSet\\\\Services\\\\EventLog\\\\Application\\\\TableRase\tEventMessageFile' >/dev/null || fail "Event Log source not registered"
# Every component in the 64-bit view (attribute bit 256): Firefox ignores WOW6432Node.
bad=$(table Component | awk -F'\t' '($4 % 512) < 256 {print $1}')
[ -z "$bad" ] || fail "components outside the 64-bit view: $bad"
table Feature | grep -c $'^Host\t\t[^\t]*\t[^\t]*\t2\t1\t' >/dev/null || fail "Host feature not installed by default"
table Feature | grep -c $'^Policies\t\t[^\t]*\t[^\t]*\t2\t1000\t' >/dev/null || fail "Policies feature not optional"
# The Policies feature holds exactly the values of scripts/packaging/msi/policies.wxs (generated from the table).
want=$(grep -c '<RegistryValue' scripts/packaging/msi/policies.wxs)
got=$(table Registry | awk -F'\t' '$3 ~ /^SOFTWARE\\Policies\\/' | wc -l)
[ "$want" = "$got" ] || fail "policy values: $got in the MSI, $want in the table"
table Registry | grep -c $'SOFTWARE\\\\Policies\\\\Mozilla\\\\Firefox\tPrivateBrowsingModeAvailability\t#2' >/dev/null || fail "Firefox forced private mode missing"
# The manifests inside point to the installed host with backslashes (Chrome starts hosts via cmd.exe).
(cd "$work" && msiextract "$msi" >/dev/null)
m=$(find "$work" -name fr.tablerase.host.chromium.json | head -1)
grep -q '"path": "C:\\\\Program Files\\\\TableRase\\\\tablerase.exe"' "$m" || fail "chromium manifest path: $(cat "$m")"
grep -q 'chrome-extension://ibejdgljgikfdimkajilpemalnckncnm/' "$m" || fail "chromium manifest origin"
echo "PASS: MSI tables checked ($got policy values, 5 host keys)"
