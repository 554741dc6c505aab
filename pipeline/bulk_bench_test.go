package pipeline_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/cqcmine/cqcmine/corpus"
	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/extract/pdf"
	"github.com/cqcmine/cqcmine/internal/hostile"
	"github.com/cqcmine/cqcmine/internal/shared"
	"github.com/cqcmine/cqcmine/pipeline"
)

var bulkDir = flag.String("bulk-dir", "", "run BenchmarkBulk on the files of this folder instead of a synthetic corpus")

var bulkKeep = flag.String("bulk-keep", "", "write BenchmarkBulk's synthetic corpus into this folder and keep it (to time cqcmine extract on it)")

var bulkDocs = flag.Int("bulk-docs", envInt("CQCMINE_BULK_DOCS", 300),
	"documents in BenchmarkBulk's synthetic corpus (env CQCMINE_BULK_DOCS)")

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// Words for the synthetic corpus.
var (
	synProviders = []string{"Northmoor Valley NHS Trust", "Riverside Community Services", "Eastbrook Hospital",
		"Westgate Care Home", "Kingsford Mental Health Partnership", "Ashdown Ambulance Service"}
	synServices = []string{"the emergency department", "maternity services", "Beech Ward", "the children's unit",
		"community nursing", "the surgical assessment unit", "outpatients", "end of life care"}
	synDomains = []string{"safe", "effective", "caring", "responsive", "well-led"}
	synRatings = []string{"outstanding", "good", "requires improvement", "inadequate"}
	synActions = []string{"ligature risk assessments are completed and reviewed", "staff receive mandatory safeguarding training",
		"medicines are stored at the right temperature", "patient records are accurate and complete",
		"there are enough suitably qualified nurses on every shift", "equipment is cleaned between patients"}
	synRegs   = []string{"12", "13", "15", "17", "18"}
	synQuotes = []string{"The staff were kind and always had time for me.", "Nobody told us what was happening.",
		"The nurses treated my mother with dignity.", "We waited nine hours to be seen."}
	synFiller = []string{"Inspectors visited the service over three days and spoke with patients, relatives and staff.",
		"Leaders were visible and approachable, and staff said they felt supported.",
		"Waiting times in the department were longer than the national standard.",
		"The service had systems to learn from incidents, but actions were not always completed.",
		"Staff understood their responsibilities under the Mental Capacity Act.",
		"Governance processes did not always identify risks to patients in a timely way."}
)

// synParagraphs returns the paragraphs of one synthetic document. As in
// real inspection reports, most paragraphs are narrative and about one in
// seven states a rating, an action or a quote.
func synParagraphs(r *rand.Rand, i, n int) []string {
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	prov := pick(synProviders)
	ps := []string{fmt.Sprintf("%s: inspection report %d", prov, i)}
	for range n {
		kind := 4
		if r.IntN(7) == 0 {
			kind = r.IntN(4)
		}
		switch kind {
		case 0:
			ps = append(ps, fmt.Sprintf("We rated %s as %s for %s.", pick(synServices), pick(synRatings), pick(synDomains)))
		case 1:
			ps = append(ps, fmt.Sprintf("The trust must ensure that %s in %s (Regulation %s).", pick(synActions), pick(synServices), pick(synRegs)))
		case 2:
			ps = append(ps, fmt.Sprintf("The trust should ensure that %s.", pick(synActions)))
		case 3:
			ps = append(ps, fmt.Sprintf("One patient told us: \"%s\"", pick(synQuotes)))
		default:
			p := pick(synFiller)
			for range 1 + r.IntN(3) {
				p += " " + pick(synFiller)
			}
			ps = append(ps, p)
		}
	}
	ps = append(ps, fmt.Sprintf("Reference %d-%08x.", i, r.Uint32()))
	return ps
}

