//go:build unix

package pipeline_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cqcmine/cqcmine/corpus"
	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/pipeline"
)

// TestEveryInputHasARow runs a folder holding every kind of input that
// is not an ordinary document: each gets exactly one result and one
// report row, with the status and reason a reader needs, and none hangs
// the run.
func TestEveryInputHasARow(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "reports")
	if err := os.MkdirAll(filepath.Join(root, ".cache"), 0o755); err != nil {
		t.Fatal(err)
	}
	outside := write(t, dir, "outside.txt", "Elmstead Care Home.\n"+statement)
	var paras []string
	for i := range 3 * 18 { // synPDF starts a page every 18 paragraphs
		paras = append(paras, strings.Repeat("Brackenford General Hospital ward notes. ", 1+i%3))
	}
	long, err := synPDF(paras)
	if err != nil {
		t.Fatal(err)
	}
	write(t, root, "a-statement.txt", statement)
	write(t, root, "b-long.pdf", string(long))
	write(t, root, "c-empty.pdf", "")
	write(t, root, "d-empty.txt", "")
	write(t, root, ".e-draft.txt", statement)
	write(t, root, ".cache/f.txt", statement)
	if err := syscall.Mkfifo(filepath.Join(root, "g-pipe.pdf"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "h-link.txt")); err != nil {
		t.Fatal(err)
	}
	write(t, root, "i-two\nlines.txt", "Northvale NHS Foundation Trust.\n"+statement)

	p := func(name string) string { return filepath.Join(root, name) }
	want := []struct {
		path   string
		status pipeline.Status
		stage  string
		reason string
		is     error
	}{
		{p(".cache"), pipeline.StatusSkipped, pipeline.StageWalk, "hidden folder (its name starts with a dot): not entered", corpus.ErrHidden},
		{p(".e-draft.txt"), pipeline.StatusSkipped, pipeline.StageWalk, "hidden file (its name starts with a dot)", corpus.ErrHidden},
		{p("a-statement.txt"), pipeline.StatusOK, "", "", nil},
		{p("b-long.pdf"), pipeline.StatusPartial, pipeline.StageExtract, "first 2 of 3 pages (page limit)", extract.ErrLimit},
		{p("c-empty.pdf"), pipeline.StatusSkipped, pipeline.StageRead, "empty", corpus.ErrEmpty},
		{p("d-empty.txt"), pipeline.StatusSkipped, pipeline.StageRead, "empty", corpus.ErrEmpty},
		{p("g-pipe.pdf"), pipeline.StatusSkipped, pipeline.StageWalk, "not a regular file: named pipe (FIFO)", corpus.ErrNotRegular},
		{p("h-link.txt"), pipeline.StatusSkipped, pipeline.StageWalk, "symlink h-link.txt -> " + outside + " leads outside the input folders: not followed", corpus.ErrOutside},
		{p("i-two\nlines.txt"), pipeline.StatusOK, "", "", nil},
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	items, err := corpus.Walk(ctx, []string{root})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != len(want) {
		t.Fatalf("walk found %d inputs, want %d: %q", len(items), len(want), paths(items))
	}
	cfg := config(t)
	cfg.Limits.MaxPages = 2
	var c collect
	rec := &pipeline.Recorder{}
	rep, err := pipeline.Run(ctx, cfg, items, &c, rec)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Rows) != len(want) || len(c.results) != len(want) {
		t.Fatalf("%d rows, %d results for %d inputs", len(rec.Rows), len(c.results), len(want))
	}
	for i, w := range want {
		row, r := rec.Rows[i], c.results[i]
		if row.Path != w.path || row.Status != w.status || row.Stage != w.stage || row.Reason != w.reason {
			t.Errorf("row %d = %q %s stage %q reason %q;\n want %q %s stage %q reason %q",
				i, row.Path, row.Status, row.Stage, row.Reason, w.path, w.status, w.stage, w.reason)
		}
		st, err := r.Outcome()
		if st != w.status || (w.is != nil && !errors.Is(err, w.is)) {
			t.Errorf("%q: outcome %s, %v; want %s, %v", w.path, st, err, w.status, w.is)
		}
	}
	// A partial document is delivered like an ok one, so that sinks
	// store what it has.
	long2 := c.results[3]
	if long2.Status != pipeline.StatusOK || long2.Doc == nil || len(long2.Doc.Pages) != 2 || rec.Rows[3].Pages != 2 || rec.Rows[3].DocID == "" {
		t.Errorf("partial result: status %s, doc %v, row %+v", long2.Status, long2.Doc != nil, rec.Rows[3])
	}
	if rep.OK != 2 || rep.Partial != 1 || rep.Skipped != 6 || rep.Failed != 0 || len(rep.Problems) != 7 {
		t.Errorf("report: %d ok, %d partial, %d skipped, %d failed, %d problems", rep.OK, rep.Partial, rep.Skipped, rep.Failed, len(rep.Problems))
	}
}

func paths(items []corpus.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Path)
	}
	return out
}
