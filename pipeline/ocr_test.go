package pipeline_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"

	"github.com/cqcmine/cqcmine/corpus"
	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/extract/ocr"
	"github.com/cqcmine/cqcmine/internal/shared"
	"github.com/cqcmine/cqcmine/pipeline"
)

// The scanned-seed test and benchmark recognise pages with Tesseract, a
// few seconds a page. By default they use a subset of the seed PDFs that
// has ratings, actions and quotes (000, 001 and 004 of seeds-pdf: 8
// pages); CQCMINE_OCR_ALL=1 takes every seed PDF, one and two columns
// (38 pages).
var ocrSubset = []string{"000_50e0965135253b18", "001_cbca4b3e0fe5c36a", "004_23666ff7fe20b0f6"}

// scanDPI is the resolution the seed pages are scanned at.
const scanDPI = 200

// needOCRTools skips (fails under CI) when Tesseract or pdftoppm is
// missing.
func needOCRTools(tb testing.TB) {
	tb.Helper()
	for _, tool := range []string{"tesseract", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				tb.Fatalf("%s not found: .ci/run installs it", tool)
			}
			tb.Skipf("%s not found", tool)
		}
	}
	if err := ocr.New(ocr.ModeAuto).Available(); err != nil {
		tb.Fatal(err)
	}
}

// seedSet is one set of seed PDFs to scan.
type seedSet struct{ dir, name string }

// ocrSeeds returns the seed PDFs the OCR tests use.
func ocrSeeds(tb testing.TB) (sets []seedSet, pdfs [][]string) {
	tb.Helper()
	names := []string{"seeds-pdf"}
	if os.Getenv("CQCMINE_OCR_ALL") != "" {
		names = append(names, "seeds-pdf-2col")
	}
	for _, n := range names {
		dir := shared.Dir(tb, "corpus/"+n)
		var files []string
		if os.Getenv("CQCMINE_OCR_ALL") != "" {
			files, _ = filepath.Glob(filepath.Join(dir, "*.pdf"))
		} else {
			for _, s := range ocrSubset {
				files = append(files, filepath.Join(dir, s+".pdf"))
			}
		}
		sets = append(sets, seedSet{dir, n})
		pdfs = append(pdfs, files)
	}
	return sets, pdfs
}

// scan makes an image-only copy of the PDF src in dst, as a scanner
// would: each page rendered by pdftoppm at scanDPI in grey, written as a
// JPEG and placed on a page of the same size, with no text layer. It
// returns the JPEG files, kept in jpgDir.
func scan(tb testing.TB, src, dst, jpgDir string) []string {
	tb.Helper()
	tmp := tb.TempDir()
	out, err := exec.Command("pdftoppm", "-r", strconv.Itoa(scanDPI), "-gray", src, filepath.Join(tmp, "p")).CombinedOutput()
	if err != nil {
		tb.Fatalf("pdftoppm %s: %v: %s", src, err, out)
	}
	pgms, _ := filepath.Glob(filepath.Join(tmp, "p-*.pgm"))
	sort.Strings(pgms)
	if len(pgms) == 0 {
		tb.Fatalf("pdftoppm made no pages of %s", src)
	}
	pdf := fpdf.New("P", "pt", "A4", "")
	pdf.SetCompression(false)
	var jpgs []string
	base := strings.TrimSuffix(filepath.Base(dst), ".pdf")
	for i, p := range pgms {
		img := readPGM(tb, p)
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
			tb.Fatal(err)
		}
		jpg := filepath.Join(jpgDir, fmt.Sprintf("%s-%02d.jpg", base, i+1))
		if err := os.WriteFile(jpg, buf.Bytes(), 0o644); err != nil {
			tb.Fatal(err)
		}
		jpgs = append(jpgs, jpg)
		w := float64(img.Bounds().Dx()) * 72 / scanDPI
		h := float64(img.Bounds().Dy()) * 72 / scanDPI
		pdf.AddPageFormat("P", fpdf.SizeType{Wd: w, Ht: h})
		pdf.ImageOptions(jpg, 0, 0, w, h, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")
	}
	if err := pdf.OutputFileAndClose(dst); err != nil {
		tb.Fatal(err)
	}
	return jpgs
}

