package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cqcmine/cqcmine/index"
)

// indexDocs runs "cqcmine index" on docs into idx, extracting in-process.
func indexDocs(t *testing.T, exe, idx, docs string) {
	t.Helper()
	if code, _, stderr, _ := timed(t, exec.Command(exe, "index", "--index", idx, "--quiet", "--isolate=false", docs), time.Minute); code != 0 {
		t.Fatalf("index: exit %d\n%s", code, stderr)
	}
}

// liveDoc writes a small plain-text statement about a fictional provider
// whose must-do action holds word.
func liveDoc(t *testing.T, dir, name, provider, word string) {
	t.Helper()
	body := fmt.Sprintf("%s inspection report.\nThe CQC rated %s as requires improvement for safe.\nThe provider must ensure that %s checks are recorded on every ward (Regulation 12).\n", provider, provider, word)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// served is a running "cqcmine serve".
type served struct {
	cmd    *exec.Cmd
	addr   string
	mu     sync.Mutex
	stderr bytes.Buffer
	done   chan error
}

// startServe runs exe serve with args and waits until it listens.
func startServe(t *testing.T, exe string, args ...string) *served {
	t.Helper()
	s := &served{cmd: exec.Command(exe, append([]string{"serve", "--addr", "127.0.0.1:0", "--isolate=false", "--workers", "2"}, args...)...), done: make(chan error, 1)}
	pipe, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		<-s.done
	})
	addrc := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`serving .* on http://([^/]+)/`)
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			s.mu.Lock()
			s.stderr.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addrc <- m[1]
			}
		}
		s.done <- s.cmd.Wait()
	}()
	select {
	case s.addr = <-addrc:
	case <-time.After(90 * time.Second):
		t.Fatalf("serve did not start:\n%s", s.log())
	}
	return s
}

func (s *served) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stderr.String()
}

