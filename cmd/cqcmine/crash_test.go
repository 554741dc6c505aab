package main

import (
	"context"
	"errors"
	"fmt"
	"html"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cqcmine/cqcmine/corpus"
	"github.com/cqcmine/cqcmine/index"
	"github.com/cqcmine/cqcmine/pipeline"
)

// buildCqcmine builds the command into a temporary directory.
func buildCqcmine(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	exe := filepath.Join(t.TempDir(), "cqcmine")
	cmd := exec.Command(goTool, "build", "-o", exe, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return exe
}

// crashDocs writes n distinct small documents, text and HTML in turn,
// and returns the folder and the content id of every document.
func crashDocs(t *testing.T, n int) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	ratings := []string{"good", "requires improvement", "inadequate", "outstanding"}
	var ids []string
	for i := range n {
		var lines []string
		lines = append(lines, fmt.Sprintf("Statement %d on Ward %d.", i, i))
		for j := range 12 {
			lines = append(lines,
				fmt.Sprintf("The CQC rated Ward %d-%d as %s for safe.", i, j, ratings[(i+j)%4]),
				fmt.Sprintf("The trust must ensure that staffing on Ward %d-%d is safe (Regulation 18).", i, j),
				fmt.Sprintf("Inspectors spoke with %d patients and %d staff on Ward %d-%d.", 3+j, 5+i%7, i, j))
		}
		body := strings.Join(lines, "\n") + "\n"
		name := fmt.Sprintf("doc%03d.txt", i)
		if i%2 == 1 {
			var b strings.Builder
			fmt.Fprintf(&b, "<!doctype html><html><head><title>Ward %d</title></head><body>\n", i)
			for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
				fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(line))
			}
			b.WriteString("</body></html>\n")
			body = b.String()
			name = fmt.Sprintf("doc%03d.html", i)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, corpus.Identify([]byte(body)))
	}
	sort.Strings(ids)
	return dir, ids
}

// indexCmd is a "cqcmine index" run of exe over docs into dir.
func indexCmd(exe, dir, docs string) *exec.Cmd {
	return exec.Command(exe, "index", "--index", dir, "--quiet", "--workers", "2", docs)
}

// indexedFindings opens the index in dir and returns its document ids
// and a count of every finding it holds, keyed by document and content.
func indexedFindings(t *testing.T, dir string) ([]string, map[string]int) {
	t.Helper()
	ix, err := index.Open(dir)
	if err != nil {
		t.Fatalf("index does not open: %v", err)
	}
	defer ix.Close()
	ctx := context.Background()
	ids, err := ix.DocIDs(ctx)
	if err != nil {
		t.Fatalf("doc ids: %v", err)
	}
	counts := map[string]int{}
	const page = 1000
	for off := 0; ; off += page {
		res, err := ix.Search(ctx, index.Query{Limit: page, Offset: off})
		if err != nil {
			t.Fatalf("search: %v", err)
		}
		for _, h := range res.Hits {
			f := h.Finding
			if f == nil {
				t.Fatalf("finding hit without a finding: %+v", h)
			}
			counts[fmt.Sprintf("%s|%s|%d|%d-%d|%s", f.DocID, f.Kind, f.Page, f.Start, f.End, f.Text)]++
		}
		if len(res.Hits) < page {
			break
		}
	}
	return ids, counts
}

