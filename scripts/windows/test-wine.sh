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

# Go's caches stay where they are: HOME changes below.
export GOCACHE="$(go env GOCACHE)" GOMODCACHE="$(go env GOMODCACHE)" GOPATH="$(go env GOPATH)"
work=$(mktemp -d /tmp/tablerase-wine.XXXXXX)
cleanup() {
  "$WINESERVER" -k >/dev/null 2>&1 || true
  "$WINESERVER" -w >/dev/null 2>&1 || true
  # Wine's socket folder for this prefix (server-<device>-<inode>, in hex, under a /tmp/wine-*
  # folder of its own) outlives the server: each run left one in /tmp.
  local pi sd d
  if pi=$(stat -c '%d %i' "${WINEPREFIX:-/nonexistent}" 2>/dev/null); then
    sd=$(printf 'server-%x-%x' ${pi})
    for d in /tmp/wine-*/"$sd" "/tmp/.wine-$(id -u)/$sd"; do
      [ -d "$d" ] || continue
      rm -rf "$d"
      rmdir "$(dirname "$d")" 2>/dev/null || true
    done
  fi
  rm -rf "$work"
}
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
  # What a failed test said: its file:line messages.
  if [ "$fail" != 0 ]; then grep -E '^ +[^ ]+_test\.go:[0-9]+: ' "$out" | head -20 | sed 's/^/    | /'; fi
done
summary+=("Go tests under Wine: $n_pkg_ok/$n_pkgs packages ok; tests (subtests included): $n_pass passed, $n_skip skipped, $n_fail failed")
for l in "${skips[@]}"; do summary+=("  skipped:$l"); done
for l in "${fails[@]}"; do summary+=("  FAILED:$l"); done