// total is the number of findings the served search finds for q.
func (s *served) total(t *testing.T, q string) int {
	t.Helper()
	resp, err := http.Get("http://" + s.addr + "/api/search?scope=findings&q=" + url.QueryEscape(q))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var res struct {
		Total int `json:"total"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		t.Fatalf("search %q: %s: %v", q, resp.Status, err)
	}
	return res.Total
}

// waitFor polls the served search until q finds want findings, and
// returns how long that took; it fails after limit.
func (s *served) waitFor(t *testing.T, q string, want int, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		n := s.total(t, q)
		if n == want {
			return time.Since(start)
		}
		if time.Since(start) > limit {
			t.Fatalf("served search %q finds %d after %v, want %d\n%s", q, n, limit, want, s.log())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop sends sig and returns how long serve took to end.
func (s *served) stop(t *testing.T, sig os.Signal) time.Duration {
	t.Helper()
	start := time.Now()
	s.cmd.Process.Signal(sig)
	select {
	case <-s.done:
		s.done <- nil // for the cleanup
		return time.Since(start)
	case <-time.After(5 * time.Second):
		t.Fatalf("serve did not end within 5 s of %v", sig)
		return 0
	}
}

// timed runs cmd and returns its exit code, output and duration; it
// fails if the command runs longer than limit.
func timed(t *testing.T, cmd *exec.Cmd, limit time.Duration) (int, string, string, time.Duration) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, out.String(), errb.String(), time.Since(start)
	case <-time.After(limit):
		cmd.Process.Kill()
		<-done
		t.Fatalf("%v still running after %v\nstderr: %s", cmd.Args, limit, errb.String())
		return 0, "", "", 0
	}
}

// TestLiveIndex runs "cqcmine serve --watch" and, while it serves, adds
// documents with "cqcmine index", and adds, changes and deletes files in
// the watched folder: the served search sees each within 10 s. "cqcmine
// search" on the held index reads through the server.
func TestLiveIndex(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	exe := buildCqcmine(t)
	tmp := t.TempDir()
	idx, watched, other := filepath.Join(tmp, "idx"), filepath.Join(tmp, "watched"), filepath.Join(tmp, "other")
	liveDoc(t, watched, "elmstead.txt", "Elmstead Care Home", "fridge temperature")
	liveDoc(t, other, "brackenford.txt", "Brackenford General Hospital", "resuscitation trolley")
	s := startServe(t, exe, "--watch", "--watch-every", "500ms", "--index", idx, watched)
	if n := s.total(t, "fridge"); n == 0 {
		t.Fatalf("the watched folder is not indexed:\n%s", s.log())
	}

	code, _, stderr, took := timed(t, exec.Command(exe, "index", "--index", idx, "--quiet", other), 10*time.Second)
	t.Logf("index handed to the server: exit %d in %v", code, took)
	if code != 0 || !strings.Contains(stderr, "handing the work to it") || !strings.Contains(stderr, "pid "+strconv.Itoa(s.cmd.Process.Pid)) {
		t.Fatalf("index on a served index: exit %d\n%s", code, stderr)
	}
	t.Logf("handed-over documents searchable after %v more", s.waitFor(t, "resuscitation", 1, 10*time.Second))
	// The original of a handed-over document is served.
	resp, err := http.Get("http://" + s.addr + "/api/search?q=resuscitation")
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Hits []struct {
			DocID string `json:"doc_id"`
		} `json:"hits"`
	}
	err = json.NewDecoder(resp.Body).Decode(&res)
	resp.Body.Close()
	if err != nil || len(res.Hits) == 0 {
		t.Fatalf("search: %v, %+v", err, res)
	}
	f, err := http.Get("http://" + s.addr + "/file/" + res.Hits[0].DocID)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(f.Body)
	f.Body.Close()
	if f.StatusCode != http.StatusOK || !strings.Contains(string(body), "resuscitation trolley") {
		t.Errorf("original of a handed-over document: %s\n%s", f.Status, body)
	}

	code, out, stderr, took := timed(t, exec.Command(exe, "search", "--index", idx, "--json", "resuscitation"), 10*time.Second)
	t.Logf("search through the server: exit %d in %v", code, took)
	if code != 0 || !strings.Contains(out, "Brackenford General Hospital") {
		t.Fatalf("search on a served index: exit %d\n%s\n%s", code, out, stderr)
	}

	liveDoc(t, watched, "northvale.txt", "Northvale NHS Foundation Trust", "seclusion room")
	t.Logf("added file searchable after %v", s.waitFor(t, "seclusion", 1, 10*time.Second))
	liveDoc(t, watched, "northvale.txt", "Northvale NHS Foundation Trust", "medicines cabinet")
	t.Logf("changed file searchable after %v", s.waitFor(t, "cabinet", 1, 10*time.Second))
	s.waitFor(t, "seclusion", 0, 10*time.Second)
	if err := os.Remove(filepath.Join(watched, "elmstead.txt")); err != nil {
		t.Fatal(err)
	}
	t.Logf("deleted file gone from search after %v", s.waitFor(t, "fridge", 0, 10*time.Second))

	took = s.stop(t, syscall.SIGTERM)
	t.Logf("serve --watch ended %v after SIGTERM", took)
	if took > 2*time.Second {
		t.Errorf("serve --watch took %v to end after SIGTERM", took)
	}
	if hs := index.Holders(idx); len(hs) != 0 {
		t.Errorf("holders after serve ended: %+v", hs)
	}
	// The index holds what was served.
	code, out, _, _ = timed(t, exec.Command(exe, "search", "--index", idx, "--json", "cabinet"), 10*time.Second)
	if code != 0 || !strings.Contains(out, "Northvale") {
		t.Errorf("search after serve ended: exit %d\n%s", code, out)
	}
}

// TestServedReadOnly: plain "cqcmine serve" opens its index read-only:
// "cqcmine index" on it ends within 3 s, naming the server; "cqcmine
// search" reads beside it; neither serving nor searching changes a file
// of the index; the index folder is 0700.
func TestServedReadOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	exe := buildCqcmine(t)
	tmp := t.TempDir()
	idx, docs, more := filepath.Join(tmp, "idx"), filepath.Join(tmp, "docs"), filepath.Join(tmp, "more")
	liveDoc(t, docs, "elmstead.txt", "Elmstead Care Home", "fridge temperature")
	liveDoc(t, more, "brackenford.txt", "Brackenford General Hospital", "resuscitation trolley")
	indexDocs(t, exe, idx, docs)
	if st, err := os.Stat(idx); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("index folder: %v, %v; want 0700", st.Mode().Perm(), err)
	}
	bolts, _ := filepath.Glob(filepath.Join(idx, "*", "store", "root.bolt"))
	if len(bolts) != 2 {
		t.Fatalf("root.bolt files: %v", bolts)
	}
	before := fileStates(t, bolts)

	s := startServe(t, exe, "--index", idx)
	if n := s.total(t, "fridge"); n != 1 {
		t.Fatalf("served search finds %d", n)
	}
	code, _, stderr, took := timed(t, exec.Command(exe, "index", "--index", idx, "--quiet", more), 10*time.Second)
	t.Logf("index on a read-only served index: exit %d in %v: %s", code, took, strings.TrimSpace(stderr))
	if code == 0 || took > 3*time.Second {
		t.Errorf("index on a served index: exit %d after %v, want non-zero within 3 s", code, took)
	}
	for _, want := range []string{"pid " + strconv.Itoa(s.cmd.Process.Pid), "serve", "--watch"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("message lacks %q: %s", want, stderr)
		}
	}
	code, out, stderr, took := timed(t, exec.Command(exe, "search", "--index", idx, "--scope", "findings", "fridge"), 10*time.Second)
	t.Logf("search beside a read-only server: exit %d in %v", code, took)
	if code != 0 || !strings.Contains(out, "1 results") {
		t.Errorf("search beside serve: exit %d\n%s%s", code, out, stderr)
	}
	took = s.stop(t, os.Interrupt)
	t.Logf("serve ended %v after SIGINT", took)
	if took > 2*time.Second {
		t.Errorf("serve took %v to end after SIGINT", took)
	}
	if after := fileStates(t, bolts); !equalStates(before, after) {
		t.Errorf("root.bolt changed by serve and search:\n%v\n%v", before, after)
	}
}

// TestSearchHeldIndexSIGTERM: with the index held for writing by another
// process (one that takes no handed-over work), "cqcmine search" names it
// within 1 s, and a SIGTERM while it waits ends it within 2 s.
func TestSearchHeldIndexSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	exe := buildCqcmine(t)
	tmp := t.TempDir()
	idx, docs := filepath.Join(tmp, "idx"), filepath.Join(tmp, "docs")
	liveDoc(t, docs, "elmstead.txt", "Elmstead Care Home", "fridge temperature")
	indexDocs(t, exe, idx, docs)
	// This test process holds the index, as a long "cqcmine index" would.
	ix, err := index.OpenWith(t.Context(), idx, index.Options{Owner: index.Owner{Command: "cqcmine index --index idx reports"}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()

	// The machine's load shows in a command's start; the bound is on
	// the time beyond it.
	_, _, _, startup := timed(t, exec.Command(exe, "version"), 10*time.Second)
	for _, args := range [][]string{{"search", "fridge"}, {"index", docs}, {"serve", "--addr", "127.0.0.1:0"}, {"index", "--rebuild", docs}} {
		code, _, stderr, took := timed(t, exec.Command(exe, append(args, "--index", idx)...), 10*time.Second)
		t.Logf("%s on a held index: exit %d in %v (%v to start)", args[0], code, took, startup)
		if code == 0 || took > startup+time.Second || !strings.Contains(stderr, "pid "+strconv.Itoa(os.Getpid())) || !strings.Contains(stderr, "cqcmine index --index idx reports") {
			t.Errorf("%v on a held index: exit %d after %v:\n%s", args, code, took, stderr)
		}
	}

	// A signal while search waits for the index: once it has started
	// (as long as "version" took), it waits up to index.DefaultWait.
	cmd := exec.Command(exe, "search", "--index", idx, "fridge")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(startup + 100*time.Millisecond)
	start := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		took := time.Since(start)
		code, killed := 0, false
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			code = ee.ExitCode()
			// On a loaded machine the signal can come before the process
			// has set its handler; the default action ends it as well.
			ws, ok := ee.Sys().(syscall.WaitStatus)
			killed = ok && ws.Signaled() && ws.Signal() == syscall.SIGTERM
		}
		t.Logf("search ended %v after SIGTERM, exit %d: %s", took, code, strings.TrimSpace(errb.String()))
		if took > 2*time.Second || (code != exitInterrupted && code != exitFailed && !killed) {
			t.Errorf("search after SIGTERM: exit %d after %v", code, took)
		}
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		t.Fatal("search still running 5 s after SIGTERM")
	}
	if _, err := os.Stat(filepath.Join(idx, "findings")); err != nil {
		t.Errorf("--rebuild of a held index removed it: %v", err)
	}
}

// TestIndexCheckDamage flips bytes in a segment of a real index: "index
// --check" names the segment and says to rebuild; a truncated segment
// makes search say to rebuild; --rebuild refuses a folder that holds no
// index.
func TestIndexCheckDamage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	exe := buildCqcmine(t)
	tmp := t.TempDir()
	idx, docs := filepath.Join(tmp, "idx"), filepath.Join(tmp, "docs")
	liveDoc(t, docs, "elmstead.txt", "Elmstead Care Home", "fridge temperature")
	liveDoc(t, docs, "brackenford.txt", "Brackenford General Hospital", "resuscitation trolley")
	indexDocs(t, exe, idx, docs)
	code, out, stderr, _ := timed(t, exec.Command(exe, "index", "--check", "--index", idx), time.Minute)
	if code != 0 || !strings.Contains(out, "is sound") {
		t.Fatalf("check a sound index: exit %d\n%s%s", code, out, stderr)
	}

	segs, _ := filepath.Glob(filepath.Join(idx, "pages", "store", "*.zap"))
	if len(segs) == 0 {
		t.Fatal("no segment")
	}
	seg := segs[0]
	orig, err := os.ReadFile(seg)
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(orig)
	for i := len(flipped) / 4; i < len(flipped)/4+8; i++ {
		flipped[i] ^= 0x5a
	}
	if err := os.WriteFile(seg, flipped, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr, _ = timed(t, exec.Command(exe, "index", "--check", "--index", idx), time.Minute)
	t.Logf("check, flipped bytes: exit %d\n%s%s", code, out, stderr)
	if code != exitFailed || !strings.Contains(out, "DAMAGED") || !strings.Contains(out, filepath.Base(seg)) || !strings.Contains(stderr, "cqcmine index --rebuild") {
		t.Errorf("check, flipped bytes: exit %d\n%s%s", code, out, stderr)
	}

	if err := os.WriteFile(seg, orig[:len(orig)*2/3], 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr, _ = timed(t, exec.Command(exe, "search", "--index", idx, "fridge"), time.Minute)
	t.Logf("search, truncated segment: exit %d: %s", code, strings.TrimSpace(stderr))
	// Bleve logs what it skipped; cqcmine's message is one line.
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if last := lines[len(lines)-1]; code != exitFailed || !strings.HasPrefix(last, "cqcmine: ") || !strings.Contains(last, "cqcmine index --rebuild") {
		t.Errorf("search, truncated segment: exit %d\n%s%s", code, out, stderr)
	}
	code, out, _, _ = timed(t, exec.Command(exe, "index", "--check", "--index", idx), time.Minute)
	if code != exitFailed || !strings.Contains(out, "DAMAGED") {
		t.Errorf("check, truncated segment: exit %d\n%s", code, out)
	}
	// The hint's command, as given: the index is built again from the
	// folders it was built from.
	code, _, stderr, _ = timed(t, exec.Command(exe, "index", "--rebuild", "--quiet", "--isolate=false", "--index", idx), time.Minute)
	if code != 0 {
		t.Fatalf("rebuild a damaged index: exit %d\n%s", code, stderr)
	}
	if code, out, _, _ := timed(t, exec.Command(exe, "search", "--index", idx, "--scope", "findings", "fridge"), time.Minute); code != 0 || !strings.Contains(out, "1 results") {
		t.Errorf("search after rebuild: exit %d\n%s", code, out)
	}
	if code, out, _, _ := timed(t, exec.Command(exe, "index", "--check", "--index", idx), time.Minute); code != 0 {
		t.Errorf("check after rebuild: exit %d\n%s", code, out)
	}

	notIndex := filepath.Join(tmp, "settings")
	if err := os.MkdirAll(notIndex, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"a.json", "b.json"} {
		if err := os.WriteFile(filepath.Join(notIndex, f), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, _, stderr, _ = timed(t, exec.Command(exe, "index", "--rebuild", "--index", notIndex, docs), time.Minute)
	if code == 0 || !strings.Contains(stderr, "not a cqcmine index") {
		t.Errorf("--rebuild of a folder of JSON files: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(notIndex, "a.json")); err != nil {
		t.Errorf("--rebuild deleted a folder that is no index: %v", err)
	}
}

// fileStates describes files by size, modification time and content.
func fileStates(t *testing.T, paths []string) []string {
	t.Helper()
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %d %s %x", filepath.Base(filepath.Dir(filepath.Dir(p))), st.Size(), st.ModTime().Format(time.RFC3339Nano), crc32sum(b)))
	}
	return out
}

func crc32sum(b []byte) uint32 {
	h := uint32(2166136261)
	for _, c := range b {
		h = (h ^ uint32(c)) * 16777619
	}
	return h
}

func equalStates(a, b []string) bool {
	return strings.Join(a, "\n") == strings.Join(b, "\n")
}

// TestServeWatchInProcess runs serve --watch in this process (for the
// race detector): a file added to the watched folder is found, and the
// server stops when cancelled.
func TestServeWatchInProcess(t *testing.T) {
	var o serveOptions
	tmp := t.TempDir()
	o.dir, o.addr, o.watch, o.every = filepath.Join(tmp, "idx"), "127.0.0.1:0", true, 200*time.Millisecond
	o.workers, o.timeout, o.maxMB, o.maxStr, o.pages, o.isolate = 2, time.Minute, 64, 64, 1000, false
	watched := filepath.Join(tmp, "watched")
	liveDoc(t, watched, "elmstead.txt", "Elmstead Care Home", "fridge temperature")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, o, []string{watched}, io.Discard, io.Discard, ready) }()
	s := &served{}
	select {
	case s.addr = <-ready:
	case err := <-done:
		t.Fatalf("serve ended before listening: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("serve did not start")
	}
	s.waitFor(t, "fridge", 1, 10*time.Second)
	liveDoc(t, watched, "northvale.txt", "Northvale NHS Foundation Trust", "seclusion room")
	s.waitFor(t, "seclusion", 1, 10*time.Second)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
}
