package tag

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/internal/golden"
)

// fixtureDoc reads a testdata text; form feeds in it separate numbered
// pages, as the PDF extractor makes them.
func fixtureDoc(t testing.TB, path string) *extract.Document {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	name := filepath.Base(path)
	if !strings.Contains(text, "\f") {
		return textDoc(name, text)
	}
	d := &extract.Document{Path: name, ID: "x", Format: extract.FormatPDF, Size: int64(len(b))}
	for i, p := range strings.Split(text, "\f") {
		d.Pages = append(d.Pages, extract.Page{Number: i + 1, Text: p})
	}
	return d
}

// checkOffsets fails when a finding's offsets fall outside its page, or
// when an action's or quote's text is not the evidence its offsets show.
func checkOffsets(t *testing.T, d *extract.Document, fs []extract.Finding) {
	t.Helper()
	pages := map[int]string{}
	for _, p := range d.Pages {
		pages[p.Number] = p.Text
	}
	for _, f := range fs {
		if f.Kind == extract.KindDocument {
			continue
		}
		text, ok := pages[f.Page]
		if !ok {
			t.Errorf("%s finding on page %d, which the document does not have", f.Kind, f.Page)
			continue
		}
		if f.Start < 0 || f.Start > f.End || f.End > len(text) {
			t.Errorf("%s %q: offsets %d..%d outside page of %d bytes", f.Kind, f.Text, f.Start, f.End, len(text))
			continue
		}
		if f.Kind == extract.KindDocument {
			continue
		}
		ev := clean(text[f.Start:f.End])
		if f.Kind == extract.KindRating {
			continue // evidence is the sentence, text too
		}
		if !strings.HasPrefix(f.Text, ev) {
			t.Errorf("%s: text %q is not the evidence at %d..%d: %q", f.Kind, f.Text, f.Start, f.End, ev)
		}
	}
}