// readPGM reads a binary PGM (P5, 8 bits) as pdftoppm -gray writes it.
func readPGM(tb testing.TB, path string) *image.Gray {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var fields []int
	i := 2
	for len(fields) < 3 && i < len(data) {
		for i < len(data) && unicode.IsSpace(rune(data[i])) {
			i++
		}
		j := i
		for j < len(data) && data[j] >= '0' && data[j] <= '9' {
			j++
		}
		n, err := strconv.Atoi(string(data[i:j]))
		if err != nil {
			tb.Fatalf("%s: bad PGM header", path)
		}
		fields = append(fields, n)
		i = j
	}
	i++ // the single white space after maxval
	w, h := fields[0], fields[1]
	if !bytes.HasPrefix(data, []byte("P5")) || fields[2] != 255 || len(data)-i < w*h {
		tb.Fatalf("%s: not an 8-bit PGM", path)
	}
	return &image.Gray{Pix: data[i : i+w*h], Stride: w, Rect: image.Rect(0, 0, w, h)}
}

// ocrWords returns the NFKC-folded, lower-cased letter and digit runs of
// s, as the PDF tests count words.
func ocrWords(s string) []string {
	s = strings.ToLower(norm.NFKC.String(s))
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// wordF1 is the F1 of the word multisets of got against want.
func wordF1(got, want []string) float64 {
	bag := map[string]int{}
	for _, w := range want {
		bag[w]++
	}
	common := 0
	for _, w := range got {
		if bag[w] > 0 {
			bag[w]--
			common++
		}
	}
	if common == 0 {
		return 0
	}
	p, r := float64(common)/float64(len(got)), float64(common)/float64(len(want))
	return 2 * p * r / (p + r)
}

// runOCR extracts files with OCR on, 2 workers, writing findings to pred;
// it returns the results in input order.
func runOCR(tb testing.TB, files []string, pred string) []*pipeline.Result {
	tb.Helper()
	items, err := corpus.Walk(context.Background(), files)
	if err != nil {
		tb.Fatal(err)
	}
	f, err := os.Create(pred)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sink := pipeline.NewJSONLSink(f)
	var k keep
	cfg := bulkConfig(tb)
	cfg.Extractors = pipeline.ExtractorsOCR(ocr.ModeAuto)
	cfg.Limits.Timeout = 10 * time.Minute // a loaded machine recognises slowly
	if _, err := pipeline.Run(context.Background(), cfg, items, sink, &k); err != nil {
		tb.Fatal(err)
	}
	if err := sink.Flush(); err != nil {
		tb.Fatal(err)
	}
	return k.results
}

// TestScannedSeeds scans seed PDFs into image-only PDFs, extracts them
// with OCR and holds the text and the findings to the born-digital
// seeds': word F1 ≥ 0.95 against the seed text, and ratings, actions and
// quotes F1 within 0.05 of what the born-digital PDFs score.
func TestScannedSeeds(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR takes seconds a page")
	}
	needOCRTools(t)
	root := shared.Dir(t, "")
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not found: scoring needs it")
	}
	sets, pdfs := ocrSeeds(t)
	for si, set := range sets {
		t.Run(set.name, func(t *testing.T) {
			scanDir, jpgDir, gold := t.TempDir(), t.TempDir(), t.TempDir()
			var scans []string
			for _, src := range pdfs[si] {
				name := strings.TrimSuffix(filepath.Base(src), ".pdf")
				dst := filepath.Join(scanDir, name+".pdf")
				scan(t, src, dst, jpgDir)
				scans = append(scans, dst)
				for _, ext := range []string{".json", ".txt"} {
					if err := os.Symlink(filepath.Join(root, "corpus", "seeds", name+ext), filepath.Join(gold, name+ext)); err != nil {
						t.Fatal(err)
					}
				}
			}
			start := time.Now()
			predScan := filepath.Join(t.TempDir(), "scanned.jsonl")
			results := runOCR(t, scans, predScan)
			el := time.Since(start)
			pages := 0
			for _, r := range results {
				name := strings.TrimSuffix(filepath.Base(r.Input.Path), ".pdf")
				if r.Status != pipeline.StatusOK {
					t.Errorf("%s: %s %v", name, r.Status, r.Err)
					continue
				}
				src, err := os.ReadFile(filepath.Join(root, "corpus", "seeds", name+".txt"))
				if err != nil {
					t.Fatal(err)
				}
				f1 := wordF1(ocrWords(r.Doc.Text()), ocrWords(string(src)))
				n, conf, low := r.Doc.OCRSummary()
				pages += n
				t.Logf("%s: %d pages, %d by OCR, confidence %.1f; word F1 %.4f", name, len(r.Doc.Pages), n, conf, f1)
				if f1 < 0.95 {
					t.Errorf("%s: word F1 %.4f, want ≥ 0.95", name, f1)
				}
				if n != len(r.Doc.Pages) || len(low) > 0 {
					t.Errorf("%s: %d of %d pages by OCR, low confidence on %v", name, n, len(r.Doc.Pages), low)
				}
				if row := pipeline.RowOf(r); row.OCRPages != n || row.OCRConfidence == 0 {
					t.Errorf("%s: report row %+v", name, row)
				}
				if len(r.Findings) == 0 || r.Findings[0].Kind != extract.KindDocument || r.Findings[0].OCRPages != n {
					t.Errorf("%s: document finding does not say OCR", name)
				}
			}
			t.Logf("%d pages recognised in %s (%.2f pages/s)", pages, el.Round(time.Millisecond), float64(pages)/el.Seconds())

			predDigital := filepath.Join(t.TempDir(), "digital.jsonl")
			extractTo(t, pdfs[si], predDigital)
			scanned, out := scoreGrids(t, root, gold, predScan)
			digital, _ := scoreGrids(t, root, gold, predDigital)
			for _, kind := range []string{"ratings", "actions", "quotes"} {
				t.Logf("%s F1: scanned %.3f, born-digital %.3f", kind, scanned[kind], digital[kind])
				if scanned[kind] < digital[kind]-0.05 {
					t.Errorf("%s F1 %.3f scanned, %.3f born-digital: want within 0.05", kind, scanned[kind], digital[kind])
				}
			}
			if t.Failed() {
				t.Log(out)
			}
		})
	}
}

