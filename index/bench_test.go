package index

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cqcmine/cqcmine/extract"
)

// The benchmarks run on a generated corpus; the full size is
// -index.docs=10000 (200,000 findings).
var (
	benchDocs     = flag.Int("index.docs", envInt("CQCMINE_BENCH_DOCS", 300), "documents in the generated benchmark corpus")
	benchPages    = flag.Int("index.pages", 16, "pages per generated document")
	benchFindings = flag.Int("index.findings", 20, "findings per generated document")
	benchQueries  = flag.Int("index.queries", 500, "timed queries per search benchmark")
	benchBatch    = flag.Int("index.batch", DefaultBatchDocs, "documents per committed batch")
	benchDir      = flag.String("index.dir", "", "BenchmarkSearch: index directory to reuse, built there when absent (default: a temporary one)")
)

// openChildEnv names the index directory a re-executed test binary opens
// to time a fresh process's open and first query.
const openChildEnv = "CQCMINE_BENCH_OPEN_CHILD"

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// gen makes a deterministic CQC-like corpus: Zipf-distributed words from a
// small report vocabulary plus made-up words, pages of about 3 KB.
type gen struct {
	r     *rand.Rand
	zipf  *rand.Zipf
	vocab []string
}

var benchWords = strings.Fields(`the and of to in was were staff patients care trust ward service safe
effective caring responsive well-led good outstanding inadequate requires improvement must should
ensure medicines training records risk assessment safeguarding infection control hand hygiene
leaders governance incidents complaints learning culture discharge emergency urgent surgery maternity
children young people mental health community outpatients diagnostic imaging critical end life
nurses doctors midwives consultants managers board audit policy procedure equipment cleaning
privacy dignity kindness compassion respect consent capacity deprivation liberty restraint
observation escalation sepsis deteriorating falls pressure ulcers nutrition hydration pain
staffing levels vacancies agency bank rota appraisal supervision mandatory competency
we found that not always did had been there are this for with on at by from as be have it not
inspection report regulation breach notice warning action plan improve improved declined
waiting times access flow beds capacity theatre recovery pharmacy storage temperature fridge`)

func newGen(seed uint64) *gen {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	g := &gen{r: r}
	g.vocab = append(g.vocab, benchWords...)
	syll := []string{"ba", "ce", "di", "fo", "gu", "ha", "je", "ki", "lo", "mu", "na", "pe", "ri", "so", "tu", "ve", "wy", "xo", "za", "th", "st", "ar", "en", "or"}
	for len(g.vocab) < 20000 {
		n := 2 + r.IntN(3)
		var b strings.Builder
		for range n {
			b.WriteString(syll[r.IntN(len(syll))])
		}
		g.vocab = append(g.vocab, b.String())
	}
	g.zipf = rand.NewZipf(r, 1.1, 2, uint64(len(g.vocab)-1))
	return g
}

func (g *gen) sentence() string {
	n := 8 + g.r.IntN(18)
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		w := g.vocab[g.zipf.Uint64()]
		if i == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		b.WriteString(w)
	}
	b.WriteByte('.')
	return b.String()
}

var (
	benchSubjects = []string{"Urgent and emergency care", "Medical care", "Surgery", "Critical care", "Maternity",
		"Services for children and young people", "End of life care", "Outpatients", "Diagnostic imaging",
		"Community health services", "Mental health", "Care home", "GP practice", "Dental", "Ambulance", "Overall"}
	benchThemes   = []string{"medicines", "staffing", "infection control", "safeguarding", "governance", "training", "records", "equipment", "leadership", "culture", "dignity", "access", "nutrition", "falls", "consent"}
	benchDocTypes = []string{"nhs-trust", "care-home", "gp", "independent-hospital", "mental-health"}
	benchRatings  = []string{extract.RatingOutstanding, extract.RatingGood, extract.RatingRequiresImp, extract.RatingInadequate}
	benchSpeakers = []string{extract.SpeakerCQC, extract.SpeakerTrust, extract.SpeakerPatient, extract.SpeakerOther}
)

func benchProvider(i int) string { return fmt.Sprintf("Provider %04d NHS Trust", i) }