// TestGolden tags each testdata/*.txt and compares the findings with
// testdata/NAME.jsonl.
func TestGolden(t *testing.T) {
	tg := testTagger(t)
	names, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, n := range names {
		t.Run(filepath.Base(n), func(t *testing.T) {
			d := fixtureDoc(t, n)
			fs := tg.Tag(context.Background(), d)
			checkOffsets(t, d, fs)
			var got bytes.Buffer
			for _, f := range fs {
				b, err := json.Marshal(f)
				if err != nil {
					t.Fatal(err)
				}
				got.Write(b)
				got.WriteByte('\n')
			}
			goldenPath := strings.TrimSuffix(n, ".txt") + ".jsonl"
			if golden.Updating() {
				if err := os.WriteFile(goldenPath, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatalf("%v (run go test -update to write it)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				gl := strings.Split(got.String(), "\n")
				wl := strings.Split(string(want), "\n")
				for i := 0; i < len(gl) || i < len(wl); i++ {
					var g, w string
					if i < len(gl) {
						g = gl[i]
					}
					if i < len(wl) {
						w = wl[i]
					}
					if g != w {
						t.Errorf("line %d:\n got: %s\nwant: %s", i+1, g, w)
					}
				}
			}
		})
	}
}

func TestTagKindsAndOrder(t *testing.T) {
	tg := testTagger(t)
	d := fixtureDoc(t, filepath.Join("testdata", "inspection_report.txt"))
	fs := tg.Tag(context.Background(), d)
	if len(fs) == 0 || fs[0].Kind != extract.KindDocument {
		t.Fatalf("first finding is not the document finding: %+v", fs)
	}
	doc := fs[0]
	if doc.Provider != "Northfield and Eastmoor NHS Foundation Trust" || doc.DocType != "inspection report" ||
		doc.Published != "2025-06-12" || doc.InspectedFrom != "2025-03-03" || doc.InspectedTo != "2025-03-05" || doc.ODSCode != "RZ9" {
		t.Errorf("document finding: %+v", doc)
	}
	kinds := map[extract.Kind]int{}
	last := -1
	for _, f := range fs[1:] {
		kinds[f.Kind]++
		if f.Start < last {
			t.Errorf("findings out of document order at %q", f.Text)
		}
		last = f.Start
		if f.Provider != doc.Provider {
			t.Errorf("%s finding without the provider: %+v", f.Kind, f)
		}
	}
	for _, k := range []extract.Kind{extract.KindRating, extract.KindMustDo, extract.KindShouldDo, extract.KindQuote} {
		if kinds[k] == 0 {
			t.Errorf("no %s findings", k)
		}
	}
}

func TestPagedOffsets(t *testing.T) {
	tg := testTagger(t)
	d := fixtureDoc(t, filepath.Join("testdata", "two_pages.txt"))
	if len(d.Pages) != 2 {
		t.Fatalf("fixture has %d pages, want 2", len(d.Pages))
	}
	fs := tg.Tag(context.Background(), d)
	checkOffsets(t, d, fs)
	var quote *extract.Finding
	for i := range fs {
		if fs[i].Kind == extract.KindQuote {
			quote = &fs[i]
		}
	}
	if quote == nil {
		t.Fatal("the quote running over the page break was not found")
	}
	if quote.Page != 1 || !strings.HasSuffix(quote.Text, "wait a long time for help.") || quote.Speaker != extract.SpeakerOther {
		t.Errorf("quote over the page break: page %d speaker %s text %q", quote.Page, quote.Speaker, quote.Text)
	}
	var must *extract.Finding
	for i := range fs {
		if fs[i].Kind == extract.KindMustDo {
			must = &fs[i]
		}
	}
	if must == nil || must.Page != 2 || must.Regulation != "Regulation 9" {
		t.Errorf("must-do on page 2 with Regulation 9: %+v", must)
	}
}

func TestTagEmptyAndCancelled(t *testing.T) {
	tg := testTagger(t)
	if fs := tg.Tag(context.Background(), nil); fs != nil {
		t.Errorf("nil document: %v", fs)
	}
	fs := tg.Tag(context.Background(), &extract.Document{Path: "empty.txt"})
	if len(fs) != 1 || fs[0].Kind != extract.KindDocument {
		t.Errorf("empty document: %+v", fs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	fs = tg.Tag(ctx, fixtureDoc(t, filepath.Join("testdata", "inspection_report.txt")))
	if len(fs) == 0 || fs[0].Kind != extract.KindDocument {
		t.Errorf("cancelled: %+v", fs)
	}
}

// tagText tags one text and returns the findings of one kind.
func tagText(t *testing.T, text string, kind extract.Kind) []extract.Finding {
	t.Helper()
	var out []extract.Finding
	for _, f := range testTagger(t).Tag(context.Background(), textDoc("t.txt", text)) {
		if f.Kind == kind {
			out = append(out, f)
		}
	}
	return out
}

func TestRatingRules(t *testing.T) {
	cases := []struct {
		text string
		want []string // domain/rating/previous, sorted
	}{
		{"They rated our Trust as ‘good’ for caring, and as ‘requires improvement’ for responsive, effective, well led and safety.",
			[]string{"caring/good/", "effective/requires improvement/", "responsive/requires improvement/", "safe/requires improvement/", "well-led/requires improvement/"}},
		{"Retained the Good rating for Caring.", []string{"caring/good/good"}},
		{"The well-led domain has progressed from Inadequate to Requires Improvement.", []string{"well-led/requires improvement/inadequate"}},
		{"Our rating of this service went down. We rated it as inadequate because:", []string{"overall/inadequate/"}},
		{"Our rating of this service stayed the same. We rated it as good because:", []string{"overall/good/good"}},
		{"Are services safe? Requires improvement", []string{"safe/requires improvement/"}},
		{"Safe - Good\n\nWell-led - Inadequate", []string{"safe/good/", "well-led/inadequate/"}},
		{"Safe Effective Caring Responsive Well-led Overall\nGood Good Outstanding Requires improvement Good Good",
			[]string{"caring/outstanding/", "effective/good/", "overall/good/", "responsive/requires improvement/", "safe/good/", "well-led/good/"}},
		{"The CQC has again rated the trust as requires improvement for how well-led it is.", []string{"well-led/requires improvement/requires improvement"}},
		{"The trust was downgraded from good to requires improvement for being safe.", []string{"safe/requires improvement/good"}},
		{"The practice is rated good, having previously been rated requires improvement.", []string{"overall/good/requires improvement"}},
		{"Four core services were rated good (medical care, maternity and outpatients).", []string{"overall/good/", "overall/good/", "overall/good/"}},
		{"The CQC has rated Eastmoor Hospice as outstanding for the second time.", []string{"overall/outstanding/outstanding"}},
		{"Our community health inpatient services have been rated as outstanding, up from good.", []string{"overall/outstanding/good"}},
		{"Mental health crisis services and health-based places of safety: Good", []string{"overall/good/"}},
		{"We rated well-led at the trust as requires improvement.", []string{"well-led/requires improvement/"}},
		{"The trust has been rated ‘requires improvement’ overall, having been rated ‘good’ when it was last inspected in 2021.", []string{"overall/requires improvement/good"}},
		{"Our rating of safe stayed the same. We rated it as requires improvement.", []string{"safe/requires improvement/requires improvement"}},
		{"Our rating of well-led went down. We rated it as inadequate.", []string{"well-led/inadequate/"}},
		{"Safe | Good | Change since the previous inspection: same rating", []string{"safe/good/good"}},
		{"Core service | Rating 2024 | Rating 2021\nSurgery | Good | Requires improvement", []string{"overall/good/requires improvement"}},
		{"Safe Effective Caring Responsive Well-led Overall\nWard 4 Requires Good Not Good Inadequate Requires\nimprovement rated improvement\nJan 2025 Jan 2025 Jan 2025 Jan 2025 Jan 2025",
			[]string{"effective/good/", "overall/requires improvement/", "responsive/good/", "safe/requires improvement/", "well-led/inadequate/"}},
		// not ratings
		{"We rated one of the trust's eight core services as inadequate, three as requires improvement and four as good.", nil},
		{"We rate services as outstanding, good, requires improvement or inadequate.", nil},
		{"We have no services rated inadequate.", nil},
		{"Three of the practices have been rated as Outstanding.", nil},
		{"Inspectors found good practice and outstanding care in the ward.", nil},
		{"We are working towards an overall rating of Good.", nil},
		{"If we find that the service remains inadequate, we will take action.", nil},
		{"Staff gave good feedback about the training.", nil},
	}
	for _, c := range cases {
		var got []string
		for _, f := range tagText(t, c.text, extract.KindRating) {
			got = append(got, f.Domain+"/"+f.Rating+"/"+f.Previous)
		}
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%q:\n got %v\nwant %v", c.text, got, c.want)
		}
	}
}

func TestRatingSubjects(t *testing.T) {
	cases := []struct {
		text string
		want []string // subject/domain/rating, in order
	}{
		{"Maternity at Eastmoor Hospital went down two ratings to inadequate.", []string{"Maternity (Eastmoor Hospital)/overall/inadequate"}},
		{"Surgery at Eastmoor Hospital improved to ‘good’, and services for children and young people remained ‘good’, with caring again rated ‘outstanding’.",
			[]string{"Surgery (Eastmoor Hospital)/overall/good", "Services for children and young people/overall/good", "Services for children and young people/caring/outstanding"}},
		{"The outstanding rating for caring in our children's services is a tribute to the team.", []string{"Services for children and young people/caring/outstanding"}},
		{"In services for children and young people, staff involved families, and we rated caring there as outstanding.", []string{"Services for children and young people/caring/outstanding"}},
		{"Maternity\n\nEastmoor Hospital\n\nSummary of this service\nOur rating of this service went down. We rated it as inadequate because:\nIs the service safe? Inadequate\n\nOverall trust\nOur rating of this trust stayed the same. We rated it as good because:",
			[]string{"Maternity/overall/inadequate", "Maternity/safe/inadequate", "trust overall/overall/good"}},
		{"Acute wards for adults of working age and psychiatric\nintensive care units\n\nIs the service safe? Good",
			[]string{"Acute wards for adults of working age and psychiatric intensive care units/safe/good"}},
		{"Ratings for Eastmoor Hospital\nSafe Effective Caring Responsive Well-led Overall\nMaternity Good Good Good Good Good Good\nOverall* Good Good Good Good Good Good",
			[]string{"Maternity (Eastmoor Hospital)/safe/good", "Maternity (Eastmoor Hospital)/effective/good", "Maternity (Eastmoor Hospital)/caring/good",
				"Maternity (Eastmoor Hospital)/responsive/good", "Maternity (Eastmoor Hospital)/well-led/good", "Maternity (Eastmoor Hospital)/overall/good",
				"Eastmoor Hospital/safe/good", "Eastmoor Hospital/effective/good", "Eastmoor Hospital/caring/good",
				"Eastmoor Hospital/responsive/good", "Eastmoor Hospital/well-led/good", "Eastmoor Hospital/overall/good"}},
	}
	for _, c := range cases {
		var got []string
		for _, f := range tagText(t, c.text, extract.KindRating) {
			got = append(got, f.Subject+"/"+f.Domain+"/"+f.Rating)
		}
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%q:\n got %q\nwant %q", c.text, got, c.want)
		}
	}
}

func TestActionRules(t *testing.T) {
	cases := []struct {
		text, kind, regulation, evidence string
	}{
		{"The trust must ensure that staff complete mandatory training (Regulation 18).", "must-do", "Regulation 18", ""},
		{"Action the trust MUST take to improve\n\n• Ensure ligature risks are assessed on every ward (Reg 12(2)(b));", "must-do", "Regulation 12(2)(b)", "Ensure ligature risks are assessed on every ward (Reg 12(2)(b))"},
		{"Action the trust SHOULD take to improve\n\n• Review the storage of records.", "should-do", "", "Review the storage of records."},
		{"We told the trust that it must take action to bring services into line with safe care and treatment requirements.", "must-do", "Regulation 12", ""},
		{"The report said the trust needed to ensure it had enough staff.", "must-do", "", ""},
		{"It also said patient records should be better maintained.", "should-do", "", ""},
		{"The trust has been told to submit an action plan.", "must-do", "", ""},
		{"The trust will develop an action plan to address the concerns.", "undertaking", "", ""},
		{"CQC issued a warning notice requiring it to make significant improvements to safe care and treatment.", "must-do", "Regulation 12", ""},
		{"Care records showed what staff needed to do to meet people's needs.", "", "", ""},
		{"The trust is required to address waiting times; the trust is also required to review its services.", "must-do", "", "The trust is required to address waiting times"},
		// not actions
		{"Providers must have effective governance systems.", "", "", ""},
		{"The CQC must issue a warning notice in writing.", "", "", ""},
		{"Chief executive Ann Lee said: “We must do better for our patients.”", "", "", ""},
		{"We need to improve our waiting times.", "", "", ""},
		{"If the trust is required to update the plan, it will do so.", "", "", ""},
	}
	for _, c := range cases {
		var got []extract.Finding
		for _, k := range []extract.Kind{extract.KindMustDo, extract.KindShouldDo, extract.KindUndertaking} {
			got = append(got, tagText(t, c.text, k)...)
		}
		if c.kind == "" {
			if len(got) != 0 {
				t.Errorf("%q: want no action, got %+v", c.text, got)
			}
			continue
		}
		if len(got) != 1 {
			t.Errorf("%q: want one %s, got %+v", c.text, c.kind, got)
			continue
		}
		f := got[0]
		if string(f.Kind) != c.kind || f.Regulation != c.regulation || c.evidence != "" && f.Text != c.evidence {
			t.Errorf("%q:\n got %s %q %q\nwant %s %q %q", c.text, f.Kind, f.Regulation, f.Text, c.kind, c.regulation, c.evidence)
		}
	}
}

func TestQuoteRules(t *testing.T) {
	cases := []struct {
		text string
		want []string // text|speaker|name
	}{
		{"Dr Jane Smith, Chief Executive, said: “We accept the findings in full.”", []string{"We accept the findings in full.|trust|Dr Jane Smith"}},
		{"Prof Ted Grey, CQC chief inspector of hospitals, said: \"Staff were kind.\"", []string{"Staff were kind.|CQC|Prof Ted Grey"}},
		{"The report highlights our ‘maturing safety culture’.", []string{"maturing safety culture|CQC|"}},
		{"One person said, “The staff are very good.” A relative said, 'I feel she is safe there.'", []string{"The staff are very good.|patient|", "I feel she is safe there.|other|"}},
		{"The inspection found there were \"persistent\" issues.", []string{"persistent|CQC|"}},
		{"Their report describes “a culture of inclusive leadership. We are very pleased.\n\nNext paragraph.", []string{"a culture of inclusive leadership|CQC|"}},
		{"Kev Lane said: ‘I'm proud of our staff and the CQC's findings.'", []string{"I'm proud of our staff and the CQC's findings.|other|Kev Lane"}},
		{"Ann Lee, the trust's chair, said: “First paragraph of the statement.\n\n“Second paragraph of it.”", []string{"First paragraph of the statement.|trust|Ann Lee", "Second paragraph of it.|trust|Ann Lee"}},
		// not quotes
		{"We were rated ‘good’ for ‘caring’.", nil},
		{"Our ‘Step up to Great’ strategy continues.", nil},
		{"The Care Quality Commission (“CQC”) regulates care.", nil},
		{"\"NHS Improvement\" means the National Health Service Trust Development Authority.", nil},
		{"The CQC gave a \"Good\" rating in response to the question \"Are services caring?\"", nil},
		{"Staff run 'conversation starters' every week.", nil},
	}
	for _, c := range cases {
		var got []string
		for _, f := range tagText(t, c.text, extract.KindQuote) {
			got = append(got, f.Text+"|"+f.Speaker+"|"+f.SpeakerName)
		}
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%q:\n got %q\nwant %q", c.text, got, c.want)
		}
	}
}

func TestSentences(t *testing.T) {
	text := "Dr Smith met Reg. 17 staff. 2.1.4. The trust has not met the standard. It must improve.\n\n• First bullet;\n• Second bullet wraps\n  onto a second line.\nAre services safe? Good"
	blocks, sents := segment(text)
	var got []string
	for _, s := range sents {
		got = append(got, text[s.s:s.e])
	}
	want := []string{"Dr Smith met Reg. 17 staff.", "2.1.4. The trust has not met the standard.", "It must improve.", "First bullet;", "Second bullet wraps\n  onto a second line.", "Are services safe? Good"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("sentences:\n got %q\nwant %q", got, want)
	}
	bullets := 0
	for _, b := range blocks {
		if b.bullet {
			bullets++
		}
	}
	if bullets != 2 {
		t.Errorf("%d bullets, want 2", bullets)
	}
}

func FuzzTag(f *testing.F) {
	// Seeds stay small: each test document is cut into pieces of at most
	// fuzzSeedBytes at paragraph breaks. Whole documents of several KB make
	// every new input slow to tag and minimising one stalls the search.
	names, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		for _, piece := range fuzzSeeds(string(b), fuzzSeedBytes) {
			f.Add(piece)
		}
	}
	for _, s := range []string{"", "“", "\"", "‘x", "rated good for", "Safe Effective Caring\nGood", "• \n•", "2.1.", "must\f\"x\fy\"", "’’‘‘“”\"'"} {
		f.Add(s)
	}
	tg, err := New()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pages := strings.Split(s, "\f")
		d := &extract.Document{Path: "f.txt", ID: "x"}
		for i, p := range pages {
			d.Pages = append(d.Pages, extract.Page{Number: i + 1, Text: p})
		}
		fs, err := tg.TagDoc(context.Background(), d, Options{Explain: true})
		if err != nil {
			var pe *extract.PanicError
			if errors.As(err, &pe) {
				t.Fatalf("%v\n%s", err, pe.Stack)
			}
			t.Fatal(err)
		}
		if len(fs) == 0 || fs[0].Kind != extract.KindDocument {
			t.Fatalf("no document finding")
		}
		for _, fd := range fs[1:] {
			if fd.Why == "" {
				t.Fatalf("%s %q: no why", fd.Kind, fd.Text)
			}
			if fd.Page < 1 || fd.Page > len(pages) {
				t.Fatalf("page %d of %d", fd.Page, len(pages))
			}
			if fd.Start < 0 || fd.Start > fd.End || fd.End > len(pages[fd.Page-1]) {
				t.Fatalf("%s offsets %d..%d outside page of %d bytes", fd.Kind, fd.Start, fd.End, len(pages[fd.Page-1]))
			}
			if _, err := json.Marshal(fd); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestConcurrentTag(t *testing.T) {
	tg := testTagger(t)
	names, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	var docs []*extract.Document
	var want []string
	for _, n := range names {
		d := fixtureDoc(t, n)
		docs = append(docs, d)
		b, _ := json.Marshal(tg.Tag(context.Background(), d))
		want = append(want, string(b))
	}
	errs := make(chan string, 8*len(docs))
	done := make(chan struct{})
	for w := 0; w < 8; w++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for i, d := range docs {
				b, _ := json.Marshal(tg.Tag(context.Background(), d))
				if string(b) != want[i] {
					errs <- d.Path
				}
			}
		}()
	}
	for w := 0; w < 8; w++ {
		<-done
	}
	close(errs)
	for p := range errs {
		t.Errorf("%s: findings differ when tagged concurrently", p)
	}
}