func synPDF(ps []string) ([]byte, error) {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetFont("Helvetica", "", 11)
	f.AddPage()
	for j, p := range ps {
		if j > 0 && j%18 == 0 {
			f.AddPage()
		}
		f.MultiCell(0, 5.5, p, "", "L", false)
		f.Ln(2)
	}
	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func synHTML(ps []string) []byte {
	var b strings.Builder
	b.WriteString("<!doctype html><html><head><title>" + html.EscapeString(ps[0]) + "</title></head><body><main>\n")
	b.WriteString("<h1>" + html.EscapeString(ps[0]) + "</h1>\n")
	for _, p := range ps[1:] {
		b.WriteString("<p>" + html.EscapeString(p) + "</p>\n")
	}
	b.WriteString("</main></body></html>\n")
	return []byte(b.String())
}

func synDOCX(ps []string) ([]byte, error) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
	}
	var doc strings.Builder
	doc.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	for _, p := range ps {
		doc.WriteString("<w:p><w:r><w:t xml:space=\"preserve\">" + html.EscapeString(p) + "</w:t></w:r></w:p>")
	}
	doc.WriteString("</w:body></w:document>")
	parts = append(parts, struct{ name, body string }{"word/document.xml", doc.String()})
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(w, p.body); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// bulkCorpus writes n documents into dir: text, HTML, DOCX and PDF in
// turn, every fiftieth one a hostile file (2%). It returns the expected
// status of each file, by path.
func bulkCorpus(tb testing.TB, dir string, n int) map[string]string {
	tb.Helper()
	var broken []hostile.Case
	for _, c := range hostile.Cases() {
		if _, ok := c.Bytes(); ok {
			broken = append(broken, c)
		}
	}
	r := rand.New(rand.NewPCG(7, uint64(n)))
	want := make(map[string]string, n)
	for i := range n {
		var name string
		var data []byte
		var err error
		st := hostile.OK
		if i%50 == 49 {
			c := broken[(i/50)%len(broken)]
			data, _ = c.Bytes()
			name = fmt.Sprintf("doc%05d-%s", i, strings.ReplaceAll(c.Name, "/", "-"))
			st = c.Want
		} else {
			ps := synParagraphs(r, i, 12+r.IntN(150)) // PDFs of 1 to 10 pages
			switch i % 4 {
			case 0:
				name, data = fmt.Sprintf("doc%05d.txt", i), []byte(strings.Join(ps, "\n\n")+"\n")
			case 1:
				name, data = fmt.Sprintf("doc%05d.html", i), synHTML(ps)
			case 2:
				name = fmt.Sprintf("doc%05d.docx", i)
				data, err = synDOCX(ps)
			case 3:
				name = fmt.Sprintf("doc%05d.pdf", i)
				data, err = synPDF(ps)
			}
		}
		if err != nil {
			tb.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			tb.Fatal(err)
		}
		want[p] = st
	}
	return want
}

// tally is a sink that counts results and checks their order.
type tally struct {
	n      int
	inputs []corpus.Item
	want   map[string]string
	err    error
}

func (t *tally) Put(_ context.Context, r *pipeline.Result) error {
	if t.n >= len(t.inputs) || r.Input.Path != t.inputs[t.n].Path {
		return fmt.Errorf("result %d for %s out of order", t.n, r.Input.Path)
	}
	t.n++
	if t.want == nil {
		return nil // a real folder: no expected statuses
	}
	w := t.want[r.Input.Path]
	got := string(r.Status)
	// Copies of a hostile file that is read are skipped as duplicates.
	dup := r.Status == pipeline.StatusSkipped && errors.Is(r.Err, pipeline.ErrDuplicate) && w == hostile.OK
	if got != w && !dup && t.err == nil {
		t.err = fmt.Errorf("%s: status %s (%v), want %s", r.Input.Path, got, r.Err, w)
	}
	return nil
}

