package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watchEvery is --watch-every in TestWatchEvents: so long that neither the
// fallback poll nor the safety-net look can come during the test, so
// that what the served search sees was brought by file-system events.
var watchEvery = "1h"

// TestWatchEvents runs "cqcmine serve --watch" with polling out of the
// way: a document written into a watched folder, one written into a
// folder made after serve started, a changed one and a deleted one are
// each seen by the served search within 1.5 s; SIGTERM ends serve within
// 1.5 s.
func TestWatchEvents(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	exe := buildCqcmine(t)
	tmp := t.TempDir()
	idx, watched := filepath.Join(tmp, "idx"), filepath.Join(tmp, "watched")
	liveDoc(t, watched, "elmstead.txt", "Elmstead Care Home", "fridge temperature")
	liveDoc(t, filepath.Join(watched, "2026", "march"), "ashby.txt", "Ashby Lodge", "bed rail")
	s := startServe(t, exe, "--watch", "--watch-every", watchEvery, "--index", idx, watched)
	s.waitFor(t, "fridge", 1, 10*time.Second)
	s.waitFor(t, "rail", 1, 10*time.Second)

	const limit = 1500 * time.Millisecond
	steps := []struct {
		what  string
		do    func()
		q     string
		total int
	}{
		{"added file", func() {
			liveDoc(t, watched, "northvale.txt", "Northvale NHS Foundation Trust", "seclusion room")
		}, "seclusion", 1},
		{"file in an existing sub-folder", func() {
			liveDoc(t, filepath.Join(watched, "2026", "march"), "kestrel.txt", "Kestrel House", "hoist sling")
		}, "sling", 1},
		{"file in a new sub-folder", func() {
			liveDoc(t, filepath.Join(watched, "2026", "april", "wards"), "fenwick.txt", "Fenwick Community Hospital", "oxygen cylinder")
		}, "cylinder", 1},
		{"second file in the new sub-folder", func() {
			liveDoc(t, filepath.Join(watched, "2026", "april", "wards"), "larchfield.txt", "Larchfield Surgery", "vaccine fridge log")
		}, "vaccine", 1},
		{"changed file", func() {
			liveDoc(t, watched, "northvale.txt", "Northvale NHS Foundation Trust", "medicines cabinet")
		}, "cabinet", 1},
		{"deleted file", func() {
			if err := os.Remove(filepath.Join(watched, "elmstead.txt")); err != nil {
				t.Fatal(err)
			}
		}, "temperature", 0},
		{"deleted folder", func() {
			if err := os.RemoveAll(filepath.Join(watched, "2026", "april")); err != nil {
				t.Fatal(err)
			}
		}, "cylinder", 0},
		{"file in a folder renamed into the tree", func() {
			out := filepath.Join(tmp, "outside")
			liveDoc(t, out, "brackenford.txt", "Brackenford General Hospital", "resuscitation trolley")
			if err := os.Rename(out, filepath.Join(watched, "moved-in")); err != nil {
				t.Fatal(err)
			}
		}, "resuscitation", 1},
	}
	for _, st := range steps {
		st.do()
		took := s.waitFor(t, st.q, st.total, limit)
		t.Logf("%s: served search sees it after %v", st.what, took)
	}
	// A folder handed over by "cqcmine index" is watched as well.
	other := filepath.Join(tmp, "other")
	liveDoc(t, other, "brackenford.txt", "Brackenford General Hospital", "call bell")
	if code, _, stderr, _ := timed(t, exec.Command(exe, "index", "--index", idx, "--quiet", other), 10*time.Second); code != 0 {
		t.Fatalf("index handed to the server: exit %d\n%s", code, stderr)
	}
	s.waitFor(t, "bell", 1, limit)
	liveDoc(t, filepath.Join(other, "new"), "thornbury.txt", "Thornbury Mews", "pressure mattress")
	t.Logf("file in a new folder of a handed-over root: served search sees it after %v", s.waitFor(t, "mattress", 1, limit))

	// The "changed file" step also removed the old words.
	if n := s.total(t, "seclusion"); n != 0 {
		t.Errorf("search finds the old text of a changed file: %d", n)
	}
	// A hidden folder is not indexed, as the corpus walk leaves it out.
	liveDoc(t, filepath.Join(watched, ".drafts"), "draft.txt", "Harrowby Court", "wheelchair")
	liveDoc(t, watched, "marker.txt", "Oakridge Practice", "sharps bin")
	s.waitFor(t, "sharps", 1, limit)
	if n := s.total(t, "wheelchair"); n != 0 {
		t.Errorf("a file in a hidden folder is searchable: %d", n)
	}

	took := s.stop(t, syscall.SIGTERM)
	t.Logf("serve --watch ended %v after SIGTERM", took)
	if took > limit {
		t.Errorf("serve --watch took %v to end after SIGTERM", took)
	}
	if log := s.log(); strings.Contains(log, "polling") {
		t.Errorf("serve fell back to polling:\n%s", log)
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestWatchFallback: when a folder cannot be watched (here the watch
// limit is reached at one sub-folder), serve --watch says so once,
// naming the folder and the reason, and polls every --watch-every
// instead; it still ends when cancelled.
func TestWatchFallback(t *testing.T) {
	tmp := t.TempDir()
	watched := filepath.Join(tmp, "watched")
	full := filepath.Join(watched, "wards", "full")
	liveDoc(t, watched, "elmstead.txt", "Elmstead Care Home", "fridge temperature")
	liveDoc(t, full, "ashby.txt", "Ashby Lodge", "bed rail")
	add := addWatch
	addWatch = func(w *fsnotify.Watcher, dir string) error {
		if dir == full {
			return fmt.Errorf("inotify_add_watch: %w", syscall.ENOSPC)
		}
		return add(w, dir)
	}
	defer func() { addWatch = add }()

	var stderr syncBuffer
	s, stop := serveInProcess(t, 200*time.Millisecond, watched, &stderr)
	s.waitFor(t, "rail", 1, 10*time.Second)
	liveDoc(t, full, "kestrel.txt", "Kestrel House", "hoist sling")
	s.waitFor(t, "sling", 1, 10*time.Second)
	liveDoc(t, watched, "northvale.txt", "Northvale NHS Foundation Trust", "seclusion room")
	s.waitFor(t, "seclusion", 1, 10*time.Second)
	stop()
	log := stderr.String()
	t.Logf("%s", log)
	if n := strings.Count(log, "polling"); n != 1 {
		t.Errorf("the fallback is logged %d times, want once", n)
	}
	for _, want := range []string{"level=WARN", full, syscall.ENOSPC.Error(), "max_user_watches", "every=200ms"} {
		if !strings.Contains(log, want) {
			t.Errorf("the fallback message lacks %q", want)
		}
	}
}

// serveInProcess runs serve --watch on watched in this process, with
// --watch-every every, until stop is called.
func serveInProcess(t *testing.T, every time.Duration, watched string, stderr io.Writer) (s *served, stop func()) {
	t.Helper()
	var o serveOptions
	o.dir, o.addr, o.watch, o.every = filepath.Join(t.TempDir(), "idx"), "127.0.0.1:0", true, every
	o.workers, o.timeout, o.maxMB, o.maxStr, o.pages, o.isolate = 2, time.Minute, 64, 64, 1000, false
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, o, []string{watched}, stderr, stderr, ready) }()
	s = &served{}
	select {
	case s.addr = <-ready:
	case err := <-done:
		t.Fatalf("serve ended before listening: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("serve did not start")
	}
	return s, func() {
		t.Helper()
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
}

// TestWatchInProcess runs serve --watch in this process (for the race
// detector), polling out of the way: a file in a folder made after serve
// started is found within 1.5 s; once serve has stopped, no goroutine
// of the watch is left, nor (on Linux) an inotify instance.
func TestWatchInProcess(t *testing.T) {
	tmp := t.TempDir()
	watched := filepath.Join(tmp, "watched")
	liveDoc(t, watched, "elmstead.txt", "Elmstead Care Home", "fridge temperature")
	before := inotifyFDs(t)
	var stderr syncBuffer
	s, stop := serveInProcess(t, time.Hour, watched, &stderr)
	s.waitFor(t, "fridge", 1, 10*time.Second)
	liveDoc(t, filepath.Join(watched, "wards", "east"), "northvale.txt", "Northvale NHS Foundation Trust", "seclusion room")
	t.Logf("file in a new folder searchable after %v", s.waitFor(t, "seclusion", 1, 1500*time.Millisecond))
	if runtime.GOOS == "linux" && inotifyFDs(t) <= before {
		t.Errorf("serve --watch holds no inotify instance")
	}
	stop()
	http.DefaultClient.CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		left := strings.Contains(stacks, "fsnotify") || strings.Contains(stacks, "(*liveIndex).watch")
		if !left && inotifyFDs(t) == before {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after serve stopped: %d inotify instances (%d before); goroutines:\n%s", inotifyFDs(t), before, stacks)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if strings.Contains(stderr.String(), "polling") {
		t.Errorf("serve fell back to polling:\n%s", stderr.String())
	}
}

// inotifyFDs counts this process's open inotify instances (on Linux;
// elsewhere 0).
func inotifyFDs(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0
	}
	n := 0
	for _, fd := range fds {
		if dest, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name())); err == nil && strings.Contains(dest, "inotify") {
			n++
		}
	}
	return n
}