// TestImageFiles reads a scanned page given as a JPEG file through the
// pipeline's image extractor; an image Tesseract cannot read fails with
// its reason.
func TestImageFiles(t *testing.T) {
	needOCRTools(t)
	_, pdfs := ocrSeeds(t)
	jpgDir := t.TempDir()
	jpgs := scan(t, pdfs[0][0], filepath.Join(t.TempDir(), "scan.pdf"), jpgDir)
	bad := filepath.Join(jpgDir, "broken.png")
	if err := os.WriteFile(bad, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDRjunk"), 0o644); err != nil {
		t.Fatal(err)
	}
	results := runOCR(t, []string{jpgs[0], bad}, filepath.Join(t.TempDir(), "f.jsonl"))
	r := results[0]
	if r.Status != pipeline.StatusOK || r.Doc.Format != extract.FormatImage || len(r.Doc.Pages) != 1 || !r.Doc.Pages[0].OCR {
		t.Fatalf("%s: %s %v", r.Input.Path, r.Status, r.Err)
	}
	if n := len(ocrWords(r.Doc.Text())); n < 100 {
		t.Errorf("%d words recognised", n)
	}
	if r := results[1]; r.Status != pipeline.StatusFailed || !strings.Contains(r.Err.Error(), "tesseract") {
		t.Errorf("broken PNG: %s %v", r.Status, r.Err)
	}
}