// doc makes document i with its findings; the findings quote sentences of
// its pages with their offsets.
func (g *gen) doc(i, pages, nFindings int) (*extract.Document, []extract.Finding) {
	id := fmt.Sprintf("%064x", uint64(i)*0x9e3779b97f4a7c15)
	path := fmt.Sprintf("reports/%05d.pdf", i)
	providers := max(1, *benchDocs/7)
	provider := benchProvider(g.r.IntN(providers))
	doc := &extract.Document{Path: path, ID: id, Format: extract.FormatPDF}
	type sent struct{ page, start, end int }
	var sents []sent
	for p := 1; p <= pages; p++ {
		var b strings.Builder
		for b.Len() < 3000 {
			if b.Len() > 0 {
				b.WriteString(" ")
				if g.r.IntN(6) == 0 {
					b.WriteString("\n")
				}
			}
			s := g.sentence()
			sents = append(sents, sent{p, b.Len(), b.Len() + len(s)})
			b.WriteString(s)
		}
		doc.Pages = append(doc.Pages, extract.Page{Number: p, Text: b.String()})
	}
	year := 2014 + g.r.IntN(12)
	published := fmt.Sprintf("%d-%02d-%02d", year, 1+g.r.IntN(12), 1+g.r.IntN(28))
	finds := []extract.Finding{{Doc: path, DocID: id, Kind: extract.KindDocument, Text: "Inspection report " + provider,
		Title: "Inspection report " + provider, Provider: provider, DocType: benchDocTypes[g.r.IntN(len(benchDocTypes))],
		Published: published, Pages: pages}}
	subject := benchSubjects[g.r.IntN(len(benchSubjects))]
	for j := 1; j < nFindings; j++ {
		s := sents[g.r.IntN(len(sents))]
		text := doc.Pages[s.page-1].Text[s.start:s.end]
		f := extract.Finding{Doc: path, DocID: id, Text: text, Page: s.page, Start: s.start, End: s.end, Provider: provider}
		switch k := j % 5; {
		case j <= 6:
			f.Kind = extract.KindRating
			f.Subject = subject
			f.Domain = extract.Domains[(j-1)%len(extract.Domains)]
			f.Rating = benchRatings[g.r.IntN(len(benchRatings))]
			if g.r.IntN(3) > 0 {
				f.Previous = benchRatings[g.r.IntN(len(benchRatings))]
			}
		case k == 0:
			f.Kind = extract.KindMustDo
			f.Regulation = fmt.Sprintf("Regulation %d", 9+g.r.IntN(12))
		case k == 1:
			f.Kind = extract.KindShouldDo
		case k == 2:
			f.Kind = extract.KindUndertaking
		default:
			f.Kind = extract.KindQuote
			f.Speaker = benchSpeakers[g.r.IntN(len(benchSpeakers))]
		}
		if g.r.IntN(2) == 0 {
			f.Themes = []string{benchThemes[g.r.IntN(len(benchThemes))]}
		}
		finds = append(finds, f)
	}
	return doc, finds
}

// buildStats describes one build of the benchmark index.
type buildStats struct {
	docs, findings int
	textBytes      int64
	took           time.Duration
	cpu            time.Duration // user and system time of the process
	peakMiB        float64       // the process's peak resident memory while indexing
}

func (st buildStats) String() string {
	s := st.took.Seconds()
	return fmt.Sprintf("%d docs, %d findings, %.0f MB text in %.1fs: %.1f docs/s, %.0f findings/s, %.2f MB/s, %.2f cores busy, %.1f cpu-ms/doc, peak RSS %.0f MiB",
		st.docs, st.findings, float64(st.textBytes)/1e6, s, float64(st.docs)/s, float64(st.findings)/s,
		float64(st.textBytes)/s/1e6, st.cpu.Seconds()/s, float64(st.cpu.Milliseconds())/float64(st.docs), st.peakMiB)
}

// buildBenchIndex indexes the generated corpus into dir.
func buildBenchIndex(tb testing.TB, dir string) buildStats {
	resetPeakRSS()
	cpu0 := cpuTime()
	start := time.Now()
	ix, err := Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	ix.SetBatchSize(*benchBatch, 0)
	ctx := context.Background()
	// The corpus is generated in its own goroutine, as the pipeline's
	// workers extract documents while the index takes earlier ones.
	type genDoc struct {
		doc   *extract.Document
		finds []extract.Finding
	}
	docs := make(chan genDoc, 16)
	go func() {
		defer close(docs)
		g := newGen(1)
		for i := range *benchDocs {
			doc, finds := g.doc(i, *benchPages, *benchFindings)
			docs <- genDoc{doc, finds}
		}
	}()
	var st buildStats
	for gd := range docs {
		doc, finds := gd.doc, gd.finds
		for _, p := range doc.Pages {
			st.textBytes += int64(len(p.Text))
		}
		if err := ix.Add(ctx, doc, finds); err != nil {
			for range docs { // let the generator finish
			}
			tb.Fatal(err)
		}
		st.docs++
		st.findings += len(finds)
	}
	if err := ix.Close(); err != nil {
		tb.Fatal(err)
	}
	st.took = time.Since(start)
	st.cpu = cpuTime() - cpu0
	st.peakMiB = peakRSS()
	return st
}

