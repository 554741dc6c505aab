package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
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

	var o serveOptions
	o.dir, o.addr, o.watch, o.every = filepath.Join(tmp, "idx"), "127.0.0.1:0", true, 200*time.Millisecond
	o.workers, o.timeout, o.maxMB, o.maxStr, o.pages, o.isolate = 2, time.Minute, 64, 64, 1000, false
	var stderr syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, o, []string{watched}, &stderr, &stderr, ready) }()
	s := &served{}
	select {
	case s.addr = <-ready:
	case err := <-done:
		t.Fatalf("serve ended before listening: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("serve did not start")
	}
	s.waitFor(t, "rail", 1, 10*time.Second)
	liveDoc(t, full, "kestrel.txt", "Kestrel House", "hoist sling")
	s.waitFor(t, "sling", 1, 10*time.Second)
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