// BenchmarkOCR recognises the scanned seed pages through cqcmine (the
// pipeline with 2 workers on the image-only PDFs) and with Tesseract's
// own CLI on the same page images (2 at a time, the same settings), in
// the same run, and reports pages/s of each and their ratio.
//
//	go test ./pipeline -run '^$' -bench OCR -benchtime 1x
func BenchmarkOCR(b *testing.B) {
	needOCRTools(b)
	_, pdfs := ocrSeeds(b)
	scanDir, jpgDir := b.TempDir(), b.TempDir()
	var scans, jpgs []string
	for _, set := range pdfs {
		for _, src := range set {
			dst := filepath.Join(scanDir, fmt.Sprintf("%d-%s", len(scans), filepath.Base(src)))
			jpgs = append(jpgs, scan(b, src, dst, jpgDir)...)
			scans = append(scans, dst)
		}
	}
	tess, _ := exec.LookPath("tesseract")
	cli := func() {
		jobs := make(chan string)
		var wg sync.WaitGroup
		for w := 0; w < 2; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range jobs {
					cmd := exec.Command(tess, j, "stdout", "-l", "eng", "--dpi", strconv.Itoa(scanDPI), "tsv")
					cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
					var out bytes.Buffer
					cmd.Stdout = &out
					if err := cmd.Run(); err != nil {
						b.Error(err)
					}
				}
			}()
		}
		for _, j := range jpgs {
			jobs <- j
		}
		close(jobs)
		wg.Wait()
	}
	var ours, theirs time.Duration
	pred := filepath.Join(b.TempDir(), "f.jsonl")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Alternate which goes first, so that neither always meets the
		// machine's load first.
		t0 := time.Now()
		if i%2 == 0 {
			cli()
			t1 := time.Now()
			checkOK(b, runOCR(b, scans, pred))
			ours += time.Since(t1)
			theirs += t1.Sub(t0)
		} else {
			checkOK(b, runOCR(b, scans, pred))
			t1 := time.Now()
			cli()
			theirs += time.Since(t1)
			ours += t1.Sub(t0)
		}
	}
	b.StopTimer()
	n := float64(len(jpgs) * b.N)
	op, tp := n/ours.Seconds(), n/theirs.Seconds()
	b.ReportMetric(op, "pages/s")
	b.ReportMetric(tp, "tesseract-pages/s")
	b.ReportMetric(op/tp, "ratio")
	b.Logf("%d pages: cqcmine %.3f pages/s, tesseract CLI %.3f pages/s, ratio %.2f", len(jpgs), op, tp, op/tp)
}

func checkOK(tb testing.TB, results []*pipeline.Result) {
	tb.Helper()
	for _, r := range results {
		if r.Status != pipeline.StatusOK {
			tb.Errorf("%s: %s %v", r.Input.Path, r.Status, r.Err)
		}
	}
}

// TestMixedScan: a report whose last page is a scanned letter gets OCR
// for that page only; --ocr off leaves it empty and --ocr force
// recognises every page (the born-digital ones rendered with pdftoppm).
func TestMixedScan(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR takes seconds a page")
	}
	needOCRTools(t)
	_, pdfs := ocrSeeds(t)
	dir := t.TempDir()
	jpgs := scan(t, pdfs[0][0], filepath.Join(dir, "scan.pdf"), dir)

	pdf := fpdf.New("P", "pt", "A4", "")
	pdf.SetFont("Helvetica", "", 12)
	body := []string{
		"Brackenford General Hospital. Are services safe? Requires improvement. The trust must ensure that staff complete mandatory training.",
		"Northvale NHS Foundation Trust: are services caring? Good. The trust should review how it records seclusion.",
	}
	for _, text := range body {
		pdf.AddPage()
		pdf.SetXY(72, 72)
		pdf.MultiCell(450, 16, text, "", "L", false)
	}
	pdf.AddPage()
	w, h := pdf.GetPageSize()
	pdf.ImageOptions(jpgs[0], 0, 0, w, h, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")
	mixed := filepath.Join(dir, "mixed.pdf")
	if err := pdf.OutputFileAndClose(mixed); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(mixed)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		mode ocr.Mode
		want []bool // OCR per page
	}{
		{ocr.ModeAuto, []bool{false, false, true}},
		{ocr.ModeOff, []bool{false, false, false}},
		{ocr.ModeForce, []bool{true, true, true}},
	} {
		t.Run(string(tc.mode), func(t *testing.T) {
			c, err := pipeline.ExtractorsOCR(tc.mode)[extract.FormatPDF].Extract(context.Background(), data, extract.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Pages) != 3 {
				t.Fatalf("%d pages", len(c.Pages))
			}
			for i, p := range c.Pages {
				if p.OCR != tc.want[i] {
					t.Errorf("page %d: OCR %v, want %v", i+1, p.OCR, tc.want[i])
				}
				if i < 2 {
					if f1 := wordF1(ocrWords(p.Text), ocrWords(body[i])); f1 < 0.95 {
						t.Errorf("page %d: word F1 %.3f: %q", i+1, f1, p.Text)
					}
				}
			}
			if n := len(ocrWords(c.Pages[2].Text)); tc.want[2] != (n > 100) {
				t.Errorf("page 3: %d words", n)
			}
		})
	}
}
