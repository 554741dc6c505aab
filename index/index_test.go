package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/extract"
)

// testDoc is a document and its findings, built from page texts so that
// finding offsets are real.
type testDoc struct {
	doc      *extract.Document
	findings []extract.Finding
}

// find makes a finding whose evidence is the first occurrence of text on
// the given page of d.
func (d *testDoc) find(t testing.TB, page int, f extract.Finding) {
	t.Helper()
	for _, p := range d.doc.Pages {
		if p.Number != page {
			continue
		}
		i := strings.Index(p.Text, f.Text)
		if i < 0 {
			t.Fatalf("%q not on page %d of %s", f.Text, page, d.doc.Path)
		}
		f.Doc, f.DocID, f.Page, f.Start, f.End = d.doc.Path, d.doc.ID, page, i, i+len(f.Text)
		d.findings = append(d.findings, f)
		return
	}
	t.Fatalf("no page %d in %s", page, d.doc.Path)
}

func newTestDoc(id, path string, pages ...extract.Page) *testDoc {
	return &testDoc{doc: &extract.Document{Path: path, ID: id, Format: extract.FormatPDF, Content: extract.Content{Pages: pages}}}
}

func (d *testDoc) record(title, provider, docType, published string) {
	d.findings = append(d.findings, extract.Finding{Doc: d.doc.Path, DocID: d.doc.ID, Kind: extract.KindDocument,
		Text: title, Title: title, Provider: provider, DocType: docType, Published: published, Pages: len(d.doc.Pages)})
}

const (
	provTrust = "St Elsewhere NHS Foundation Trust"
	provHome  = "Riverside Care Home"
	idA       = "aaaa"
	idB       = "bbbb"
	idC       = "cccc"
)

// testCorpus returns three documents: two reports on one trust (2019, 2021)
// and one on a care home (2017, no pages).
func testCorpus(t testing.TB) []*testDoc {
	a := newTestDoc(idA, "reports/elsewhere-2019.pdf",
		extract.Page{Number: 1, Text: "Inspection report.\nUrgent and emergency care was rated requires improvement for safe.\n" +
			"Staff did not always wash their hands between patients. The department was busy."},
		extract.Page{Number: 2, Text: "Areas for improvement.\nThe trust must ensure that medicines are stored safely and at the right temperature.\n\n" +
			"Patients told us staff were kind and caring. One said \"the nurses were wonderful\"."})
	a.record("St Elsewhere inspection report 2019", provTrust, "nhs-trust", "2019-03-12")
	a.find(t, 1, extract.Finding{Kind: extract.KindRating, Text: "rated requires improvement for safe", Subject: "Urgent and emergency care",
		Domain: "safe", Rating: extract.RatingRequiresImp, Previous: extract.RatingGood, Provider: provTrust})
	a.find(t, 2, extract.Finding{Kind: extract.KindMustDo, Text: "The trust must ensure that medicines are stored safely and at the right temperature.",
		Regulation: "Regulation 12", Provider: provTrust, Themes: []string{"medicines"}})
	a.find(t, 2, extract.Finding{Kind: extract.KindQuote, Text: "the nurses were wonderful", Speaker: extract.SpeakerPatient, Provider: provTrust})

	b := newTestDoc(idB, "reports/elsewhere-2021.pdf",
		extract.Page{Number: 1, Text: "Inspection report.\nUrgent and emergency care was rated good for safe. Infection control had improved."},
		extract.Page{Number: 2, Text: "The trust should review staffing levels at night. Hand hygiene audits were completed every month."})
	b.record("St Elsewhere inspection report 2021", provTrust, "nhs-trust", "2021-06-01")
	b.find(t, 1, extract.Finding{Kind: extract.KindRating, Text: "rated good for safe", Subject: "Urgent and emergency care",
		Domain: "safe", Rating: extract.RatingGood, Previous: extract.RatingRequiresImp, Provider: provTrust})
	b.find(t, 2, extract.Finding{Kind: extract.KindShouldDo, Text: "The trust should review staffing levels at night.",
		Provider: provTrust, Themes: []string{"staffing", "night"}})

	c := newTestDoc(idC, "reports/riverside.html",
		extract.Page{Number: 0, Text: "Riverside Care Home. Overall the home was rated inadequate. " +
			"We found that people were not protected from the risk of falls. The provider will appoint a new manager."})
	c.doc.Format = extract.FormatHTML
	c.record("Riverside Care Home", provHome, "care-home", "2017")
	c.find(t, 0, extract.Finding{Kind: extract.KindRating, Text: "Overall the home was rated inadequate.", Subject: "Care home",
		Domain: "overall", Rating: extract.RatingInadequate, Provider: provHome})
	c.find(t, 0, extract.Finding{Kind: extract.KindQuote, Text: "We found that people were not protected from the risk of falls.",
		Speaker: extract.SpeakerCQC, Provider: provHome})
	c.find(t, 0, extract.Finding{Kind: extract.KindUndertaking, Text: "The provider will appoint a new manager.", Provider: provHome})
	return []*testDoc{a, b, c}
}