// BenchmarkBulk runs the real extractors and tagger over a synthetic
// mixed corpus with 2% hostile files, writing JSONL to io.Discard. Every
// document must be accounted for with its expected status. Set the size
// with -bulk-docs or CQCMINE_BULK_DOCS (default 300).
func BenchmarkBulk(b *testing.B) {
	n := *bulkDocs
	dir, want := *bulkDir, map[string]string(nil)
	if dir == "" {
		dir = *bulkKeep
		if dir == "" {
			dir = b.TempDir()
		} else if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		want = bulkCorpus(b, dir, n)
	}
	inputs, err := corpus.Walk(context.Background(), []string{dir})
	if err != nil {
		b.Fatal(err)
	}
	if want == nil {
		n = len(inputs)
	}
	if len(inputs) != n {
		b.Fatalf("walk found %d files, want %d", len(inputs), n)
	}
	cfg := bulkConfig(b)
	cfg.Workers = 0                                      // one per CPU
	restoreGC := pipeline.TuneGC(pipeline.BulkHeapLimit) // as cqcmine extract does
	defer restoreGC()
	var pages, findings int
	var elapsed, cpu time.Duration
	b.ResetTimer()
	for range b.N {
		jsonl := pipeline.NewJSONLSink(io.Discard)
		t := &tally{inputs: inputs, want: want}
		cpu0 := cpuTime()
		rep, err := pipeline.Run(context.Background(), cfg, inputs, jsonl, t)
		cpu += cpuTime() - cpu0
		if err != nil {
			b.Fatal(err)
		}
		if err := jsonl.Flush(); err != nil {
			b.Fatal(err)
		}
		if t.err != nil {
			b.Fatal(t.err)
		}
		if t.n != n || rep.Done != n || rep.OK+rep.Failed+rep.NeedsOCR+rep.Skipped != n {
			b.Fatalf("%d of %d documents accounted for (report: %+v)", t.n, n, rep)
		}
		pages += rep.Pages
		findings += rep.Findings
		elapsed += rep.Elapsed
		b.Logf("%d docs: %d ok, %d failed, %d needs-ocr, %d skipped; %d pages, %d findings in %s",
			n, rep.OK, rep.Failed, rep.NeedsOCR, rep.Skipped, rep.Pages, rep.Findings, rep.Elapsed.Round(time.Millisecond))
	}
	b.StopTimer()
	s := elapsed.Seconds()
	b.ReportMetric(float64(n*b.N)/s, "docs/s")
	b.ReportMetric(float64(pages)/s, "pages/s")
	b.ReportMetric(float64(findings)/s, "findings/s")
	if cpu > 0 {
		// Throughput per CPU-second does not depend on how busy the
		// machine is with other work.
		b.ReportMetric(float64(pages)/cpu.Seconds(), "pages/cpu-s")
	}
	b.ReportMetric(float64(peakRSS(b))/(1<<20), "peak-RSS-MiB")

	// The extraction alone, on the same inputs with as many workers: the
	// bulk path (reading, tagging, ordering, writing) should keep within
	// 10% of its pages per second.
	xs, xPages := extractOnly(b, cfg, inputs)
	b.ReportMetric(float64(xPages)/xs, "extract-only-pages/s")
	b.ReportMetric((float64(pages)/s)/(float64(xPages)/xs), "bulk/extract")

	// The extraction benchmark itself (extract/pdf BenchmarkRealPDFs: the
	// real PDFs held in memory, two workers, nothing but the PDF
	// extractor), run here too, as machines this small are noisy.
	if dir, err := shared.Path("pdfs/real"); err == nil {
		restoreGC() // and with the collector's defaults, as there
		ref := realPDFPagesPerSecond(b, dir)
		b.ReportMetric(ref, "extraction-bench-pages/s")
		b.ReportMetric((float64(pages)/s)/ref, "bulk/extraction-bench")
	}
}

// realPDFPagesPerSecond extracts every file of dir, held in memory, with
// two workers, as the extraction benchmark does, and returns its pages per
// second.
func realPDFPagesPerSecond(b *testing.B, dir string) float64 {
	b.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no PDFs in %s: %v", dir, err)
	}
	data := make(chan []byte, len(files))
	for _, f := range files {
		if strings.HasSuffix(f, ".tsv") {
			continue
		}
		d, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		data <- d
	}
	close(data)
	var mu sync.Mutex
	pages := 0
	var wg sync.WaitGroup
	start := time.Now()
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range data {
				c, err := pdf.Extractor{KeepFurniture: true}.Extract(context.Background(), d, extract.DefaultLimits)
				n := 0
				if c != nil {
					n = len(c.Pages)
				} else if e, ok := err.(*extract.NeedsOCRError); ok {
					n = e.Pages
				}
				mu.Lock()
				pages += n
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return float64(pages) / time.Since(start).Seconds()
}

// extractOnly runs only the extractors over inputs, one goroutine per
// CPU, and returns the seconds taken and the pages extracted.
func extractOnly(b *testing.B, cfg pipeline.Config, inputs []corpus.Item) (float64, int) {
	b.Helper()
	lim := cfg.Limits
	if lim.Timeout == 0 {
		lim = extract.DefaultLimits
	}
	work := make(chan corpus.Item)
	var mu sync.Mutex
	pages := 0
	var wg sync.WaitGroup
	start := time.Now()
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range work {
				data, err := it.ReadAll(lim.MaxBytes)
				if err != nil {
					continue
				}
				ex := cfg.Extractors[corpus.Detect(data)]
				if ex == nil {
					continue
				}
				ctx, cancel := context.WithTimeout(context.Background(), lim.Timeout)
				c, err := ex.Extract(ctx, data, lim)
				cancel()
				if err == nil {
					mu.Lock()
					pages += len(c.Pages)
					mu.Unlock()
				}
			}
		}()
	}
	for _, it := range inputs {
		work <- it
	}
	close(work)
	wg.Wait()
	return time.Since(start).Seconds(), pages
}
