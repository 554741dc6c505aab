package index

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
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
)

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

// buildBenchIndex indexes the generated corpus into dir and returns the
// documents, findings and bytes of page text indexed.
func buildBenchIndex(tb testing.TB, dir string) (docs, findings int, textBytes int64) {
	ix, err := Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	ix.SetBatchSize(*benchBatch, 0)
	ctx := context.Background()
	g := newGen(1)
	for i := range *benchDocs {
		doc, finds := g.doc(i, *benchPages, *benchFindings)
		for _, p := range doc.Pages {
			textBytes += int64(len(p.Text))
		}
		if err := ix.Add(ctx, doc, finds); err != nil {
			tb.Fatal(err)
		}
		docs++
		findings += len(finds)
	}
	if err := ix.Close(); err != nil {
		tb.Fatal(err)
	}
	return docs, findings, textBytes
}

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
	var docs, findings int
	var text, size int64
	var took time.Duration
	for i := 0; b.Loop(); i++ {
		dir := filepath.Join(b.TempDir(), strconv.Itoa(i))
		start := time.Now()
		d, f, t := buildBenchIndex(b, dir)
		took += time.Since(start)
		docs, findings, text = docs+d, findings+f, text+t
		size += dirSize(b, dir)
	}
	s := took.Seconds()
	b.ReportMetric(float64(docs)/s, "docs/s")
	b.ReportMetric(float64(findings)/s, "findings/s")
	b.ReportMetric(float64(text)/s/1e6, "MB/s")
	b.ReportMetric(float64(size)/float64(text), "index/text")
	b.ReportMetric(peakRSS(), "peak-RSS-MiB")
}

// benchQuery makes query i of a varied set.
func benchQuery(r *rand.Rand, g *gen, kind string) Query {
	word := func() string { return g.vocab[2+r.IntN(300)] }
	var q Query
	switch kind {
	case "text":
		q.Text = word()
		if r.IntN(2) == 0 {
			q.Text += " " + word()
		}
		q.Facets = true
		q.FacetSize = 10
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
	}
	q.Limit = 10
	return q
}

func BenchmarkSearch(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "idx")
	buildBenchIndex(b, dir)
	ctx := context.Background()

	// A fresh open and its first faceted query.
	start := time.Now()
	ix, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := ix.Search(ctx, Query{Text: "medicines", Facets: true}); err != nil {
		b.Fatal(err)
	}
	firstQuery := time.Since(start)
	defer ix.Close()

	for _, kind := range []string{"text", "filter", "plain", "pages"} {
		b.Run(kind, func(b *testing.B) {
			g := newGen(1)
			r := rand.New(rand.NewPCG(2, uint64(len(kind))))
			queries := make([]Query, *benchQueries+50)
			for i := range queries {
				queries[i] = benchQuery(r, g, kind)
			}
			var lat []time.Duration
			var hits uint64
			for b.Loop() {
				lat = lat[:0]
				hits = 0
				for i, q := range queries {
					t := time.Now()
					res, err := ix.Search(ctx, q)
					if err != nil {
						b.Fatal(err)
					}
					if i >= 50 { // after warm-up
						lat = append(lat, time.Since(t))
						hits += res.Total
					}
				}
			}
			slices.Sort(lat)
			ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
			b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
			b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
			b.ReportMetric(float64(hits)/float64(len(lat)), "hits/query")
			b.ReportMetric(ms(firstQuery), "open+first-ms")
		})
	}
}
