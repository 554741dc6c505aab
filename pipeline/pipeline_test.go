package pipeline_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cqcmine/cqcmine/corpus"
	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/pipeline"
)

// config is a run with the real extractors and tagger and default limits.
func config(t testing.TB) pipeline.Config {
	t.Helper()
	cfg := bulkConfig(t)
	cfg.Limits = extract.Limits{}
	return cfg
}

// collect is a sink that keeps every result it is given.
type collect struct {
	results []*pipeline.Result
	// cancelAt, when set, cancels after that many results.
	cancelAt int
	cancel   context.CancelFunc
}

func (c *collect) Put(_ context.Context, r *pipeline.Result) error {
	c.results = append(c.results, r)
	if c.cancel != nil && len(c.results) == c.cancelAt {
		c.cancel()
	}
	return nil
}

const statement = `Harrowfield and Wyre NHS Foundation Trust has been rated requires improvement overall.
The trust must ensure that ligature risks on Beech Ward are assessed (Regulation 12).
One patient told inspectors: “Staff always had time for me.”
`

func write(t testing.TB, dir, name, data string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// inputs writes a small mixed folder: good documents, a broken PDF, an
// unsupported file and a duplicate.
func inputs(t testing.TB) (dir string, want map[string]pipeline.Status) {
	dir = t.TempDir()
	want = map[string]pipeline.Status{}
	for i := 0; i < 6; i++ {
		p := write(t, dir, fmt.Sprintf("a%02d-statement.txt", i), fmt.Sprintf("Statement %d.\n%s", i, statement))
		want[p] = pipeline.StatusOK
	}
	want[write(t, dir, "b-page.html", "<!doctype html><title>Ratings</title><p>Are services safe? Requires improvement</p>")] = pipeline.StatusOK
	want[write(t, dir, "c-broken.pdf", "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer <<")] = pipeline.StatusFailed
	want[write(t, dir, "d-image.gif", "GIF89a\x01\x00\x01\x00\x00\x00\x00")] = pipeline.StatusSkipped
	want[write(t, dir, "e-copy.txt", "Statement 0.\n"+statement)] = pipeline.StatusSkipped
	return dir, want
}

func TestRun(t *testing.T) {
	ctx := context.Background()
	dir, want := inputs(t)
	missing := filepath.Join(dir, "f-missing.pdf")
	want[missing] = pipeline.StatusFailed
	items, err := corpus.Walk(ctx, []string{dir, missing})
	if err != nil {
		t.Fatal(err)
	}
	cfg := config(t)
	cfg.Progress = new(pipeline.Progress)
	var c collect
	rep, err := pipeline.Run(ctx, cfg, items, &c)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.results) != len(items) || rep.Done != len(items) || rep.Inputs != len(items) {
		t.Fatalf("delivered %d, report done %d of %d, want %d", len(c.results), rep.Done, rep.Inputs, len(items))
	}
	for i, r := range c.results {
		if r.Input.Path != items[i].Path {
			t.Fatalf("result %d is %s, want %s: not in input order", i, r.Input.Path, items[i].Path)
		}
		if r.Status != want[r.Input.Path] {
			t.Errorf("%s: status %s (%v), want %s", filepath.Base(r.Input.Path), r.Status, r.Err, want[r.Input.Path])
		}
		if r.Status == pipeline.StatusOK {
			if r.Err != nil || r.Doc == nil || len(r.Findings) == 0 {
				t.Errorf("%s: ok with err %v, doc %v, %d findings", r.Input.Path, r.Err, r.Doc != nil, len(r.Findings))
			}
			continue
		}
		var de *pipeline.DocError
		if !errors.As(r.Err, &de) || de.Path != r.Input.Path || de.Stage == "" {
			t.Errorf("%s: error %v is not a DocError naming the file and stage", r.Input.Path, r.Err)
		}
	}
	if rep.OK+rep.Failed+rep.Skipped+rep.NeedsOCR != len(items) || rep.OK != 7 || rep.Failed != 2 || rep.Skipped != 2 {
		t.Errorf("report: %d ok, %d failed, %d skipped, %d needs-ocr", rep.OK, rep.Failed, rep.Skipped, rep.NeedsOCR)
	}
	if len(rep.Problems) != 4 {
		t.Errorf("report lists %d problems, want 4", len(rep.Problems))
	}
	if got := cfg.Progress.Done.Load(); got != int64(len(items)) {
		t.Errorf("progress done = %d", got)
	}
	var dup *pipeline.Result
	for _, r := range c.results {
		if strings.HasSuffix(r.Input.Path, "e-copy.txt") {
			dup = r
		}
	}
	if dup == nil || !errors.Is(dup.Err, pipeline.ErrDuplicate) || !strings.Contains(dup.Err.Error(), "a00-statement.txt") {
		t.Errorf("duplicate: %v", dup.Err)
	}
}

// brokenExtractor misbehaves as a buggy extractor might.
type brokenExtractor struct{ hang bool }

