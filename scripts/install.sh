#!/bin/sh
# Installs Table rase on Linux or macOS: copies the host, registers it with the browsers found,
# then runs `tablerase doctor`.
#   as root   : system-wide (Linux /usr/lib/tablerase/tablerase + /usr/bin/tablerase;
#               macOS /Library/Application Support/TableRase/tablerase + /usr/local/bin/tablerase)
#   otherwise : for the current user, no privileges (Linux ~/.local/lib/tablerase + ~/.local/bin;
#               macOS ~/Library/Application Support/TableRase + ~/.local/bin)
# Usage: install.sh [--user|--system] [--policies] [--browsers LIST] [--binary FILE] [--uninstall]
#                   [--root DIR]   (--root: install under DIR, for tests and image builds)
# The binary defaults to dist/tablerase-<os>-<arch> beside this script's repository.
set -eu

level="" policies="" browsers=all binary="" uninstall=0 root="${TABLERASE_ROOT:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --user) level=user ;;
    --system) level=system ;;
    --policies) policies=--policies ;;
    --browsers) browsers="$2"; shift ;;
    --binary) binary="$2"; shift ;;
    --uninstall) uninstall=1 ;;
    --root) root="$2"; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$level" ]; then
  if [ "$(id -u)" = 0 ]; then level=system; else level=user; fi
fi
if [ "$level" = system ] && [ "$(id -u)" != 0 ] && [ -z "$root" ]; then
  echo "install.sh: --system needs root (sudo $0 --system), or use --user" >&2; exit 1
fi

os=$(uname -s | tr '[:upper:]' '[:lower:]')
case "$(uname -m)" in x86_64|amd64) arch=amd64 ;; arm64|aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
case "$os/$level" in
  linux/system)  dir=/usr/lib/tablerase; link=/usr/bin/tablerase ;;
  linux/user)    dir="$HOME/.local/lib/tablerase"; link="$HOME/.local/bin/tablerase" ;;
  darwin/system) dir="/Library/Application Support/TableRase"; link=/usr/local/bin/tablerase ;;
  darwin/user)   dir="$HOME/Library/Application Support/TableRase"; link="$HOME/.local/bin/tablerase" ;;
  *) echo "install.sh: unsupported system $os (use install.ps1 on Windows)" >&2; exit 1 ;;
esac
host="$dir/tablerase"
run() { TABLERASE_ROOT="$root" "$root$host" "$@" --host-path "$host"; }

if [ $uninstall = 1 ]; then
  [ -x "$root$host" ] && run uninstall --$level
  rm -f "$root$host" "$root$link"
  rmdir "$root$dir" 2>/dev/null || true
  echo "Table rase removed ($level)."
  exit 0
fi

if [ -z "$binary" ]; then
  binary="$(cd "$(dirname "$0")/.." && pwd)/dist/tablerase-$os-$arch"
fi
[ -f "$binary" ] || { echo "install.sh: $binary not found (build it with scripts/build.sh, or give --binary)" >&2; exit 1; }

mkdir -p "$root$dir" "$(dirname "$root$link")"
# install --system refuses a binary in a folder others can write: do not depend on the umask.
[ "$level" = system ] && chmod 0755 "$root$dir"
cp "$binary" "$root$host.new" && chmod 0755 "$root$host.new" && mv -f "$root$host.new" "$root$host"
ln -sf "$host" "$root$link"
run install --$level --browsers "$browsers" $policies
echo
run doctor || echo "install.sh: doctor reports a problem above; fix it, then run: tablerase doctor" >&2
