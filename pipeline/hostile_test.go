package pipeline_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cqcmine/cqcmine/corpus"
	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/extract/ocr"
	"github.com/cqcmine/cqcmine/extract/tag"
	"github.com/cqcmine/cqcmine/internal/hostile"
	"github.com/cqcmine/cqcmine/internal/shared"
	"github.com/cqcmine/cqcmine/pipeline"
)

var (
	realTaggerOnce sync.Once
	realTagger     *tag.Tagger
	realTaggerErr  error
)

// bulkConfig is a run with the real extractors and tagger and the tight
// limits of a bulk run over untrusted files.
func bulkConfig(tb testing.TB) pipeline.Config {
	tb.Helper()
	realTaggerOnce.Do(func() { realTagger, realTaggerErr = tag.New() })
	if realTaggerErr != nil {
		tb.Fatal(realTaggerErr)
	}
	return pipeline.Config{
		Workers: 2,
		// OCR is off: these runs are about robustness and speed, and
		// the hostile cases' statuses are those without OCR.
		Extractors: pipeline.ExtractorsOCR(ocr.ModeOff),
		Tagger:     realTagger,
		Limits: extract.Limits{
			Timeout:        20 * time.Second,
			MaxBytes:       64 << 20,
			MaxStreamBytes: 64 << 20,
		},
	}
}

// keep is a sink that keeps every result.
type keep struct{ results []*pipeline.Result }

func (k *keep) Put(_ context.Context, r *pipeline.Result) error {
	k.results = append(k.results, r)
	return nil
}

// goodDocs writes a few well-formed text and HTML documents into dir.
func goodDocs(tb testing.TB, dir string) {
	tb.Helper()
	docs := map[string]string{
		"good-1-statement.txt": `Northmoor Valley NHS Trust: statement on the CQC inspection
The Care Quality Commission has rated Northmoor Valley NHS Trust as good overall.
Safe was rated requires improvement. Caring was rated outstanding.
The trust must ensure that ligature risk assessments are completed on every ward (Regulation 12).
The trust should improve the timeliness of complaint responses.
"We are proud of our staff," said the chief executive, Dr Alice Morton.
`,
		"good-2-notes.txt": `Inspection notes, Riverside Community Services
Inspectors found that staff did not always follow infection control procedures.
The provider must ensure that equipment is cleaned between patients (Regulation 15).
One patient told us: "The nurses always made time for me."
`,
		"good-3-ratings.html": `<!doctype html><html><head><title>Eastbrook Hospital ratings</title></head><body>
<main><h1>Eastbrook Hospital</h1>
<p>Overall rating: Requires improvement</p>
<table><tr><th>Key question</th><th>Rating</th></tr>
<tr><td>Safe</td><td>Inadequate</td></tr><tr><td>Effective</td><td>Good</td></tr>
<tr><td>Caring</td><td>Good</td></tr><tr><td>Responsive</td><td>Requires improvement</td></tr>
<tr><td>Well-led</td><td>Requires improvement</td></tr></table>
<p>The hospital must ensure that staff complete mandatory training (Regulation 18).</p>
</main></body></html>
`,
		"good-4-press.html": `<!doctype html><html><head><title>Press release</title></head><body>
<p>The CQC has told Westgate Care Home it must make improvements after an inspection in March.</p>
<p>"People were not always protected from avoidable harm," said the deputy chief inspector.</p>
<p>The provider should review how it records medicines given to residents.</p>
</body></html>
`,
	}
	for name, body := range docs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// peakRSS returns the process's peak resident set size, from VmHWM in
// /proc/self/status, or 0 where there is no such file.
func peakRSS(tb testing.TB) int64 {
	tb.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				tb.Fatalf("VmHWM: %v", err)
			}
			return kb << 10
		}
	}
	return 0
}

// extractorStacks returns the stacks of goroutines still running code of
// the extract packages.
func extractorStacks() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []string
	for _, g := range bytes.Split(buf, []byte("\n\n")) {
		if bytes.Contains(g, []byte("cqcmine/extract/")) && !bytes.Contains(g, []byte("hostile_test.go")) {
			out = append(out, string(g))
		}
	}
	return out
}