// fuzzSeedBytes bounds a FuzzTag seed.
const fuzzSeedBytes = 400

// fuzzSeeds cuts text at blank lines into pieces of at most max bytes,
// joining short paragraphs; a longer paragraph is cut at line ends, and a
// longer line at max bytes (on a rune boundary).
func fuzzSeeds(text string, max int) []string {
	var out []string
	var cur strings.Builder
	emit := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	add := func(part, sep string) {
		if cur.Len() > 0 && cur.Len()+len(sep)+len(part) > max {
			emit()
		}
		if cur.Len() > 0 {
			cur.WriteString(sep)
		}
		cur.WriteString(part)
	}
	for _, para := range strings.Split(text, "\n\n") {
		if len(para) <= max {
			add(para, "\n\n")
			continue
		}
		for _, line := range strings.Split(para, "\n") {
			for len(line) > max {
				cut := max
				for cut > 0 && !utf8.RuneStart(line[cut]) {
					cut--
				}
				add(line[:cut], "\n")
				emit()
				line = line[cut:]
			}
			add(line, "\n")
		}
		emit()
	}
	emit()
	return out
}

func TestFuzzSeeds(t *testing.T) {
	long := strings.Repeat("é", 300) // 600 bytes, one line
	tests := []struct {
		text string
		max  int
		want []string
	}{
		{"a\n\nb", 10, []string{"a\n\nb"}},
		{"aaaa\n\nbbbb", 5, []string{"aaaa", "bbbb"}},
		{"l1\nl2\nl3", 5, []string{"l1\nl2", "l3"}},
		{long, 400, []string{long[:400], long[400:]}},
	}
	for _, tt := range tests {
		got := fuzzSeeds(tt.text, tt.max)
		if !slices.Equal(got, tt.want) {
			t.Errorf("fuzzSeeds(%q, %d) = %q, want %q", tt.text, tt.max, got, tt.want)
		}
		for _, g := range got {
			if len(g) > tt.max || !utf8.ValidString(g) {
				t.Errorf("seed %q: %d bytes or not UTF-8", g, len(g))
			}
		}
	}
}