// TestIndexSurvivesSIGKILL kills "cqcmine index" with SIGKILL at random
// points, twice a round, and checks after every kill that the index
// opens, and after every restart run to completion that it exits 0 and
// the index holds every input document once, with the same findings as
// an index built without interruption.
func TestIndexSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and runs it many times; skipped with -short")
	}
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL is a Unix signal")
	}
	exe := buildCqcmine(t)
	docs, wantIDs := crashDocs(t, 150)

	// A reference index, built in one go; its wall time sets the window
	// in which the kills land.
	refDir := filepath.Join(t.TempDir(), "ref")
	start := time.Now()
	if out, err := indexCmd(exe, refDir, docs).CombinedOutput(); err != nil {
		t.Fatalf("reference run: %v\n%s", err, out)
	}
	full := time.Since(start)
	// The start-up alone (loading the tagger, opening the index): a run
	// over an empty folder.
	start = time.Now()
	if out, err := indexCmd(exe, filepath.Join(t.TempDir(), "empty"), t.TempDir()).CombinedOutput(); err != nil {
		t.Fatalf("empty run: %v\n%s", err, out)
	}
	startup := min(time.Since(start), full*9/10)
	refIDs, refFindings := indexedFindings(t, refDir)
	if !slices.Equal(refIDs, wantIDs) {
		t.Fatalf("reference index holds %d documents, want the %d inputs", len(refIDs), len(wantIDs))
	}
	total := 0
	for _, n := range refFindings {
		total += n
	}
	if total < 3*len(wantIDs) {
		t.Fatalf("reference index holds only %d findings", total)
	}
	t.Logf("reference run: %d documents, %d findings in %s (start-up %s)", len(refIDs), total,
		full.Round(time.Millisecond), startup.Round(time.Millisecond))

	rng := rand.New(rand.NewPCG(2024, 7))
	killedMidRun := 0
	partial := 0 // kills that left some but not all documents indexed
	for round := range 4 {
		dir := filepath.Join(t.TempDir(), "idx")
		for k := range 2 {
			cmd := indexCmd(exe, dir, docs)
			var out strings.Builder
			cmd.Stdout, cmd.Stderr = &out, &out
			began := time.Now()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var delay time.Duration
			if k == 0 {
				// Anywhere from half-way through start-up (the index
				// being created) to the end of the run.
				delay = startup/2 + time.Duration(rng.Int64N(int64(full-startup/2)))
				time.Sleep(delay)
			} else {
				// While documents are being indexed: once this run has
				// committed a batch (and saved the manifest), a little
				// later.
				extra := time.Duration(rng.Int64N(int64(300 * time.Millisecond)))
				waitWritten(filepath.Join(dir, pipeline.ManifestName), began, full)
				time.Sleep(extra)
				delay = time.Since(began)
			}
			// An error here means the run has already been reaped; a run
			// that exited but was not yet reaped takes the signal quietly.
			_ = cmd.Process.Signal(syscall.SIGKILL)
			err := cmd.Wait()
			var ee *exec.ExitError
			switch {
			case errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signaled():
				killedMidRun++
			case err == nil:
				// It finished before the kill.
			default:
				t.Fatalf("round %d kill %d: run ended with %v\n%s", round, k, err, out.String())
			}
			// The index opens after every kill.
			held := -1
			if _, err := os.Stat(dir); err == nil {
				ix, err := index.Open(dir)
				if err != nil {
					t.Fatalf("round %d: index does not open after kill %d: %v", round, k, err)
				}
				ids, err := ix.DocIDs(context.Background())
				if err != nil {
					t.Fatalf("round %d: index unreadable after kill %d: %v", round, k, err)
				}
				if err := ix.Close(); err != nil {
					t.Fatalf("round %d: close after kill %d: %v", round, k, err)
				}
				held = len(ids)
				if held > 0 && held < len(wantIDs) {
					partial++
				}
			}
			t.Logf("round %d: kill %d after %s (%v): index holds %d documents", round, k, delay.Round(time.Millisecond), err, held)
		}

		out, err := indexCmd(exe, dir, docs).CombinedOutput()
		if err != nil {
			t.Fatalf("round %d: restarted run: %v\n%s", round, err, out)
		}
		ids, findings := indexedFindings(t, dir)
		if !slices.Equal(ids, wantIDs) {
			t.Errorf("round %d: index holds %d documents, want the %d inputs; missing %v, extra %v",
				round, len(ids), len(wantIDs), minus(wantIDs, ids), minus(ids, wantIDs))
		}
		for key, n := range refFindings {
			if findings[key] != n {
				t.Errorf("round %d: finding %q held %d times, want %d", round, key, findings[key], n)
			}
		}
		for key, n := range findings {
			if _, ok := refFindings[key]; !ok {
				t.Errorf("round %d: unexpected finding %q (%d times)", round, key, n)
			}
		}
	}
	t.Logf("%d of 8 kills landed while the run was going, %d with the index part-built", killedMidRun, partial)
	if killedMidRun == 0 {
		t.Error("no kill landed while a run was going: the test proved nothing")
	}
}

// waitWritten waits until the file at path has been written since t, or
// for at most max.
func waitWritten(path string, t time.Time, max time.Duration) {
	for end := time.Now().Add(max); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if st, err := os.Stat(path); err == nil && st.ModTime().After(t) {
			return
		}
	}
}

// minus returns the elements of a not in b (both sorted).
func minus(a, b []string) []string {
	var out []string
	for _, s := range a {
		if _, found := slices.BinarySearch(b, s); !found {
			out = append(out, s)
		}
	}
	return out
}
