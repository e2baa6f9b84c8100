#!/usr/bin/env bash
# Packs the extension for an IT department that hosts it itself (no store listing, no new service:
# any HTTPS web server that serves static files will do).
#
#   scripts/pack.sh --key it-key.pem --url https://intranet.example.fr/tablerase [--out DIR] [--new-key]
#
# Writes into DIR (default: dist/self-hosted):
#   tablerase-<version>.crx   CRX3 signed with IT's key, by Chromium itself (--pack-extension)
#   update.xml                the update manifest Chrome/Edge/Brave/Chromium poll (gupdate format)
#   tablerase-<version>.xpi   the Firefox add-on (unsigned: see manifests/DEPLOY.md)
#   updates.json              Firefox's update manifest (the XPI's gecko.update_url points to it)
#   extension-id.txt          the Chromium extension id IT's key gives
# and prints the extension id, and the commands that put it everywhere (manifests/DEPLOY.md).
#
# The key: keep it (it IS the extension's identity: a new key is a new extension id, and browsers
# will not update from one to the other). --new-key creates it when the file does not exist.
# In the packed copy the manifest's "key" (the project's development key, id
# ibejdgljgikfdimkajilpemalnckncnm) is replaced by IT's public key, so an unpacked load of the same
# folder gets the same id as the CRX.
# Needs: chromium (or $CHROMIUM), openssl, zip.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
key="" url="" out="$here/dist/self-hosted" newkey=0
while [ $# -gt 0 ]; do
  case "$1" in
    --key) key=$2; shift 2 ;;
    --url) url=${2%/}; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --new-key) newkey=1; shift ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "pack.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$key" ] && [ -n "$url" ] || { echo "pack.sh: --key FILE and --url https://… are required (see --help)" >&2; exit 2; }
case "$url" in https://*) ;; *) echo "pack.sh: --url must be https:// (browsers refuse extension updates over plain HTTP)" >&2; exit 2 ;; esac
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
[ -x "$chromium" ] || { echo "pack.sh: Chromium not found (install it, or set CHROMIUM=/path/to/chrome)" >&2; exit 1; }
command -v openssl >/dev/null && command -v zip >/dev/null || { echo "pack.sh: needs openssl and zip" >&2; exit 1; }

if [ ! -f "$key" ]; then
  [ $newkey = 1 ] || { echo "pack.sh: $key does not exist (add --new-key to create it; then keep it safe)" >&2; exit 1; }
  (umask 077; openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$key" 2>/dev/null)
  echo "new key: $key (keep it: it is the extension's identity)" >&2
fi

# The id: the first 128 bits of SHA-256 over the DER public key, hex digits written a-p.
pub_b64=$(openssl pkey -in "$key" -pubout -outform DER 2>/dev/null | base64 -w0)
id=$(echo "$pub_b64" | base64 -d | openssl dgst -sha256 -binary | head -c16 | od -An -tx1 | tr -d ' \n' | tr 0-9a-f a-p)
version=$(sed -n 's/^  "version": "\([^"]*\)".*/\1/p' "$here/extension/manifest.json")
[ -n "$version" ] || { echo "pack.sh: no version in extension/manifest.json" >&2; exit 1; }

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
src="$work/tablerase"
mkdir -p "$src" "$out"
out=$(cd "$out" && pwd)
# Runtime files only (what `npm run build` ships).
(cd "$here/extension" && tar -cf - --exclude=node_modules --exclude=test --exclude=scripts --exclude='package*.json' \
  --exclude='*.md' --exclude=.eslintrc.json .) | tar -xf - -C "$src"
# IT's public key instead of the development key; Firefox's updates from IT's server.
python3 - "$src/manifest.json" "$pub_b64" "$url/updates.json" <<'EOF' 2>/dev/null || sed -i "s|^  \"key\": \"[^\"]*\"|  \"key\": \"$pub_b64\"|" "$src/manifest.json"
import json, sys
p, key, upd = sys.argv[1:4]
m = json.load(open(p, encoding="utf-8"))
m["key"] = key
m.setdefault("browser_specific_settings", {}).setdefault("gecko", {})["update_url"] = upd
json.dump(m, open(p, "w", encoding="utf-8"), ensure_ascii=False, indent=2)
EOF
grep -q "\"key\": \"$pub_b64\"" "$src/manifest.json" || { echo "pack.sh: could not set the key in the packed manifest" >&2; exit 1; }

# Chromium packs and signs (CRX3) with a throwaway profile; it writes $src.crx beside $src.
"$chromium" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --user-data-dir="$work/profile" --pack-extension="$src" --pack-extension-key="$key" >"$work/pack.log" 2>&1 || true
[ -s "$src.crx" ] || { cat "$work/pack.log" >&2; echo "pack.sh: Chromium did not produce a CRX" >&2; exit 1; }
crx="tablerase-$version.crx" xpi="tablerase-$version.xpi"
mv "$src.crx" "$out/$crx"; chmod 644 "$out/$crx"

cat >"$out/update.xml" <<EOF
<?xml version='1.0' encoding='UTF-8'?>
<gupdate xmlns='http://www.google.com/update2/response' protocol='2.0'>
  <app appid='$id'>
    <updatecheck codebase='$url/$crx' version='$version' />
  </app>
</gupdate>
EOF

# Firefox: the XPI is a zip with manifest.json at its root.
rm -f "$out/$xpi"
(cd "$src" && zip -qrX "$out/$xpi" .)
gecko=$(sed -n 's/^ *"id": "\([^"]*@[^"]*\)".*/\1/p' "$src/manifest.json" | head -1)
cat >"$out/updates.json" <<EOF
{
  "addons": {
    "$gecko": {
      "updates": [
        { "version": "$version", "update_link": "$url/$xpi" }
      ]
    }
  }
}
EOF
echo "$id" >"$out/extension-id.txt"

cat <<EOF
Chromium extension id: $id
Firefox add-on id:     $gecko (unsigned XPI: see manifests/DEPLOY.md, "Firefox")
Files in $out: $crx update.xml $xpi updates.json
Publish them at $url/, then on each computer (root):
  add "$id" to "allowed_extensions" in /etc/tablerase/config.json
  tablerase install --system --policies --update-url $url/update.xml --xpi-url $url/$xpi
  tablerase doctor
EOF