// cpuTime is the user and system time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetPeakRSS restarts the kernel's peak-resident-memory count (Linux),
// so that peakRSS reports the indexing alone.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

func dirSize(tb testing.TB, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			n += info.Size()
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// peakRSS returns the process's peak resident memory in MiB (Linux), or 0.
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

func BenchmarkIndex(b *testing.B) {
	var all buildStats
	var size int64
	for i := 0; b.Loop(); i++ {
		dir := filepath.Join(b.TempDir(), strconv.Itoa(i))
		st := buildBenchIndex(b, dir)
		b.Log(st)
		all.docs, all.findings, all.textBytes = all.docs+st.docs, all.findings+st.findings, all.textBytes+st.textBytes
		all.took, all.cpu = all.took+st.took, all.cpu+st.cpu
		all.peakMiB = max(all.peakMiB, st.peakMiB)
		size += dirSize(b, dir)
	}
	s := all.took.Seconds()
	b.ReportMetric(float64(all.docs)/s, "docs/s")
	b.ReportMetric(float64(all.findings)/s, "findings/s")
	b.ReportMetric(float64(all.textBytes)/s/1e6, "MB/s")
	b.ReportMetric(float64(size)/float64(all.textBytes), "index/text")
	b.ReportMetric(all.peakMiB, "peak-RSS-MiB")
	b.ReportMetric(float64(all.cpu.Milliseconds())/float64(all.docs), "cpu-ms/doc")
}

// TestOpenChild is the child process of BenchmarkSearch's fresh-process
// measure: with openChildEnv set, it opens that index, answers one faceted
// full-text query and prints the time taken. Without it, it does nothing.
func TestOpenChild(t *testing.T) {
	dir := os.Getenv(openChildEnv)
	if dir == "" {
		t.Skip("run by BenchmarkSearch")
	}
	start := time.Now()
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	opened := time.Since(start)
	res, err := ix.Search(context.Background(), Query{Text: "medicines", Facets: true})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("open+first-ms %.3f open-ms %.3f hits %d\n", float64(time.Since(start))/1e6, float64(opened)/1e6, res.Total)
}

// freshOpen re-executes the test binary to open dir and answer a first
// query in a new process; it returns the child's own measure and the
// whole run's wall time.
func freshOpen(b *testing.B, dir string) (openFirst, wall float64) {
	start := time.Now()
	cmd := exec.Command(os.Args[0], "-test.run=^TestOpenChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), openChildEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	wall = float64(time.Since(start)) / 1e6
	if err != nil {
		b.Fatalf("fresh open: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "open+first-ms" {
			openFirst, _ = strconv.ParseFloat(f[1], 64)
			return openFirst, wall
		}
	}
	b.Fatalf("fresh open: no measure in\n%s", out)
	return 0, 0
}

// benchQuery makes query i of a varied set.
func benchQuery(r *rand.Rand, g *gen, kind string) Query {
	word := func() string { return g.vocab[2+r.IntN(300)] }
	var q Query
	switch kind {
	case "text", "default":
		q.Text = word()
		if r.IntN(2) == 0 {
			q.Text += " " + word()
		}
		q.Facets = true
		q.FacetSize = 10
		if kind == "text" {
			q.Scope = ScopeFindings
		}
	case "filter":
		q.Kinds = []string{string(extract.Kinds[1+r.IntN(len(extract.Kinds)-1)])}
		q.Domains = []string{extract.Domains[r.IntN(len(extract.Domains))]}
		if r.IntN(2) == 0 {
			q.Kinds = []string{string(extract.KindRating)}
			q.Ratings = []string{benchRatings[r.IntN(len(benchRatings))]}
			q.Domains = nil
		}
		q.Facets = true
	case "plain":
		q.Text = word()
	case "pages":
		q.Text = word() + " " + word()
		q.Scope = ScopePages
	case "phrase":
		q.Text = `"` + word() + " " + word() + `"`
		q.Scope = ScopePages
	}
	q.Limit = 10
	return q
}

// benchText returns the bytes of page text of the generated corpus,
// counted once and kept beside the index directory: at 100,000 documents
// counting takes minutes.
func benchText(dir string) int64 {
	keep := filepath.Clean(dir) + ".text"
	key := fmt.Sprintf("%d %d %d", *benchDocs, *benchPages, *benchFindings)
	if b, err := os.ReadFile(keep); err == nil {
		var k1, k2, k3 int
		var n int64
		if _, err := fmt.Sscan(string(b), &k1, &k2, &k3, &n); err == nil && fmt.Sprintf("%d %d %d", k1, k2, k3) == key {
			return n
		}
	}
	var text int64
	g := newGen(1)
	for i := range *benchDocs {
		doc, _ := g.doc(i, *benchPages, *benchFindings)
		for _, p := range doc.Pages {
			text += int64(len(p.Text))
		}
	}
	_ = os.WriteFile(keep, fmt.Appendf(nil, "%s %d\n", key, text), 0o600)
	return text
}

func BenchmarkSearch(b *testing.B) {
	dir := *benchDir
	if dir == "" {
		dir = filepath.Join(b.TempDir(), "idx")
	}
	if _, err := os.Stat(filepath.Join(dir, findingsDir)); err != nil {
		st := buildBenchIndex(b, dir)
		b.Logf("built: %v", st)
	}
	text := benchText(dir)
	size := dirSize(b, dir)
	b.Logf("index %d bytes, %.3f x the %d bytes of page text", size, float64(size)/float64(text), text)
	ctx := context.Background()

	// A fresh process opens the index and answers its first query.
	openFirst, openWall := freshOpen(b, dir)
	b.Logf("fresh process: open+first query %.1f ms, whole process %.1f ms", openFirst, openWall)

	ix, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()

	for _, kind := range []string{"text", "default", "filter", "plain", "pages", "phrase"} {
		b.Run(kind, func(b *testing.B) {
			g := newGen(1)
			r := rand.New(rand.NewPCG(2, uint64(len(kind))))
			queries := make([]Query, *benchQueries+50)
			for i := range queries {
				queries[i] = benchQuery(r, g, kind)
			}
			// Per timed query: its wall time, and the process's CPU time
			// while it ran, every thread counted.
			type timed struct {
				wall, cpu time.Duration
				text      string
			}
			var runs []timed
			var hits uint64
			var cpu time.Duration
			for b.Loop() {
				runs = runs[:0]
				hits = 0
				cpu = 0
				for i, q := range queries {
					if i == 50 {
						cpu = -cpuTime()
					}
					t, c := time.Now(), cpuTime()
					res, err := ix.Search(ctx, q)
					if err != nil {
						b.Fatal(err)
					}
					if i >= 50 { // after warm-up
						runs = append(runs, timed{time.Since(t), cpuTime() - c, q.Text})
						hits += res.Total
					}
				}
			}
			cpu += cpuTime()
			lat := make([]time.Duration, len(runs))
			cpus := make([]time.Duration, len(runs))
			for i, t := range runs {
				lat[i], cpus[i] = t.wall, t.cpu
			}
			slices.Sort(lat)
			slices.Sort(cpus)
			// The slowest queries: a wall time far above the CPU time is
			// time spent waiting, for the disk or for the machine.
			slices.SortFunc(runs, func(a, b timed) int { return cmp.Compare(b.wall, a.wall) })
			for _, t := range runs[:min(5, len(runs))] {
				b.Logf("slow: %q %.1f ms, CPU %.1f ms", t.text, float64(t.wall)/1e6, float64(t.cpu)/1e6)
			}
			ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
			// CPU time a query, all threads: steadier than latency on a
			// machine shared with other work.
			b.ReportMetric(ms(cpu)/float64(len(lat)), "cpu-ms/query")
			b.ReportMetric(ms(cpus[len(cpus)*99/100]), "cpu-p99-ms")
			b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
			b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
			b.ReportMetric(float64(hits)/float64(len(lat)), "hits/query")
			b.ReportMetric(openFirst, "open+first-ms")
			b.ReportMetric(float64(size)/float64(text), "index/text")
		})
	}
}