// openCorpus indexes testCorpus into a fresh index.
func openCorpus(t *testing.T) (*Index, []*testDoc) {
	t.Helper()
	ix, err := Open(filepath.Join(t.TempDir(), "idx"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	docs := testCorpus(t)
	ctx := context.Background()
	for _, d := range docs {
		if err := ix.Add(ctx, d.doc, d.findings); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	return ix, docs
}

func doSearch(t *testing.T, ix *Index, q Query) *Results {
	t.Helper()
	res, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	return res
}

// hitKeys names hits as docID/kind/page, sorted.
func hitKeys(res *Results) []string {
	keys := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		keys[i] = fmt.Sprintf("%s/%s/%d", h.DocID, h.Kind, h.Page)
	}
	slices.Sort(keys)
	return keys
}

func snippetText(frags []Fragment) string {
	var b strings.Builder
	for _, f := range frags {
		b.WriteString(f.Pre + f.Match + f.Post)
	}
	return b.String()
}

func matches(frags []Fragment) []string {
	var m []string
	for _, f := range frags {
		if f.Match != "" {
			m = append(m, f.Match)
		}
	}
	return m
}

func TestSearchFilters(t *testing.T) {
	ix, _ := openCorpus(t)
	tests := []struct {
		name string
		q    Query
		want []string
	}{
		{"text finds the finding", Query{Text: "medicines", Scope: ScopeFindings}, []string{"aaaa/must-do/2"}},
		{"stemming", Query{Text: "medicine stores", Scope: ScopeFindings}, []string{"aaaa/must-do/2"}},
		{"words are all required", Query{Text: "medicines wonderful", Scope: ScopeFindings}, nil},
		{"OR accepts either", Query{Text: "medicines OR wonderful", Scope: ScopeFindings}, []string{"aaaa/must-do/2", "aaaa/quote/2"}},
		{"stop words do not empty the result", Query{Text: "stored at the", Scope: ScopeFindings}, []string{"aaaa/must-do/2"}},
		{"phrase", Query{Text: `"new manager"`, Scope: ScopeFindings}, []string{"cccc/undertaking/0"}},
		{"not", Query{Text: "rated -inadequate", Scope: ScopeFindings}, []string{"aaaa/rating/1", "bbbb/rating/1"}},
		{"prefix", Query{Text: "wond*", Scope: ScopeFindings}, []string{"aaaa/quote/2"}},
		{"fuzzy", Query{Text: "fals~1", Scope: ScopeFindings}, []string{"cccc/quote/0"}},
		{"field in query string", Query{Text: "kind:must-do", Scope: ScopeFindings}, []string{"aaaa/must-do/2"}},
		{"quoted field value", Query{Text: `rating:"requires improvement"`, Scope: ScopeFindings}, []string{"aaaa/rating/1"}},
		{"default scope: findings, then pages", Query{Text: "medicines"}, []string{"aaaa/must-do/2", "aaaa/page/2"}},
		{"default scope without words: findings", Query{Kinds: []string{"must-do"}}, []string{"aaaa/must-do/2"}},
		{"default scope: a finding's filter keeps no page", Query{Text: "medicines", Kinds: []string{"must-do"}}, []string{"aaaa/must-do/2"}},
		{"pages scope", Query{Text: "medicines", Scope: ScopePages}, []string{"aaaa/page/2"}},
		{"all scope", Query{Text: "medicines", Scope: ScopeAll}, []string{"aaaa/must-do/2", "aaaa/page/2"}},
		{"kinds", Query{Kinds: []string{"quote"}}, []string{"aaaa/quote/2", "cccc/quote/0"}},
		{"kinds any of", Query{Kinds: []string{"must-do", "should-do"}}, []string{"aaaa/must-do/2", "bbbb/should-do/2"}},
		{"ratings", Query{Ratings: []string{"inadequate"}}, []string{"cccc/rating/0"}},
		{"previous", Query{Previous: []string{"good"}}, []string{"aaaa/rating/1"}},
		{"direction improved", Query{Direction: []string{DirectionImproved}}, []string{"bbbb/rating/1"}},
		{"direction declined", Query{Direction: []string{DirectionDeclined}}, []string{"aaaa/rating/1"}},
		{"domains", Query{Domains: []string{"overall"}}, []string{"cccc/rating/0"}},
		{"subjects", Query{Subjects: []string{"Urgent and emergency care"}}, []string{"aaaa/rating/1", "bbbb/rating/1"}},
		{"providers", Query{Providers: []string{provHome}}, []string{"cccc/document/0", "cccc/quote/0", "cccc/rating/0", "cccc/undertaking/0"}},
		{"providers on pages", Query{Providers: []string{provHome}, Scope: ScopePages}, []string{"cccc/page/0"}},
		{"doc types", Query{DocTypes: []string{"care-home"}, Kinds: []string{"rating"}}, []string{"cccc/rating/0"}},
		{"regulations", Query{Regulations: []string{"Regulation 12"}}, []string{"aaaa/must-do/2"}},
		{"speakers", Query{Speakers: []string{extract.SpeakerCQC}}, []string{"cccc/quote/0"}},
		{"themes", Query{Themes: []string{"night"}}, []string{"bbbb/should-do/2"}},
		{"doc ids", Query{DocIDs: []string{idB}, Kinds: []string{"rating", "document"}}, []string{"bbbb/document/0", "bbbb/rating/1"}},
		{"from", Query{From: 2020, Kinds: []string{"rating"}}, []string{"bbbb/rating/1"}},
		{"to", Query{To: 2018, Kinds: []string{"rating"}}, []string{"cccc/rating/0"}},
		{"from to on pages", Query{From: 2019, To: 2019, Scope: ScopePages}, []string{"aaaa/page/1", "aaaa/page/2"}},
		{"text and filter", Query{Text: "rated", Providers: []string{provTrust}, Ratings: []string{"good"}, Scope: ScopeFindings}, []string{"bbbb/rating/1"}},
		{"year in query string", Query{Text: "year:>=2021 kind:rating", Scope: ScopeFindings}, []string{"bbbb/rating/1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := doSearch(t, ix, tt.q)
			got := hitKeys(res)
			if !slices.Equal(got, tt.want) {
				t.Errorf("hits %v, want %v", got, tt.want)
			}
			if res.Total != uint64(len(tt.want)) {
				t.Errorf("total %d, want %d", res.Total, len(tt.want))
			}
		})
	}
}

func TestHitMetadataAndSnippets(t *testing.T) {
	ix, _ := openCorpus(t)

	res := doSearch(t, ix, Query{Text: "medicines temperature", Scope: ScopeFindings})
	if len(res.Hits) != 1 {
		t.Fatalf("hits %v", hitKeys(res))
	}
	h := res.Hits[0]
	want := Hit{DocID: idA, Path: "reports/elsewhere-2019.pdf", Title: "St Elsewhere inspection report 2019",
		Provider: provTrust, DocType: "nhs-trust", Published: "2019-03-12", Page: 2, Kind: "must-do"}
	got := h
	got.Finding, got.Snippet, got.Score = nil, nil, 0
	if !reflect.DeepEqual(got, want) {
		t.Errorf("hit\n%+v, want\n%+v", got, want)
	}
	if h.Finding == nil || h.Finding.Regulation != "Regulation 12" || h.Finding.Start == 0 {
		t.Errorf("finding %+v", h.Finding)
	}
	if m := matches(h.Snippet); !slices.Equal(m, []string{"medicines", "temperature"}) {
		t.Errorf("matches %q", m)
	}
	if s := snippetText(h.Snippet); s != "The trust must ensure that medicines are stored safely and at the right temperature." {
		t.Errorf("snippet %q", s)
	}

	// A finding hit without text shows the sentence around its evidence.
	res = doSearch(t, ix, Query{Kinds: []string{"quote"}, Providers: []string{provTrust}})
	if len(res.Hits) != 1 {
		t.Fatalf("hits %v", hitKeys(res))
	}
	sn := res.Hits[0].Snippet
	if m := matches(sn); !slices.Equal(m, []string{"the nurses were wonderful"}) {
		t.Errorf("matches %q", m)
	}
	if s := snippetText(sn); s != `One said "the nurses were wonderful".` {
		t.Errorf("snippet %q", s)
	}

	// A page hit shows the page around its match, with the right page.
	res = doSearch(t, ix, Query{Text: "wash hands", Scope: ScopePages})
	if len(res.Hits) != 1 || res.Hits[0].Page != 1 || res.Hits[0].DocID != idA {
		t.Fatalf("hits %v", hitKeys(res))
	}
	sn = res.Hits[0].Snippet
	if m := matches(sn); !slices.Equal(m, []string{"wash", "hands"}) {
		t.Errorf("matches %q", m)
	}
	if s := snippetText(sn); !strings.Contains(s, "wash their hands between") || strings.Contains(s, "\n") {
		t.Errorf("snippet %q", s)
	}
	res = doSearch(t, ix, Query{Text: "hand", Scope: ScopePages})
	if got := hitKeys(res); !slices.Equal(got, []string{"aaaa/page/1", "bbbb/page/2"}) {
		t.Errorf("stemmed page hits %v", got)
	}
	for _, h := range res.Hits {
		if m := matches(h.Snippet); len(m) != 1 || !strings.HasPrefix(strings.ToLower(m[0]), "hand") {
			t.Errorf("%s page %d matches %q", h.DocID, h.Page, m)
		}
	}
}

func TestFacets(t *testing.T) {
	ix, _ := openCorpus(t)
	res := doSearch(t, ix, Query{Facets: true})
	if res.Total != 11 {
		t.Errorf("total %d, want 11", res.Total)
	}
	got := map[string]map[string]int{}
	for _, f := range res.Facets {
		got[f.Field] = map[string]int{}
		for _, t := range f.Terms {
			got[f.Field][t.Term] = t.Count
		}
	}
	if len(res.Facets) != len(FacetFields) {
		t.Errorf("%d facets, want %d", len(res.Facets), len(FacetFields))
	}
	want := map[string]map[string]int{
		"kind":       {"document": 3, "rating": 3, "must-do": 1, "should-do": 1, "quote": 2, "undertaking": 1},
		"rating":     {"requires improvement": 1, "good": 1, "inadequate": 1},
		"previous":   {"good": 1, "requires improvement": 1},
		"direction":  {"improved": 1, "declined": 1},
		"domain":     {"safe": 2, "overall": 1},
		"subject":    {"Urgent and emergency care": 2, "Care home": 1},
		"provider":   {provTrust: 7, provHome: 4},
		"doc_type":   {"nhs-trust": 7, "care-home": 4},
		"year":       {"2019": 4, "2021": 3, "2017": 4},
		"regulation": {"Regulation 12": 1},
		"speaker":    {"patient": 1, "CQC": 1},
		"theme":      {"medicines": 1, "staffing": 1, "night": 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("facets\n%v\nwant\n%v", got, want)
	}

	// Facets count every hit of a filtered query, not just the page shown.
	res = doSearch(t, ix, Query{Text: "rated", Facets: true, Limit: 1})
	for _, f := range res.Facets {
		if f.Field == "rating" && (f.Total != 3 || len(f.Terms) != 3) {
			t.Errorf("rating facet of rated: %+v", f)
		}
	}
}

func TestSortByDate(t *testing.T) {
	ix, _ := openCorpus(t)
	for _, q := range []Query{
		{Kinds: []string{"rating"}, Sort: SortDate},
		{Text: "rated", Sort: SortDate, Scope: ScopeFindings},
	} {
		res := doSearch(t, ix, q)
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.Published)
		}
		if want := []string{"2021-06-01", "2019-03-12", "2017"}; !slices.Equal(got, want) {
			t.Errorf("%+v: dates %v, want %v", q, got, want)
		}
	}
	// Paging walks the same order.
	res := doSearch(t, ix, Query{Kinds: []string{"rating"}, Sort: SortDate, Limit: 1, Offset: 1})
	if len(res.Hits) != 1 || res.Hits[0].DocID != idA || res.Total != 3 {
		t.Errorf("offset 1: %v total %d", hitKeys(res), res.Total)
	}
}

func TestTimeline(t *testing.T) {
	ix, _ := openCorpus(t)
	ctx := context.Background()
	got, err := ix.Timeline(ctx, provTrust, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []TimelinePoint{
		{Published: "2019-03-12", DocID: idA, Path: "reports/elsewhere-2019.pdf", Title: "St Elsewhere inspection report 2019", Page: 1,
			Subject: "Urgent and emergency care", Domain: "safe", Rating: "requires improvement", Previous: "good", Direction: "declined"},
		{Published: "2021-06-01", DocID: idB, Path: "reports/elsewhere-2021.pdf", Title: "St Elsewhere inspection report 2021", Page: 1,
			Subject: "Urgent and emergency care", Domain: "safe", Rating: "good", Previous: "requires improvement", Direction: "improved"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("timeline\n%+v\nwant\n%+v", got, want)
	}
	got, err = ix.Timeline(ctx, provTrust, "Maternity")
	if err != nil || len(got) != 0 {
		t.Errorf("other subject: %v, %v", got, err)
	}
	got, err = ix.Timeline(ctx, provHome, "Care home")
	if err != nil || len(got) != 1 || got[0].Rating != "inadequate" || got[0].Direction != "" {
		t.Errorf("care home: %+v, %v", got, err)
	}
	provs, err := ix.Providers(ctx)
	if err != nil || !slices.Equal(provs, []string{provHome, provTrust}) {
		t.Errorf("providers %q, %v", provs, err)
	}
}

func TestDocument(t *testing.T) {
	ix, docs := openCorpus(t)
	ctx := context.Background()
	for _, d := range docs {
		info, err := ix.Document(ctx, d.doc.ID)
		if err != nil {
			t.Fatal(err)
		}
		rec := d.findings[0]
		if info.Path != d.doc.Path || info.Title != rec.Title || info.Provider != rec.Provider ||
			info.DocType != rec.DocType || info.Published != rec.Published || info.PageCount != len(d.doc.Pages) {
			t.Errorf("%s: metadata %+v", d.doc.ID, info)
		}
		if !reflect.DeepEqual(info.Pages, d.doc.Pages) {
			t.Errorf("%s: pages\n%+v\nwant\n%+v", d.doc.ID, info.Pages, d.doc.Pages)
		}
		if !reflect.DeepEqual(info.Findings, d.findings) {
			t.Errorf("%s: findings\n%+v\nwant\n%+v", d.doc.ID, info.Findings, d.findings)
		}
	}
	if _, err := ix.Document(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown document: %v", err)
	}
	ids, err := ix.DocIDs(ctx)
	if err != nil || !slices.Equal(ids, []string{idA, idB, idC}) {
		t.Errorf("doc ids %v, %v", ids, err)
	}
}

func TestAddWithoutRecord(t *testing.T) {
	ix, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	d := newTestDoc("dddd", "notes.txt", extract.Page{Text: "Plain notes about fire doors."})
	d.doc.Title = "Notes"
	if err := ix.Add(ctx, d.doc, nil); err != nil {
		t.Fatal(err)
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	info, err := ix.Document(ctx, "dddd")
	if err != nil {
		t.Fatal(err)
	}
	if info.Path != "notes.txt" || info.Title != "Notes" || info.PageCount != 1 || len(info.Findings) != 1 {
		t.Errorf("info %+v", info)
	}
	res := doSearch(t, ix, Query{Text: "fire", Scope: ScopePages})
	if len(res.Hits) != 1 || res.Hits[0].Path != "notes.txt" {
		t.Errorf("hits %+v", res.Hits)
	}
}

func TestDeleteAndReplace(t *testing.T) {
	ix, docs := openCorpus(t)
	ctx := context.Background()

	if err := ix.Delete(ctx, idC); err != nil {
		t.Fatal(err)
	}
	// Not committed yet: searches still see it.
	if res := doSearch(t, ix, Query{DocIDs: []string{idC}, Scope: ScopeAll}); res.Total != 5 {
		t.Errorf("before flush: %d hits of %s, want 5", res.Total, idC)
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if res := doSearch(t, ix, Query{DocIDs: []string{idC}, Scope: ScopeAll}); res.Total != 0 {
		t.Errorf("after delete: %v", hitKeys(res))
	}
	if res := doSearch(t, ix, Query{Text: "falls", Scope: ScopeAll}); res.Total != 0 {
		t.Errorf("after delete, text: %v", hitKeys(res))
	}
	if _, err := ix.Document(ctx, idC); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted document: %v", err)
	}

	// Replace A with a one-page version and one finding: the old page 2
	// and its findings go.
	a := docs[0]
	a2 := newTestDoc(idA, "moved/elsewhere-2019.pdf", a.doc.Pages[0])
	a2.record("St Elsewhere report, revised", provTrust, "nhs-trust", "2019-03-12")
	a2.find(t, 1, a.findings[1])
	// Twice before a flush: the second replaces the first too.
	if err := ix.Add(ctx, a.doc, a.findings); err != nil {
		t.Fatal(err)
	}
	if err := ix.Add(ctx, a2.doc, a2.findings); err != nil {
		t.Fatal(err)
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	res := doSearch(t, ix, Query{DocIDs: []string{idA}, Scope: ScopeAll})
	if got, want := hitKeys(res), []string{"aaaa/document/0", "aaaa/page/1", "aaaa/rating/1"}; !slices.Equal(got, want) {
		t.Errorf("replaced: %v, want %v", got, want)
	}
	if res := doSearch(t, ix, Query{Text: "medicines", Scope: ScopeAll}); res.Total != 0 {
		t.Errorf("old page still found: %v", hitKeys(res))
	}
	info, err := ix.Document(ctx, idA)
	if err != nil {
		t.Fatal(err)
	}
	if info.Path != "moved/elsewhere-2019.pdf" || info.Title != "St Elsewhere report, revised" || len(info.Pages) != 1 {
		t.Errorf("replaced document %+v", info)
	}
	ids, err := ix.DocIDs(ctx)
	if err != nil || !slices.Equal(ids, []string{idA, idB}) {
		t.Errorf("doc ids %v, %v", ids, err)
	}
}

func TestReopen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, d := range testCorpus(t) {
		if err := ix.Add(ctx, d.doc, d.findings); err != nil {
			t.Fatal(err)
		}
	}
	// Close commits what is pending.
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ids, err := ix.DocIDs(ctx)
	if err != nil || !slices.Equal(ids, []string{idA, idB, idC}) {
		t.Errorf("doc ids %v, %v", ids, err)
	}
	res := doSearch(t, ix, Query{Text: "medicines", Scope: ScopeAll})
	if got := hitKeys(res); !slices.Equal(got, []string{"aaaa/must-do/2", "aaaa/page/2"}) {
		t.Errorf("hits %v", got)
	}
}

func TestSchemaMismatch(t *testing.T) {
	dir := t.TempDir()
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Through a batch waited on until persisted: SetInternal alone may
	// still be in memory when Close returns.
	b := ix.fx.NewBatch()
	b.SetInternal(schemaKey, []byte("0"))
	if err := durable(ix.fx, b); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = Open(dir)
	if !errors.Is(err, ErrSchema) {
		t.Fatalf("open: %v, want ErrSchema", err)
	}
	for _, s := range []string{"schema version 0", "cqcmine index --rebuild"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("message %q lacks %q", err, s)
		}
	}
	if err := Remove(dir); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir)
	if err != nil {
		t.Fatalf("open after remove: %v", err)
	}
	ix.Close()
}

func TestRemoveRefusesOtherDirs(t *testing.T) {
	dir := t.TempDir()
	if err := writeFile(filepath.Join(dir, "keep.txt")); err != nil {
		t.Fatal(err)
	}
	if err := Remove(dir); err == nil {
		t.Error("Remove deleted a directory that is not an index")
	}
	if _, err := Open(dir); !errors.Is(err, ErrSchema) {
		t.Errorf("open a non-index directory: %v", err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		q     Query
		want  string // in the error; "" for none
		field string // the QueryError's field
	}{
		{Query{}, "", ""},
		{Query{Text: "safe +staff -night \"hand hygiene\" kind:must-do falls~ med*", Kinds: []string{"rating"}, From: 2018, To: 2021, Limit: 1000}, "", ""},
		{Query{Kinds: []string{"rumour"}}, `unknown kind "rumour"`, "kind"},
		{Query{Ratings: []string{"fine"}}, `unknown rating "fine"`, "rating"},
		{Query{Previous: []string{"Good"}}, `unknown previous "Good"`, "previous"},
		{Query{Direction: []string{"up"}}, `unknown direction "up"`, "direction"},
		{Query{Domains: []string{"kind"}}, `unknown domain "kind"`, "domain"},
		{Query{Providers: []string{""}}, "empty provider", "provider"},
		{Query{From: 2021, To: 2018}, "from 2021 is after to 2018", "from"},
		{Query{From: 21}, "year 21", "year"},
		{Query{Scope: "everything"}, `unknown scope "everything"`, "scope"},
		{Query{Sort: "oldest"}, `unknown sort "oldest"`, "sort"},
		{Query{Limit: 1001}, "limit 1001", "limit"},
		{Query{Limit: -1}, "limit -1", "limit"},
		{Query{Offset: -5}, "offset -5", "offset"},
		{Query{FacetSize: -1}, "facet size -1", "facet_size"},
		{Query{Text: `"unclosed`}, "query", "text"},
		{Query{Text: "staff +"}, "query", "text"},
		{Query{Text: "seclusion~2 staffing~1"}, "", ""},
		{Query{Text: "safe OR seclushion~7"}, "at most 2 edits", "text"},
		{Query{Text: "kind:rating +wards~3"}, "at most 2 edits", "text"},
	}
	for _, tt := range tests {
		err := tt.q.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%+v: %v", tt.q, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%+v: error %v, want %q", tt.q, err, tt.want)
		case tt.want != "":
			var qe *QueryError
			if !errors.As(err, &qe) || qe.Field != tt.field {
				t.Errorf("%+v: error %#v, want a QueryError on field %q", tt.q, err, tt.field)
			}
		}
	}
}

func TestSearchRejectsInvalid(t *testing.T) {
	ix, _ := openCorpus(t)
	if _, err := ix.Search(context.Background(), Query{Scope: "x"}); err == nil {
		t.Error("invalid query searched")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Search(ctx, Query{Text: "rated"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled search: %v", err)
	}
}

func TestDirection(t *testing.T) {
	for _, tt := range []struct{ r, p, want string }{
		{"good", "requires improvement", DirectionImproved},
		{"inadequate", "outstanding", DirectionDeclined},
		{"good", "good", DirectionSame},
		{"good", "", ""},
		{"", "good", ""},
	} {
		if got := Direction(tt.r, tt.p); got != tt.want {
			t.Errorf("Direction(%q, %q) = %q, want %q", tt.r, tt.p, got, tt.want)
		}
	}
}

func writeFile(path string) error { return os.WriteFile(path, []byte("not an index\n"), 0o644) }
