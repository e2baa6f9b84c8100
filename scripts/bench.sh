#!/usr/bin/env bash
# Measures Table rase against baselines built and run in the same go, on this machine:
#  - Go benchmarks (frame round trips, wipe, snapshot), with allocations;
#  - whole processes (scripts/benchhost): cold start to first hello vs a minimal Go echo host,
#    session wipe vs rm -rf of the new files only, peak memory.
# Usage: scripts/bench.sh [runs]. Prints figures; asserts nothing (speed is measured, not tested).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(go version | cut -d' ' -f3)"
echo
[ "${BENCH_GO:-1}" = 1 ] && go test -run '^$' -bench . -benchmem ./host/internal/protocol ./host/internal/wipe ./host/internal/guard
echo

# Built as scripts/build.sh ships it: static (CGO_ENABLED=0), stripped. A cgo build links libc
# dynamically and pays ~2 ms of dynamic loading at every start.
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$tmp/tablerase" ./host/cmd/tablerase
# The baseline: the smallest correct native host in Go — read one frame, answer it, loop.
mkdir -p "$tmp/echo"
cat > "$tmp/echo/main.go" <<'GO'
package main

import (
	"bufio"
	"encoding/binary"
	"io"
	"os"
)

func main() {
	r := bufio.NewReader(os.Stdin)
	for {
		var hdr [4]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return
		}
		body := make([]byte, binary.NativeEndian.Uint32(hdr[:]))
		if _, err := io.ReadFull(r, body); err != nil {
			os.Exit(1)
		}
		out := []byte(`{"id":"1","ok":true,"result":{}}`)
		frame := binary.NativeEndian.AppendUint32(nil, uint32(len(out)))
		os.Stdout.Write(append(frame, out...))
	}
}
GO
(cd "$tmp/echo" && printf 'module echo\n\ngo 1.22\n' > go.mod && go build -trimpath -o "$tmp/echohost" .)
go run ./scripts/benchhost -host "$tmp/tablerase" -echo "$tmp/echohost" -runs "$runs"
