package pdf

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/internal/shared"
)

func extractFile(t testing.TB, path string) *extract.Content {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Extractor{}.Extract(context.Background(), data, extract.DefaultLimits)
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	return c
}

// TestGenerated checks the PDFs made from a known text: the words must
// all be there, in order.
func TestGenerated(t *testing.T) {
	dir := shared.Dir(t, "pdfs/generated")
	pdfs, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if len(pdfs) == 0 {
		t.Fatal("no generated PDFs")
	}
	// The HTML-made PDFs add a table header and list markers that are not
	// in the gold text.
	minF1 := map[string]float64{"libreoffice-from-html.pdf": 0.985}
	for _, p := range pdfs {
		name := filepath.Base(p)
		t.Run(name, func(t *testing.T) {
			gold, err := os.ReadFile(strings.TrimSuffix(p, ".pdf") + ".txt")
			if err != nil {
				t.Fatal(err)
			}
			c := extractFile(t, p)
			got, want := words(c.Text()), words(string(gold))
			f1, lcs := bagF1(got, want), lcsRatio(got, want)
			t.Logf("F1 %.4f LCS %.4f", f1, lcs)
			min := 0.99
			if m, ok := minF1[name]; ok {
				min = m
			}
			if f1 < min || lcs < 0.97 {
				t.Errorf("F1 %.4f (want ≥ %.2f), LCS %.4f (want ≥ 0.97)", f1, min, lcs)
			}
			for _, w := range []string{"identified", "efficient", "staffing"} {
				if !strings.Contains(c.Text(), w) && strings.Contains(string(gold), w) {
					t.Errorf("ligature word %q missing", w)
				}
			}
		})
	}
}

var furnitureRE = regexp.MustCompile(`(?im)^\s*(page\s+\d+\s+of\s+\d+|\d{1,3})\s*$`)

// TestSeeds checks the seed documents made by LibreOffice (one column)
// and by Chromium (two justified, hyphenated columns with a running
// header and a "Page N of M" footer) against their source text.
func TestSeeds(t *testing.T) {
	gold := shared.Dir(t, "corpus/seeds")
	for _, set := range []string{"seeds-pdf", "seeds-pdf-2col"} {
		dir := shared.Dir(t, "corpus/"+set)
		pdfs, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
		if len(pdfs) == 0 {
			t.Fatalf("no PDFs in %s", set)
		}
		for _, p := range pdfs {
			name := filepath.Base(p)
			t.Run(set+"/"+name, func(t *testing.T) {
				src, err := os.ReadFile(filepath.Join(gold, strings.TrimSuffix(name, ".pdf")+".txt"))
				if err != nil {
					t.Fatal(err)
				}
				c := extractFile(t, p)
				text := c.Text()
				got, want := words(text), words(string(src))
				f1, lcs := bagF1(got, want), lcsRatio(got, want)
				t.Logf("F1 %.4f LCS %.4f", f1, lcs)
				if f1 < 0.99 || lcs < 0.99 {
					t.Errorf("F1 %.4f LCS %.4f, want ≥ 0.99 and ≥ 0.99", f1, lcs)
				}
				if m := furnitureRE.FindString(text); m != "" {
					t.Errorf("page furniture left in the text: %q", m)
				}
				if c.Title == "" && set == "seeds-pdf-2col" {
					t.Errorf("no title")
				}
				for _, pg := range c.Pages {
					if pg.Number < 1 {
						t.Errorf("page number %d", pg.Number)
					}
				}
			})
		}
	}
}

// TestRealFiles runs every real-world PDF: each must give content or an
// error, within a time limit, and never panic.
func TestRealFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	dir := shared.Dir(t, "pdfs/real")
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	var pdfs []string
	for _, f := range files {
		if !strings.HasSuffix(f, ".tsv") {
			pdfs = append(pdfs, f)
		}
	}
	if len(pdfs) < 100 {
		t.Fatalf("only %d files in %s", len(pdfs), dir)
	}
	results := make([]runResult, len(pdfs))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results[i] = runOne(pdfs[i], 60*time.Second)
			}
		}()
	}
	for i := range pdfs {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	ok, ocr, failed := 0, 0, 0
	for _, r := range results {
		switch {
		case r.panic != nil:
			t.Errorf("%s: panic: %v", r.name, r.panic)
		case r.slow:
			t.Errorf("%s: no result within the time limit", r.name)
		case r.c == nil && r.err == nil:
			t.Errorf("%s: neither content nor error", r.name)
		case r.err != nil && extract.IsNeedsOCR(r.err):
			ocr++
		case r.err != nil:
			failed++
			if !strings.HasPrefix(r.err.Error(), "pdf: ") {
				t.Errorf("%s: error without context: %v", r.name, r.err)
			}
		default:
			ok++
			if len(r.c.Pages) == 0 {
				t.Errorf("%s: content without pages", r.name)
			}
			for _, p := range r.c.Pages {
				if err := tableSpansValid(p); err != nil {
					t.Errorf("%s: %v", r.name, err)
				}
			}
		}
	}
	t.Logf("%d files: %d with text, %d need OCR, %d errors", len(pdfs), ok, ocr, failed)
}

type runResult struct {
	name  string
	c     *extract.Content
	err   error
	panic any
	slow  bool
}

// runOne extracts one file in a goroutine with a time limit.
func runOne(path string, limit time.Duration) (r runResult) {
	r.name = filepath.Base(path)
	data, err := os.ReadFile(path)
	if err != nil {
		r.err = fmt.Errorf("pdf: read: %w", err)
		return r
	}
	done := make(chan runResult, 1)
	go func() {
		var out runResult
		out.name = r.name
		defer func() {
			if x := recover(); x != nil {
				out.panic = x
			}
			done <- out
		}()
		out.c, out.err = Extractor{}.Extract(context.Background(), data, extract.DefaultLimits)
	}()
	select {
	case out := <-done:
		return out
	case <-time.After(limit):
		r.slow = true
		return r
	}
}

// median returns the median of xs (0 when empty).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
