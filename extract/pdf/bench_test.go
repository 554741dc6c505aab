package pdf

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/internal/shared"
)

// fileScore is one file of the real corpus run through both tools.
type fileScore struct {
	name             string
	pttOK, ours      bool
	pttText, ourText string
	pages            int
	f1, lcs          float64
	comparable       bool
}

// parallel runs fn over n items with two workers and returns the wall
// time taken.
func parallel(n int, fn func(i int)) time.Duration {
	start := time.Now()
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				fn(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return time.Since(start)
}

func realPDFs(b testing.TB) []string {
	dir := shared.Dir(b, "pdfs/real")
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	var out []string
	for _, f := range files {
		if !strings.HasSuffix(f, ".tsv") {
			out = append(out, f)
		}
	}
	return out
}

// runPdftotext extracts every file with poppler's pdftotext.
func runPdftotext(files []string, scores []fileScore) time.Duration {
	return parallel(len(files), func(i int) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		var out bytes.Buffer
		cmd := exec.CommandContext(ctx, "pdftotext", "-q", "-enc", "UTF-8", files[i], "-")
		cmd.Stdout = &out
		err := cmd.Run()
		scores[i].pttOK = err == nil
		scores[i].pttText = out.String()
	})
}

// runOurs extracts every file with this package.
func runOurs(files []string, data [][]byte, scores []fileScore) time.Duration {
	return parallel(len(files), func(i int) {
		c, err := Extractor{KeepFurniture: true}.Extract(context.Background(), data[i], extract.DefaultLimits)
		scores[i].ours = err == nil || extract.IsNeedsOCR(err)
		scores[i].ourText, scores[i].pages = "", 0
		if c != nil {
			scores[i].ourText = c.Text()
			scores[i].pages = len(c.Pages)
		} else if e, ok := err.(*extract.NeedsOCRError); ok {
			scores[i].pages = e.Pages
		}
	})
}

// BenchmarkRealPDFs extracts the real-world corpus with two workers and
// compares the text with pdftotext's (when it is installed): pages per
// second for both, files opened by both, and the median word-bag F1 and
// order-aware LCS ratio on files where pdftotext finds at least 20 words.
// Headers and footers are kept here, as pdftotext keeps them.
func BenchmarkRealPDFs(b *testing.B) {
	files := realPDFs(b)
	data := make([][]byte, len(files))
	for i, f := range files {
		var err error
		if data[i], err = os.ReadFile(f); err != nil {
			b.Fatal(err)
		}
	}
	scores := make([]fileScore, len(files))
	for i, f := range files {
		scores[i].name = filepath.Base(f)
	}
	_, pttErr := exec.LookPath("pdftotext")
	var pttTime time.Duration
	if pttErr == nil {
		pttTime = runPdftotext(files, scores)
	}
	b.ResetTimer()
	var ours time.Duration
	for i := 0; i < b.N; i++ {
		ours += runOurs(files, data, scores)
	}
	b.StopTimer()
	pages, pttPages, opened, pttOpened := 0, 0, 0, 0
	for _, s := range scores {
		pages += s.pages
		if s.ours {
			opened++
		}
		if s.pttOK {
			pttOpened++
			pttPages += strings.Count(s.pttText, "\f")
		}
	}
	b.ReportMetric(float64(pages)/(ours.Seconds()/float64(b.N)), "pages/s")
	b.ReportMetric(float64(opened), "opened")
	if mb, ok := peakRSS(); ok {
		b.ReportMetric(mb, "peak-MB")
	}
	if pttErr != nil {
		b.Logf("pdftotext not on PATH: no comparison")
		return
	}
	b.ReportMetric(float64(pttPages)/pttTime.Seconds(), "ptt-pages/s")
	b.ReportMetric(float64(pttOpened), "ptt-opened")
	var f1s, lcss []float64
	var cmp []fileScore
	for _, s := range scores {
		ref := words(s.pttText)
		if !s.pttOK || len(ref) < 20 {
			continue
		}
		got := words(s.ourText)
		s.f1, s.lcs = bagF1(got, ref), lcsRatio(got, ref)
		f1s = append(f1s, s.f1)
		lcss = append(lcss, s.lcs)
		cmp = append(cmp, s)
	}
	b.ReportMetric(median(f1s), "median-F1")
	b.ReportMetric(median(lcss), "median-LCS")
	b.ReportMetric(float64(len(cmp)), "comparable")
	good := 0
	for _, f := range f1s {
		if f >= 0.98 {
			good++
		}
	}
	b.ReportMetric(float64(good), "files-F1≥0.98")
	sort.Slice(cmp, func(i, j int) bool { return cmp[i].f1+cmp[i].lcs < cmp[j].f1+cmp[j].lcs })
	for _, s := range cmp[:min(25, len(cmp))] {
		b.Logf("weakest: %-50s F1 %.3f LCS %.3f", s.name, s.f1, s.lcs)
	}
	for _, s := range scores {
		if s.pttOK && !s.ours {
			b.Logf("pdftotext opens, we do not: %s", s.name)
		}
	}
}

// peakRSS returns the peak resident memory of this process in MB (VmHWM,
// Linux only), which covers the files held in memory and every
// extraction so far.
func peakRSS() (float64, bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) == 0 {
				return 0, false
			}
			kb, err := strconv.ParseFloat(f[0], 64)
			return kb / 1024, err == nil
		}
	}
	return 0, false
}