func findingsJSON(tb testing.TB, fs []extract.Finding) string {
	tb.Helper()
	b, err := json.Marshal(fs)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// TestHostileInputs runs the real extractors and tagger over every
// hostile file together with good documents, and checks that each input
// gets exactly one result, in order; that each hostile file ends with its
// expected status and a reason naming it, none by a blown time budget or
// a panic; that the good documents come out exactly as they do alone;
// and that no extractor is left running once the run returns.
func TestHostileInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("writes decompression bombs; skipped with -short")
	}
	ctx := context.Background()
	root := t.TempDir()
	hdir := filepath.Join(root, "hostile")
	gdir := filepath.Join(root, "good")
	for _, d := range []string{hdir, gdir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cases, err := hostile.Write(hdir)
	if err != nil {
		t.Fatal(err)
	}
	goodDocs(t, gdir)
	paths := []string{gdir, hdir}
	if pdfs, err := shared.Path("pdfs/generated"); err == nil || os.Getenv("CI") != "" {
		if err != nil {
			t.Fatal(err)
		}
		ms, _ := filepath.Glob(filepath.Join(pdfs, "*.pdf"))
		paths = append(paths, ms...)
	} else {
		t.Log("../shared/pdfs/generated absent: running without real PDFs")
	}
	inputs, err := corpus.Walk(ctx, paths)
	if err != nil {
		t.Fatal(err)
	}

	cfg := bulkConfig(t)
	var got keep
	rep, err := pipeline.Run(ctx, cfg, inputs, &got)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}

	// Every input accounted for, once, in input order.
	if len(got.results) != len(inputs) || rep.Done != len(inputs) || rep.Inputs != len(inputs) {
		t.Fatalf("%d inputs, %d results, report done %d of %d", len(inputs), len(got.results), rep.Done, rep.Inputs)
	}
	if n := rep.OK + rep.Failed + rep.NeedsOCR + rep.Skipped; n != len(inputs) {
		t.Errorf("report statuses add up to %d, want %d", n, len(inputs))
	}
	byPath := map[string]*pipeline.Result{}
	for i, r := range got.results {
		if r.Input.Path != inputs[i].Path {
			t.Fatalf("result %d is %s, want %s", i, r.Input.Path, inputs[i].Path)
		}
		byPath[r.Input.Path] = r
	}

	// Each hostile file as expected, and no file under the hostile
	// folder that is not a case (the symlink loop lists its one file
	// once).
	want := map[string]hostile.Case{}
	for _, c := range cases {
		want[c.Path] = c
	}
	for _, in := range inputs {
		if strings.HasPrefix(in.Path, hdir+string(filepath.Separator)) {
			if _, ok := want[in.Path]; !ok {
				t.Errorf("walk listed %s, which is no hostile case", in.Path)
			}
		}
	}
	for _, c := range cases {
		r := byPath[c.Path]
		if r == nil {
			t.Errorf("%s: no result", c.Name)
			continue
		}
		if string(r.Status) != c.Want {
			t.Errorf("%s: status %s (%v), want %s", c.Name, r.Status, r.Err, c.Want)
			continue
		}
		if c.Want == hostile.OK {
			if r.Err != nil || r.Doc == nil {
				t.Errorf("%s: ok with error %v, doc %v", c.Name, r.Err, r.Doc != nil)
			}
			continue
		}
		var de *pipeline.DocError
		if !errors.As(r.Err, &de) {
			t.Errorf("%s: error %v (%T) is no DocError", c.Name, r.Err, r.Err)
			continue
		}
		msg := de.Error()
		if de.Path != c.Path || de.Stage == "" || !strings.Contains(msg, c.Path) {
			t.Errorf("%s: DocError %+v does not name the file and stage", c.Name, de)
		}
		if c.Reason != "" && !strings.Contains(msg, c.Reason) {
			t.Errorf("%s: reason %q does not say %q", c.Name, msg, c.Reason)
		}
		if strings.Contains(msg, "panic:") || errors.Is(r.Err, context.DeadlineExceeded) ||
			strings.Contains(msg, "took longer than") {
			t.Errorf("%s: ended by a panic or the time budget, not a clear reason: %s", c.Name, msg)
		}
		t.Logf("%-28s %-9s %s", c.Name, r.Status, strings.TrimPrefix(msg, c.Path+": "))
	}

	// Good documents are read, and come out exactly as they do alone.
	for _, r := range got.results {
		if _, isCase := want[r.Input.Path]; isCase {
			continue
		}
		if r.Status != pipeline.StatusOK {
			t.Errorf("good document %s: %s: %v", r.Input.Path, r.Status, r.Err)
			continue
		}
		var alone keep
		if _, err := pipeline.Run(ctx, cfg, []corpus.Item{r.Input}, &alone); err != nil {
			t.Fatalf("%s alone: %v", r.Input.Path, err)
		}
		a := alone.results[0]
		if a.Status != pipeline.StatusOK || len(a.Doc.Pages) != len(r.Doc.Pages) ||
			findingsJSON(t, a.Findings) != findingsJSON(t, r.Findings) || a.Doc.Text() != r.Doc.Text() {
			t.Errorf("%s: bulk run gave %d pages, %d findings; alone %s, %d pages, %d findings",
				r.Input.Path, len(r.Doc.Pages), len(r.Findings), a.Status, len(a.Doc.Pages), len(a.Findings))
		}
		if len(r.Findings) < 2 {
			t.Errorf("good document %s: only %d findings", r.Input.Path, len(r.Findings))
		}
	}

	// No extractor goroutine outlives the run (a library loop that
	// ignores the context would spin here for ever). A document failed
	// by its time budget may finish its current step first.
	var left []string
	for range 50 {
		if left = extractorStacks(); len(left) == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(left) > 0 {
		t.Errorf("%d extractor goroutines still running after the run:\n%s", len(left), strings.Join(left, "\n\n"))
	}

	hwm := peakRSS(t)
	t.Logf("%d inputs: %d ok, %d failed, %d needs-ocr, %d skipped; %d pages, %d findings; peak RSS %.0f MiB",
		len(inputs), rep.OK, rep.Failed, rep.NeedsOCR, rep.Skipped, rep.Pages, rep.Findings, float64(hwm)/(1<<20))
	if hwm > 1<<30 {
		t.Errorf("peak RSS %d bytes, over 1 GiB", hwm)
	}
}
