package index

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// builtIndex writes the test corpus into a new index and closes it.
func builtIndex(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "idx")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, d := range testCorpus(t) {
		if err := ix.Add(ctx, d.doc, d.findings); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestLockNamesHolder: a second writer gives up within DefaultWait with
// an error naming the holder; readers share the index with each other
// but not with a writer.
func TestLockNamesHolder(t *testing.T) {
	dir := builtIndex(t)
	ctx := context.Background()
	w, err := OpenWith(ctx, dir, Options{Owner: Owner{Command: "cqcmine serve --watch reports"}})
	if err != nil {
		t.Fatal(err)
	}
	// flock locks are per open file: a second open in this process
	// meets the first as another process would, but Holders leaves out
	// this process's own record, so the test reads it directly.
	b, err := os.ReadFile(filepath.Join(dir, ownerPrefix+strconv.Itoa(os.Getpid())))
	if err != nil || !bytes.Contains(b, []byte(`"command":"cqcmine serve --watch reports"`)) {
		t.Fatalf("owner record: %s, %v", b, err)
	}
	for _, ro := range []bool{false, true} {
		start := time.Now()
		_, err := OpenWith(ctx, dir, Options{ReadOnly: ro})
		took := time.Since(start)
		var le *LockedError
		if !errors.As(err, &le) || !errors.Is(err, ErrLocked) {
			t.Fatalf("read-only %v: open a held index: %v, want a *LockedError", ro, err)
		}
		if took > DefaultWait+time.Second {
			t.Errorf("read-only %v: gave up after %v", ro, took)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ownerPrefix+strconv.Itoa(os.Getpid()))); err == nil {
		t.Error("owner record left after Close")
	}

	r1, err := OpenWith(ctx, dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	r2, err := OpenWith(ctx, dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("second reader: %v", err)
	}
	if _, err := OpenWith(ctx, dir, Options{Wait: 50 * time.Millisecond}); !errors.Is(err, ErrLocked) {
		t.Errorf("writer beside readers: %v", err)
	}
	if err := r2.Add(ctx, testCorpus(t)[0].doc, nil); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Add on a read-only index: %v", err)
	}
	r1.Close()
	r2.Close()
}

// TestLockedErrorMessage names each holder by pid and command.
func TestLockedErrorMessage(t *testing.T) {
	e := &LockedError{Dir: "/data/idx", Holders: []Owner{{PID: 4242, Command: "cqcmine serve", Started: time.Date(2026, 3, 1, 9, 0, 0, 0, time.Local), ReadOnly: true}}}
	for _, want := range []string{"/data/idx", "pid 4242", "cqcmine serve", "2026-03-01 09:00:00", "reading"} {
		if !strings.Contains(e.Error(), want) {
			t.Errorf("%q lacks %q", e, want)
		}
	}
	if !strings.Contains((&LockedError{Dir: "x"}).Error(), "another process") {
		t.Error("no holder: message does not say another process holds it")
	}
}

// TestHoldersDropsDeadProcesses: a record left by a process that ended
// (killed before it could remove it) is not reported.
func TestHoldersDropsDeadProcesses(t *testing.T) {
	dir := t.TempDir()
	// Pid 0x7ffffff0 is above any pid a Linux system hands out.
	dead := filepath.Join(dir, ownerPrefix+"2147483632")
	if err := os.WriteFile(dead, []byte(`{"pid":2147483632,"command":"cqcmine index"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if hs := Holders(dir); len(hs) != 0 {
		t.Errorf("Holders = %+v, want none", hs)
	}
	if _, err := os.Stat(dead); err == nil {
		t.Error("stale record not removed")
	}
}

// TestReadOnlyWritesNothing: opening, searching and closing read-only
// leaves every file of the index as it was (bytes and times), and the
// index folder is the owner's alone.
func TestReadOnlyWritesNothing(t *testing.T) {
	dir := builtIndex(t)
	if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("index folder mode %v, %v; want 0700", st.Mode().Perm(), err)
	}
	before := snapshotFiles(t, dir)
	time.Sleep(20 * time.Millisecond) // a rewrite would show in the times
	ix, err := OpenWith(context.Background(), dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(context.Background(), Query{Text: "staffing", Scope: ScopeAll, Facets: true})
	if err != nil || res.Total == 0 {
		t.Fatalf("search: %v, %+v", err, res)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	after := snapshotFiles(t, dir)
	for name, was := range before {
		if now, ok := after[name]; !ok || now != was {
			t.Errorf("%s changed: %s -> %s", name, was, now)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			t.Errorf("%s appeared", name)
		}
	}
}

// snapshotFiles describes every file under dir by size, time and bytes.
func snapshotFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[rel] = fi.ModTime().String() + " " + strconv.Itoa(len(b)) + " " + strconv.Itoa(int(crc(b)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func crc(b []byte) uint32 {
	var h uint32 = 2166136261
	for _, c := range b {
		h = (h ^ uint32(c)) * 16777619
	}
	return h
}

// TestRemoveOnlyOurs: Remove refuses a folder of JSON files, of other
// files, or another program's bleve index, and an index in use.
func TestRemoveOnlyOurs(t *testing.T) {
	for name, files := range map[string][]string{
		"json only":  {"settings.json", "notes.json"},
		"other work": {"report.txt"},
		"bleve-like": {"index_meta.json", "store/root.bolt"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range files {
				p := filepath.Join(dir, f)
				os.MkdirAll(filepath.Dir(p), 0o700)
				if err := os.WriteFile(p, []byte("{}"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if err := Remove(dir); err == nil || !strings.Contains(err.Error(), "not a cqcmine index") {
				t.Errorf("Remove: %v", err)
			}
			if _, err := Open(dir); !errors.Is(err, ErrSchema) {
				t.Errorf("Open: %v", err)
			}
			for _, f := range files {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Errorf("%s lost: %v", f, err)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, lockName)); err == nil {
				t.Error("Open left a lock file in a folder that is no index")
			}
		})
	}
	dir := builtIndex(t)
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := Remove(dir); !errors.Is(err, ErrLocked) {
		t.Errorf("Remove of an index in use: %v", err)
	}
	ix.Close()
	if err := Remove(dir); err != nil {
		t.Fatal(err)
	}
	if fresh, err := isFresh(dir); !fresh || err != nil {
		t.Errorf("after Remove: fresh %v, %v", fresh, err)
	}
}

// TestCheckFindsDamage flips bytes in a segment, truncates one, and
// damages the column file: Check names each, and Open on a truncated
// segment says to rebuild.
func TestCheckFindsDamage(t *testing.T) {
	ctx := context.Background()
	dir := builtIndex(t)
	rep, err := Check(ctx, dir)
	if err != nil || !rep.OK() {
		t.Fatalf("sound index: %+v, %v", rep, err)
	}
	segs, _ := filepath.Glob(filepath.Join(dir, findingsDir, "store", "*.zap"))
	if len(segs) == 0 {
		t.Fatal("no segment files")
	}
	seg := segs[len(segs)-1]
	orig, err := os.ReadFile(seg)
	if err != nil {
		t.Fatal(err)
	}

	flipped := bytes.Clone(orig)
	for i := len(flipped) / 3; i < len(flipped)/3+16; i++ {
		flipped[i] ^= 0xff
	}
	write(t, seg, flipped)
	rep, err = Check(ctx, dir)
	if err != nil || rep.OK() || !strings.Contains(strings.Join(rep.Damaged, "\n"), filepath.Base(seg)) {
		t.Errorf("flipped bytes: %+v, %v", rep, err)
	}

	write(t, seg, orig[:len(orig)/2])
	rep, err = Check(ctx, dir)
	if err != nil || rep.OK() {
		t.Errorf("truncated segment: %+v, %v", rep, err)
	}
	_, err = Open(dir)
	if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "cqcmine index --rebuild") || strings.Contains(err.Error(), "\n") {
		t.Errorf("open with a truncated segment: %v", err)
	}

	write(t, seg, orig)
	cols := filepath.Join(dir, colsFile)
	cb, err := os.ReadFile(cols)
	if err != nil {
		t.Fatal(err)
	}
	cb[len(cb)/2] ^= 0xff
	write(t, cols, cb)
	rep, err = Check(ctx, dir)
	if err != nil || rep.OK() || !strings.Contains(strings.Join(rep.Damaged, "\n"), colsFile) {
		t.Errorf("damaged column file: %+v, %v", rep, err)
	}
}

func write(t *testing.T, p string, b []byte) {
	t.Helper()
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestDamagedHint: errors that come from bytes that do not decode get the
// rebuild hint; others do not.
func TestDamagedHint(t *testing.T) {
	for _, tc := range []struct {
		err  error
		hint bool
	}{
		{errors.New("loading stored fields: snappy: corrupt input"), true},
		{errors.New("error parsing mapping JSON: unexpected end of JSON input\nmapping contents:\n"), true},
		{context.Canceled, false},
		{errors.New("query: unknown field"), false},
	} {
		err := Damaged("/data/idx", tc.err)
		if got := strings.Contains(err.Error(), "--rebuild"); got != tc.hint {
			t.Errorf("Damaged(%q) = %q: hint %v, want %v", tc.err, err, got, tc.hint)
		}
		if !errors.Is(err, tc.err) {
			t.Errorf("Damaged(%q) does not wrap it", tc.err)
		}
	}
}

// TestBleveLockOnly: a process holding only bleve's lock (a cqcmine of an
// earlier version) makes Open give up within bleve's timeout with a
// *LockedError, not wait.
func TestBleveLockOnly(t *testing.T) {
	dir := builtIndex(t)
	held, err := bleve.OpenUsing(filepath.Join(dir, findingsDir), scorchConfig(false, DefaultWait))
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	start := time.Now()
	_, err = Open(dir)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("Open beside a bleve holder: %v", err)
	}
	if took := time.Since(start); took > 2*DefaultWait+time.Second {
		t.Errorf("gave up after %v", took)
	}
}