func (b brokenExtractor) Extract(ctx context.Context, data []byte, _ extract.Limits) (*extract.Content, error) {
	if b.hang {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	var m map[string]int
	m["boom"]++ // nil map write: a runtime panic
	return nil, nil
}

func TestRunIsolatesPanicsAndTimeouts(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write(t, dir, "a.txt", statement)
	write(t, dir, "b.html", "<html><p>Are services caring? Good</p>")
	write(t, dir, "c.txt", "Another statement.\n"+statement)
	items, _ := corpus.Walk(ctx, []string{dir})

	for _, tc := range []struct {
		name string
		ex   brokenExtractor
		want string
	}{
		{"panic", brokenExtractor{}, "panic in html extractor: assignment to entry in nil map"},
		{"timeout", brokenExtractor{hang: true}, "took longer than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config(t)
			cfg.Limits.Timeout = 200 * time.Millisecond
			cfg.Extractors[extract.FormatHTML] = tc.ex
			var c collect
			rep, err := pipeline.Run(ctx, cfg, items, &c)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK != 2 || rep.Failed != 1 {
				t.Fatalf("%d ok, %d failed; want 2 and 1", rep.OK, rep.Failed)
			}
			r := c.results[1]
			if r.Status != pipeline.StatusFailed || !strings.Contains(r.Err.Error(), tc.want) || !strings.Contains(r.Err.Error(), "b.html: extract:") {
				t.Errorf("b.html: %s, %v", r.Status, r.Err)
			}
			if tc.name == "timeout" && !errors.Is(r.Err, extract.ErrLimit) {
				t.Errorf("timeout error %v does not wrap ErrLimit", r.Err)
			}
		})
	}
}

func TestRunCancelDeliversAPrefix(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 40; i++ {
		write(t, dir, fmt.Sprintf("%02d.txt", i), fmt.Sprintf("Statement %d.\n%s", i, statement))
	}
	items, _ := corpus.Walk(context.Background(), []string{dir})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := collect{cancelAt: 5, cancel: cancel}
	rep, err := pipeline.Run(ctx, config(t), items, &c)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run after cancel: err = %v", err)
	}
	if !rep.Interrupted || rep.Done != len(c.results) || rep.Done >= len(items) || rep.Done < 5 {
		t.Fatalf("report: interrupted %v, done %d, delivered %d of %d", rep.Interrupted, rep.Done, len(c.results), len(items))
	}
	for i, r := range c.results {
		if r.Input.Path != items[i].Path || r.Status != pipeline.StatusOK {
			t.Fatalf("result %d: %s %s, want %s ok: not a prefix", i, r.Input.Path, r.Status, items[i].Path)
		}
	}
}

func TestSinks(t *testing.T) {
	ctx := context.Background()
	dir, _ := inputs(t)
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	write(t, sub, "a00-statement.txt", "Same name, other text.\n"+statement)
	items, _ := corpus.Walk(ctx, []string{dir})

	var jl, cs bytes.Buffer
	js, csvs := pipeline.NewJSONLSink(&jl), pipeline.NewCSVSink(&cs, true)
	textDir := filepath.Join(t.TempDir(), "text")
	td, err := pipeline.NewTextDirSink(textDir)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := pipeline.Run(ctx, config(t), items, js, csvs, td)
	if err != nil {
		t.Fatal(err)
	}
	if err := js.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := csvs.Flush(); err != nil {
		t.Fatal(err)
	}

	lines := strings.Split(strings.TrimSpace(jl.String()), "\n")
	if len(lines) != rep.Findings {
		t.Fatalf("%d JSONL lines, report says %d findings", len(lines), rep.Findings)
	}
	kinds := map[string]int{}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("bad JSONL line %q: %v", l, err)
		}
		for _, k := range []string{"doc", "doc_id", "kind", "text", "page"} {
			if _, ok := m[k]; !ok {
				t.Fatalf("line lacks %q: %s", k, l)
			}
		}
		kinds[m["kind"].(string)]++
	}
	if kinds["document"] != rep.OK {
		t.Errorf("%d document findings for %d documents", kinds["document"], rep.OK)
	}

	rows, err := csv.NewReader(&cs).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != rep.Findings+1 || strings.Join(rows[0], ",") != strings.Join(extract.CSVColumns, ",") {
		t.Fatalf("CSV: %d rows (want %d + header), header %q", len(rows), rep.Findings, rows[0])
	}

	files, _ := filepath.Glob(filepath.Join(textDir, "*.txt"))
	if len(files) != rep.OK {
		t.Fatalf("text dir has %d files, want %d", len(files), rep.OK)
	}
	b, err := os.ReadFile(filepath.Join(textDir, "a00-statement.txt"))
	if err != nil || !strings.Contains(string(b), "ligature risks on Beech Ward") {
		t.Fatalf("a00-statement.txt: %q, %v", b, err)
	}
	renamed, _ := filepath.Glob(filepath.Join(textDir, "a00-statement-*.txt"))
	if len(renamed) != 1 {
		t.Errorf("second a00-statement.txt not written under a new name: %q", renamed)
	}
}