// TestWatchTree: the folders given a watch are those the corpus walk
// enters: not hidden ones, not the index folder, each folder once however
// many links lead to it, and a folder a link leads to outside the roots
// only when links are followed.
func TestWatchTree(t *testing.T) {
	tmp := t.TempDir()
	root, outside := filepath.Join(tmp, "reports"), filepath.Join(tmp, "elsewhere")
	for _, d := range []string{"2026/march", ".drafts/old", "idx/store"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	liveDoc(t, outside, "ashby.txt", "Ashby Lodge", "bed rail")
	liveDoc(t, root, "elmstead.txt", "Elmstead Care Home", "fridge temperature")
	for link, target := range map[string]string{"again": root, "2026/march/up": filepath.Join(root, "2026"), "out": outside} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Skipf("no symbolic links: %v", err)
		}
	}
	for _, c := range []struct {
		follow bool
		want   []string
	}{
		{false, []string{"reports", "reports/2026", "reports/2026/march"}},
		{true, []string{"reports", "reports/2026", "reports/2026/march", "reports/out"}},
	} {
		w, err := fsnotify.NewWatcher()
		if err != nil {
			t.Skipf("no file-system events: %v", err)
		}
		tr := &tree{w: w, follow: c.follow, index: filepath.Join(root, "idx"), watched: map[string]bool{}}
		if err := tr.addRoots(t.Context(), []string{root, demoRoot}, true); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range w.WatchList() {
			rel, _ := filepath.Rel(tmp, p)
			got = append(got, filepath.ToSlash(rel))
		}
		slices.Sort(got)
		w.Close()
		if !slices.Equal(got, c.want) {
			t.Errorf("follow %v: watches %q, want %q", c.follow, got, c.want)
		}
		for _, c := range []struct {
			path string
			want bool
		}{
			{root, true},
			{filepath.Join(root, "elmstead.txt"), true},
			{filepath.Join(root, ".elmstead.txt.swp"), false},
			{filepath.Join(root, "idx", "store", "root.bolt"), false},
			{filepath.Join(tmp, "reports2", "a.txt"), false},
		} {
			if got := tr.matters(c.path); got != c.want {
				t.Errorf("matters(%s) = %v, want %v", c.path, got, c.want)
			}
		}
	}
}
