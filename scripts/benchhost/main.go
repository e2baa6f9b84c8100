//go:build linux

// Command benchhost compares whole processes, in one run on one machine: the tablerase host's cold
// start to its first hello answer against a minimal Go echo host, and its session wipe of 10,000
// new files among 10,000 kept ones against `rm -rf` of just the new ones. It prints medians,
// ratios against the goals, and peak memory. Run it through scripts/bench.sh.
package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"syscall"
	"time"
)

const origin = "chrome-extension://ibejdgljgikfdimkajilpemalnckncnm/"

func main() {
	host := flag.String("host", "", "tablerase binary")
	echo := flag.String("echo", "", "minimal echo host binary")
	runs := flag.Int("runs", 30, "cold starts per binary")
	wipes := flag.Int("wipes", 5, "wipe runs per method")
	flag.Parse()
	if *host == "" || *echo == "" {
		fmt.Fprintln(os.Stderr, "usage: benchhost -host tablerase -echo echohost")
		os.Exit(2)
	}
	work, err := os.MkdirTemp("", "tablerase-bench-")
	check(err)
	defer os.RemoveAll(work)

	hostStart, hostRSS, echoStart, echoRSS := coldStarts(*host, *echo, work, *runs)
	fmt.Printf("cold start to first hello answer (median of %d)\n", *runs)
	fmt.Printf("  echo host   %8.2f ms   peak RSS %6.1f MiB\n", ms(echoStart), echoRSS)
	fmt.Printf("  tablerase   %8.2f ms   peak RSS %6.1f MiB\n", ms(hostStart), hostRSS)
	fmt.Printf("  ratio       %8.2f×     (goal ≤ 1.5×)\n\n", float64(hostStart)/float64(echoStart))

	var hostWipes, rmWipes []time.Duration
	wipeRSS := 0.0
	for i := 0; i < *wipes; i++ { // alternated, like the cold starts
		d, rss := wipeRun(*host, work, i)
		hostWipes, wipeRSS = append(hostWipes, d), max(wipeRSS, rss)
		rmWipes = append(rmWipes, rmRun(work, i))
	}
	hostWipe, rmWipe := median(hostWipes), median(rmWipes)
	fmt.Printf("wipe of 10,000 new files among 10,000 kept (median of %d, whole process)\n", *wipes)
	fmt.Printf("  rm -rf (new only)      %8.2f ms\n", ms(rmWipe))
	fmt.Printf("  tablerase session.end  %8.2f ms   peak RSS %6.1f MiB\n", ms(hostWipe), wipeRSS)
	fmt.Printf("  ratio                  %8.2f×     (goal ≤ 1.3×)\n", float64(hostWipe)/float64(rmWipe))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchhost:", err)
		os.Exit(1)
	}
}

func median(ds []time.Duration) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}

// account is a fake user account for the host: home, state, config, Downloads.
func account(work, name, config string) (env []string, downloads string) {
	home := filepath.Join(work, name)
	downloads = filepath.Join(home, "Downloads")
	check(os.MkdirAll(downloads, 0o700))
	cfg := filepath.Join(home, "config.json")
	check(os.WriteFile(cfg, []byte(config), 0o600))
	return []string{"HOME=" + home, "XDG_STATE_HOME=" + filepath.Join(home, "state"),
		"TABLERASE_CONFIG=" + cfg, "PATH=" + os.Getenv("PATH")}, downloads
}

// exchange starts bin, sends one request frame and returns the time to its answer and peak RSS.
func exchange(bin string, env []string, request string) (time.Duration, float64, []byte) {
	cmd := exec.Command(bin, origin)
	cmd.Env = env
	stdin, err := cmd.StdinPipe()
	check(err)
	stdout, err := cmd.StdoutPipe()
	check(err)
	frame := make([]byte, 4+len(request))
	binary.NativeEndian.PutUint32(frame, uint32(len(request)))
	copy(frame[4:], request)
	t0 := time.Now()
	check(cmd.Start())
	_, err = stdin.Write(frame)
	check(err)
	var hdr [4]byte
	_, err = io.ReadFull(stdout, hdr[:])
	check(err)
	body := make([]byte, binary.NativeEndian.Uint32(hdr[:]))
	_, err = io.ReadFull(stdout, body)
	check(err)
	d := time.Since(t0)
	stdin.Close()
	check(cmd.Wait())
	rss := float64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) / 1024
	return d, rss, body
}

// coldStarts alternates the two binaries run by run, so that a change in the machine's load
// during the measurement weighs on both alike.
func coldStarts(host, echo, work string, runs int) (hostMed time.Duration, hostRSS float64, echoMed time.Duration, echoRSS float64) {
	env, _ := account(work, "cold", `{"default_folders": false, "watch": ["~/Downloads"]}`)
	var hs, es []time.Duration
	for i := 0; i < runs+2; i++ {
		hd, hr, _ := exchange(host, env, `{"id":"1","cmd":"hello"}`)
		ed, er, _ := exchange(echo, env, `{"id":"1","cmd":"hello"}`)
		if i >= 2 { // two warm-up runs: page cache, not the product
			hs, es = append(hs, hd), append(es, ed)
		}
		hostRSS, echoRSS = max(hostRSS, hr), max(echoRSS, er)
	}
	return median(hs), hostRSS, median(es), echoRSS
}

// layout creates n files in dirs subfolders of root, named prefix-*.
func layout(root, prefix string, dirs, n int) {
	for d := 0; d < dirs; d++ {
		dir := filepath.Join(root, fmt.Sprintf("%s-%02d", prefix, d))
		check(os.MkdirAll(dir, 0o700))
		for i := 0; i < n/dirs; i++ {
			check(os.WriteFile(filepath.Join(dir, fmt.Sprintf("f-%05d.pdf", i)), []byte("%PDF-1.4 bench\n"), 0o600))
		}
	}
}

func wipeRun(bin, work string, i int) (time.Duration, float64) {
	env, dl := account(work, fmt.Sprintf("wipe-%d", i), `{"default_folders": false, "watch": ["~/Downloads"]}`)
	defer os.RemoveAll(filepath.Dir(dl))
	layout(dl, "kept", 20, 10000)
	if _, _, body := exchange(bin, env, `{"id":"1","cmd":"session.start"}`); !bytes.Contains(body, []byte(`"ok":true`)) {
		check(fmt.Errorf("session.start: %s", body))
	}
	layout(dl, "new", 20, 10000)
	syncFS()
	d, rss, body := exchange(bin, env, `{"id":"2","cmd":"session.end"}`)
	if !bytes.Contains(body, []byte(`"removed":10020`)) {
		check(fmt.Errorf("session.end did not remove the 10,000 new files: %s", body))
	}
	return d, rss
}

func rmRun(work string, i int) time.Duration {
	root := filepath.Join(work, fmt.Sprintf("rm-%d", i))
	defer os.RemoveAll(root)
	layout(root, "kept", 20, 10000)
	layout(root, "new", 20, 10000)
	syncFS()
	matches, _ := filepath.Glob(filepath.Join(root, "new-*"))
	t0 := time.Now()
	check(exec.Command("rm", append([]string{"-rf"}, matches...)...).Run())
	return time.Since(t0)
}

func syncFS() { syscall.Sync() }