# check NAME CONDITION...: one line of a step's result; a failed one fails the lane.
step_ok=0; step_bad=0; step_failed=()
check() {
  local name=$1; shift
  if "$@" >/dev/null 2>&1; then step_ok=$((step_ok+1)); else step_bad=$((step_bad+1)); step_failed+=("$name"); echo "    FAIL: $name"; fi
}
end_step() {   # end_step LABEL: adds the step's result to the summary
  local line="$1: $step_ok checks passed, $step_bad failed"
  [ $step_bad = 0 ] || { lane_fail=1; line+=" (${step_failed[*]})"; }
  summary+=("$line"); echo "  $line"; step_ok=0; step_bad=0; step_failed=()
}
frame() {   # frame JSON: one native-messaging frame (32-bit little-endian length, then the JSON)
  local n=${#1}
  printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((n&255)) $((n>>8&255)) $((n>>16&255)) $((n>>24&255)))%s" "$1"
}
origin="chrome-extension://ibejdgljgikfdimkajilpemalnckncnm/"
ask() {   # ask CMD: runs tablerase.exe as Chrome does, one request, prints the JSON answer
  frame "{\"id\":\"$1\",\"cmd\":\"$1\"}" | wine "$work/bin/tablerase.exe" "$origin" 2>>"$work/out/host-stderr.txt" | tail -c +5
}
has() { grep -qF -- "$2" <<<"$1"; }
# json_true JSON EXPR: the Python expression EXPR holds for r, the parsed JSON.
json_true() { python3 -c 'import json, sys; r = json.loads(sys.argv[1]); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2"; }
# only_owner_fails DOCTOR_JSON: every required check holds except host_binary, which fails only
# because Wine makes the installed program its user's own (not_admin_owned; host/TESTING.md).
only_owner_fails() {
  python3 -c '
import json, sys
r = json.loads(sys.argv[1])
bad = [c for c in r["checks"] if c.get("required") and c["status"] == "fail"]
sys.exit(0 if bad and all(c["id"] == "host_binary" and "not_admin_owned" in c["en"] for c in bad) else 1)' "$1"
}
reg_has() { wine reg query "$1" 2>/dev/null | tr -d '\r' | grep -qF -- "$2"; }
reg_absent() { ! wine reg query "$1" >/dev/null 2>&1; }

if [ $only_go = 0 ]; then
  step "2. a whole accompaniment: tablerase.exe over stdio, on the profile's known folders"
  x86_64-w64-mingw32-gcc -O2 -s -o "$work/bin/clip.exe" scripts/windows/clip.c
  dl="$user_dir/Downloads" recent="$user_dir/AppData/Roaming/Microsoft/Windows/Recent" local="$user_dir/AppData/Local"
  mkdir -p "$recent"
  echo "planning de l'aidant" >"$dl/planning aidant.odt"; touch -d '2 hours ago' "$dl/planning aidant.odt"
  echo old >"$recent/planning aidant.odt.lnk"; touch -d '2 hours ago' "$recent/planning aidant.odt.lnk"
  hello=$(ask hello)
  check "hello answers for Windows" has "$hello" '"os":"windows"'
  start=$(ask session.start)
  check "session.start" has "$start" '"ok":true'
  sleep 1   # mtimes after the start, whatever the file system's resolution
  echo "attestation" >"$dl/attestation CAF Jean Dupont.pdf"
  mkdir -p "$dl/Scans Dupont"; echo scan >"$dl/Scans Dupont/avis impot Dupont.pdf"
  echo x >"$recent/attestation CAF Jean Dupont.pdf.lnk"
  wine "$work/bin/clip.exe" set "numero fiscal 1234567890123 Dupont"
  check "clipboard set before the end" test "$(wine "$work/bin/clip.exe" get)" = "numero fiscal 1234567890123 Dupont"
  end=$(ask session.end)
  echo "    session.end: $end" | cut -c1-400
  check "session.end clean" has "$end" '"status":"clean","files":{"status":"clean","removed":3,"kept":1'
  check "the aidant's older file kept" test -f "$dl/planning aidant.odt"
  check "the session's files removed" test ! -e "$dl/attestation CAF Jean Dupont.pdf" -a ! -e "$dl/Scans Dupont"
  check "Downloads folder itself kept" test -d "$dl"
  check "clipboard emptied" test -z "$(wine "$work/bin/clip.exe" get)"
  check "clipboard reported cleared" has "$end" '"clipboard":{"status":"cleared"}'
  check "recent document of the session removed" test ! -e "$recent/attestation CAF Jean Dupont.pdf.lnk"
  check "older recent document kept" test -f "$recent/planning aidant.odt.lnk"
  check "recent documents reported" has "$end" '"recent_documents":{"status":"cleared","removed":1}'
  check "state folder in %LOCALAPPDATA%" test -f "$local/TableRase/state/session.json"
  check "log in %LOCALAPPDATA%" test -s "$local/TableRase/state/tablerase.log"
  check "no personal data in state, log or stderr" bash -c "! grep -rqiE 'dupont|attestation|1234567890123' '$local/TableRase/state' '$work/out/host-stderr.txt'"
  again=$(ask session.end)
  check "session.end twice is safe" has "$again" '"already_ended":true'
  check "status after the end" has "$(ask status)" '"ok":true'
  end_step "accompaniment (session start/end, files, clipboard, recent documents, state and log)"

  step "2b. folder safety: the Downloads known folder redirected to the profile or a drive root"
  # Windows lets Downloads be redirected anywhere (Group Policy, OneDrive, a user's own
  # Properties > Location). On a public computer (scope all) that must never empty the profile
  # or the disk: the folder is refused, reported by label, and doctor fails on it.
  usf='HKCU\Software\Microsoft\Windows\CurrentVersion\Explorer\User Shell Folders'
  dlid='{374DE290-123F-4565-9164-39C4925E467B}'
  wine reg add 'HKLM\SOFTWARE\Policies\TableRase' /v Scope /t REG_SZ /d all /f >/dev/null 2>&1
  echo "mes papiers" >"$user_dir/Documents/papiers aidant.odt"; echo x >"$user_dir/fichier du profil.txt"
  for target in '%USERPROFILE%' 'C:\'; do
    wine reg add "$usf" /v "$dlid" /t REG_EXPAND_SZ /d "$target" /f >/dev/null 2>&1
    rep=$(wine "$work/bin/tablerase.exe" clean --json 2>/dev/null | tr -d '\r') || true
    check "Downloads redirected to $target: refused" json_true "$rep" 'any(f["label"] == "downloads" and f["status"] == "refused" for f in r["files"]["folders"])'
    check "Downloads redirected to $target: the profile untouched" test -f "$user_dir/Documents/papiers aidant.odt" -a -f "$user_dir/fichier du profil.txt" -a -d "$local/TableRase/state"
    doc=$(wine "$work/bin/tablerase.exe" doctor --json 2>/dev/null | tr -d '\r') || true
    check "Downloads redirected to $target: doctor fails on it" json_true "$doc" 'not r["ok"] and any(c["id"] == "folder" and c.get("label") == "downloads" and c["status"] == "fail" for c in r["checks"])'
  done
  wine reg add "$usf" /v "$dlid" /t REG_EXPAND_SZ /d '%USERPROFILE%\Downloads' /f >/dev/null 2>&1
  wine reg delete 'HKLM\SOFTWARE\Policies\TableRase' /f >/dev/null 2>&1
  end_step "folder safety (Downloads redirected to the profile, to C:\\; scope all)"

  step "3. tablerase install --user and --system, registry read back, doctor, uninstall"
  pf="$WINEPREFIX/drive_c/Program Files"
  # Browsers "installed" as the install looks for them (their binaries at the usual places).
  for f in "Google/Chrome/Application/chrome.exe" "Microsoft/Edge/Application/msedge.exe" "Mozilla Firefox/firefox.exe"; do
    mkdir -p "$pf/$(dirname "$f")"; : >"$pf/$f"
  done
  mkdir -p "$pf/TableRase Test"; cp "$work/bin/tablerase.exe" "$pf/TableRase Test/"
  exe='C:\Program Files\TableRase Test\tablerase.exe'
  nmh='NativeMessagingHosts\fr.tablerase.host'
  for level in user; do
    hive=HKCU
    out=$(wine "$exe" install --$level 2>&1) || true
    check "install --$level" has "$out" "Installed for chrome, edge, firefox ($level level)"
    has "$out" "Installed for" || printf '%s\n' "$out" | head -10 | sed 's/^/    | /'
    for k in 'Software\Google\Chrome' 'Software\Microsoft\Edge' 'Software\Mozilla'; do
      check "$hive\\$k\\$nmh" reg_has "$hive\\$k\\$nmh" 'TableRase Test\fr.tablerase.host.'
    done
    doc=$(wine "$exe" doctor --json 2>/dev/null | tr -d '\r' | sed 's/": /":/g') || true   # pretty-printed: one form to match
    check "doctor --json after install --$level" has "$doc" '"ok":true'
    out=$(wine "$exe" uninstall --$level 2>&1) || true
    for k in 'Software\Google\Chrome' 'Software\Microsoft\Edge' 'Software\Mozilla'; do
      check "uninstall --$level removed $hive\\$k\\$nmh" reg_absent "$hive\\$k\\$nmh"
    done
    check "uninstall --$level left no file" bash -c "[ \$(ls '$pf/TableRase Test') = tablerase.exe ]"
  done
  # install --system refuses a host binary a non-administrator could change. Wine makes every file
  # its user's own and keeps no other owner (host/TESTING.md), so here it must refuse, name the
  # reason and the remedy, and write nothing; the HKLM keys are written by the MSI below.
  out=$(wine "$exe" install --system 2>&1) || true
  check "install --system refuses a binary owned by a user" has "$out" "[not_admin_owned]"
  check "install --system says what to do" has "$out" "hint: install with the MSI"
  for k in 'Software\Google\Chrome' 'Software\Microsoft\Edge' 'Software\Mozilla'; do
    check "refused install wrote nothing: HKLM\\$k\\$nmh" reg_absent "HKLM\\$k\\$nmh"
  done
  check "uninstall left no install record" test ! -e "$WINEPREFIX/drive_c/ProgramData/TableRase/install-record.json" -a ! -e "$local/TableRase/state/install-record.json"
  doc=$(wine "$exe" doctor 2>&1) && check "doctor fails after uninstall" false || true
  end_step "install (--user HKCU, doctor, uninstall; --system refused: Wine owns every file to its user)"

  step "4. the MSI: msiexec /i, with and without the Policies feature, doctor, msiexec /x"
  if command -v wixl >/dev/null; then
    mkdir -p "$work/dist"; cp "$work/bin/tablerase.exe" "$work/dist/tablerase-windows-amd64.exe"
    DIST="$work/dist" VERSION=0.1.0 scripts/packaging/build-msi.sh >/dev/null
    msi=$(wpath "$work/dist/tablerase-0.1.0-x64.msi")
    inst="$pf/TableRase"
    for feat in Host Host,Policies; do
      wine msiexec /i "$msi" /qn ADDLOCAL=$feat >/dev/null 2>&1; rc=$?
      check "msiexec /i ADDLOCAL=$feat (exit $rc)" test $rc = 0
      check "[$feat] files in Program Files\\TableRase" test -f "$inst/tablerase.exe" -a -f "$inst/fr.tablerase.host.chromium.json" -a -f "$inst/fr.tablerase.host.firefox.json"
      for k in 'SOFTWARE\Google\Chrome' 'SOFTWARE\Microsoft\Edge' 'SOFTWARE\Chromium' 'SOFTWARE\BraveSoftware\Brave-Browser' 'SOFTWARE\Mozilla'; do
        check "[$feat] HKLM\\$k\\$nmh" reg_has "HKLM\\$k\\$nmh" 'Program Files\TableRase\fr.tablerase.host.'
      done
      check "[$feat] Event Log source" reg_has 'HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\TableRase' EventMessageFile
      if [ $feat = Host ]; then
        check "[$feat] no policy written" reg_absent 'HKLM\SOFTWARE\Policies\Mozilla\Firefox'
      else
        check "[$feat] Firefox forced private mode" reg_has 'HKLM\SOFTWARE\Policies\Mozilla\Firefox' 'PrivateBrowsingModeAvailability'
        check "[$feat] Chrome policies" reg_has 'HKLM\SOFTWARE\Policies\Google\Chrome' 'PasswordManagerEnabled'
      fi
      doc=$(wine 'C:\Program Files\TableRase\tablerase.exe' doctor --json 2>/dev/null | tr -d '\r' | sed 's/": /":/g') || true   # pretty-printed: one form to match
      echo "$doc" >"$work/out/doctor-msi-$feat.json"
      check "[$feat] installed tablerase.exe doctor --json: all required checks hold but the owner Wine gives" only_owner_fails "$doc"
      if [ $feat = Host,Policies ]; then check "[$feat] doctor sees Firefox forced private" has "$doc" '"private":"forced"'; fi
      wine msiexec /x "$msi" /qn >/dev/null 2>&1; rc=$?
      check "[$feat] msiexec /x (exit $rc)" test $rc = 0
      check "[$feat] no file left" test ! -e "$inst"
      for k in 'SOFTWARE\Google\Chrome' 'SOFTWARE\Mozilla' 'SOFTWARE\Policies\Mozilla\Firefox' 'SOFTWARE\Policies\Google\Chrome'; do
        check "[$feat] no key left under HKLM\\$k" bash -c "! '$WINE' reg query 'HKLM\\$k' /s 2>/dev/null | grep -qiE 'tablerase|PrivateBrowsingModeAvailability'"
      done
      check "[$feat] no Event Log source left" reg_absent 'HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\TableRase'
    done
    end_step "MSI (msiexec /i with and without Policies, keys, files, doctor, msiexec /x)"
  else
    summary+=("MSI: not run (wixl missing)"); lane_fail=1
  fi
fi

printf '\n==== Windows lane (Wine %s) — %ss ====\n' "$(wine --version 2>/dev/null || echo '?')" "$(( $(date +%s) - t_start ))"
printf '%s\n' "${summary[@]}"
exit $lane_fail
