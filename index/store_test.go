package index

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/cqcmine/cqcmine/extract"
)

func TestSummaryRoundTrip(t *testing.T) {
	fs := &findingsSummary{entry: docEntry{id: "abcd", path: "r.pdf", title: "T", provider: "P", docType: "gp",
		published: "2020-01", pageCount: 3, fSerial: 77, nums: []int32{-1, 0, 2}}}
	for _, n := range []int32{-1, 0, 2} {
		c := findingCols{num: n, page: n + 1, themes: []string{"x", "y"}}
		c.vals[cKind], c.vals[cRating], c.vals[cSpeaker] = "rating", "good", "CQC"
		fs.findings = append(fs.findings, c)
	}
	b := fs.encode()
	got, err := decodeFindingsSummary("abcd", b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, fs) {
		t.Errorf("findings summary\n%+v\nwant\n%+v", got, fs)
	}
	ps := &pagesSummary{provider: "P", docType: "gp", published: "2020", pSerial: 9, pages: []int32{0, 1, 5}}
	gotP, err := decodePagesSummary("abcd", ps.encode())
	if err != nil || !reflect.DeepEqual(gotP, ps) {
		t.Errorf("pages summary %+v, %v, want %+v", gotP, err, ps)
	}
	for i := range b {
		if _, err := decodeFindingsSummary("abcd", b[:i]); err == nil {
			t.Errorf("truncated to %d bytes: no error", i)
		}
	}
}

func FuzzDecodeSummary(f *testing.F) {
	fs := &findingsSummary{entry: docEntry{id: "x", path: "p", fSerial: 3}, findings: []findingCols{{num: -1, themes: []string{"t"}}}}
	f.Add(fs.encode())
	f.Add((&pagesSummary{pages: []int32{1, 2}}).encode())
	pages, _ := encodePages([]extract.Page{{Number: 1, Text: "one"}, {Number: 2, Text: "two"}})
	f.Add(pages)
	f.Fuzz(func(t *testing.T, b []byte) {
		decodeFindingsSummary("x", b)
		decodePagesSummary("x", b)
		decodePages(b, nil)
	})
}

func TestPageBlob(t *testing.T) {
	pages := []extract.Page{{Number: 0, Text: ""}, {Number: 3, Text: strings.Repeat("Staff were kind. ", 200)}, {Number: 4, Text: "é ünïcode"}}
	b, err := encodePages(pages)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodePages(b, nil)
	if err != nil || !reflect.DeepEqual(got, pages) {
		t.Fatalf("pages %+v, %v", got, err)
	}
	got, err = decodePages(b, func(n int) bool { return n == 4 })
	if err != nil || len(got) != 1 || got[0] != pages[2] {
		t.Errorf("page 4: %+v, %v", got, err)
	}
	if len(b) > len(pages[1].Text)/3 {
		t.Errorf("blob of %d bytes for %d bytes of repetitive text", len(b), len(pages[1].Text))
	}
}

// TestOldLayout opens a directory holding an index of schema version 1
// (one bleve index at the top).
func TestOldLayout(t *testing.T) {
	dir := t.TempDir()
	old, err := bleve.New(dir, bleve.NewIndexMapping())
	if err != nil {
		t.Fatal(err)
	}
	if err := old.SetInternal(schemaKey, []byte("1")); err != nil {
		t.Fatal(err)
	}
	old.Close()
	_, err = Open(dir)
	if !errors.Is(err, ErrSchema) || !strings.Contains(err.Error(), "schema version 1") || !strings.Contains(err.Error(), "--rebuild") {
		t.Fatalf("open old index: %v", err)
	}
	if err := Remove(dir); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
}

// TestHalfCommitted leaves a document in the findings index only, as a
// crash between the two indexes' commits would, and checks that Open
// removes it so that the next update indexes it whole.
func TestHalfCommitted(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	docs := testCorpus(t)
	for _, d := range docs {
		if err := ix.Add(ctx, d.doc, d.findings); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// Document C's pages and page summary go, its findings stay.
	c := ix.tab.docs[idC]
	_, pageIDs := c.bleveIDs()
	b := ix.px.NewBatch()
	for _, id := range pageIDs {
		b.Delete(id)
	}
	b.DeleteInternal([]byte(pagesSummaryPrefix + idC))
	if err := durable(ix.px, b); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	for range 2 {
		ix, err = Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		if ids, _ := ix.DocIDs(ctx); !slices.Equal(ids, []string{idA, idB}) {
			t.Errorf("doc ids %v", ids)
		}
		if res := doSearch(t, ix, Query{Text: "falls", Scope: ScopeAll}); res.Total != 0 {
			t.Errorf("half-committed document still found: %v", hitKeys(res))
		}
		if v, err := ix.fx.GetInternal([]byte(findingsSummaryPrefix + idC)); err != nil || v != nil {
			t.Errorf("summary of the half-committed document: %q, %v", v, err)
		}
		ix.Close()
	}
}

func TestPagesPhraseAndHighlight(t *testing.T) {
	ix, _ := openCorpus(t)
	tests := []struct {
		text    string
		want    []string
		matches []string
	}{
		{`"wash their hands"`, []string{"aaaa/page/1"}, []string{"wash", "hands"}},
		{"hyg*", []string{"bbbb/page/2"}, []string{"hygiene"}},
		{"temperatur~1", []string{"aaaa/page/2"}, []string{"temperature"}},
		{"kind -wonderful", nil, nil},
		{"appoint manager", []string{"cccc/page/0"}, []string{"appoint", "manager"}},
	}
	for _, tt := range tests {
		res := doSearch(t, ix, Query{Text: tt.text, Scope: ScopePages})
		if got := hitKeys(res); !slices.Equal(got, tt.want) {
			t.Errorf("%s: hits %v, want %v", tt.text, got, tt.want)
			continue
		}
		if len(res.Hits) > 0 {
			if m := matches(res.Hits[0].Snippet); !slices.Equal(m, tt.matches) {
				t.Errorf("%s: matches %q, want %q", tt.text, m, tt.matches)
			}
		}
	}
}

// TestStoredFindingNotDerived stores findings whose text, path and
// provider cannot be derived from the document and checks they come back
// as they were.
func TestStoredFindingNotDerived(t *testing.T) {
	ix, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	d := newTestDoc("eeee", "e.pdf", extract.Page{Number: 1, Text: "The ward was clean and tidy."})
	d.record("E report", "E Trust", "nhs-trust", "2022-02-02")
	d.findings = append(d.findings,
		extract.Finding{Doc: "elsewhere.pdf", DocID: "eeee", Kind: extract.KindQuote, Text: "ward was clean", Page: 1, Start: 4, End: 27,
			Provider: "Other Trust", Speaker: extract.SpeakerCQC},
		extract.Finding{Doc: "e.pdf", DocID: "eeee", Kind: extract.KindShouldDo, Text: "No page", Page: 9, Start: 1, End: 5})
	if err := ix.Add(ctx, d.doc, d.findings); err != nil {
		t.Fatal(err)
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	info, err := ix.Document(ctx, "eeee")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(info.Findings, d.findings) {
		t.Errorf("findings\n%+v\nwant\n%+v", info.Findings, d.findings)
	}
	res := doSearch(t, ix, Query{Kinds: []string{"quote"}})
	if len(res.Hits) != 1 || res.Hits[0].Provider != "Other Trust" || res.Hits[0].Finding.Text != "ward was clean" {
		t.Errorf("quote hit %+v", res.Hits)
	}
}

// TestFacetsAgainstBleve checks the column counts against bleve's own
// counts of text AND field:value, on a generated corpus committed in many
// small batches (many segments, merged in the background).
func TestFacetsAgainstBleve(t *testing.T) {
	ix, err := Open(filepath.Join(t.TempDir(), "idx"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ix.SetBatchSize(3, 0)
	ctx := context.Background()
	g := newGen(7)
	for i := range 40 {
		doc, finds := g.doc(i, 3, 15)
		if err := ix.Add(ctx, doc, finds); err != nil {
			t.Fatal(err)
		}
		if i%9 == 0 { // some replaced, some deleted
			if err := ix.Add(ctx, doc, finds[:len(finds)/2]); err != nil {
				t.Fatal(err)
			}
		}
		if i%13 == 5 {
			if err := ix.Delete(ctx, doc.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	field := map[string]string{"year": fYearTerm}
	for _, text := range []string{"staff", "care OR patients", "kind:quote", ""} {
		res := doSearch(t, ix, Query{Text: text, Facets: true, FacetSize: 100})
		tq, _ := textQuery(text)
		if tq == nil {
			tq = bleve.NewMatchAllQuery()
		}
		if n := bleveCount(t, ix, tq); n != res.Total {
			t.Errorf("%q: total %d, bleve %d", text, res.Total, n)
		}
		for _, f := range res.Facets {
			name := f.Field
			if field[name] != "" {
				name = field[name]
			}
			sum := 0
			for _, term := range f.Terms {
				sum += term.Count
				if n := bleveCount(t, ix, bleve.NewConjunctionQuery(tq, termQuery(name, term.Term))); n != uint64(term.Count) {
					t.Errorf("%q: %s=%s counted %d, bleve %d", text, f.Field, term.Term, term.Count, n)
				}
			}
			if sum != f.Total {
				t.Errorf("%q: %s total %d, terms sum to %d", text, f.Field, f.Total, sum)
			}
		}
	}
	// Paging walks one order.
	all := doSearch(t, ix, Query{Text: "staff", Scope: ScopeAll, Limit: 30})
	for i := range 30 {
		one := doSearch(t, ix, Query{Text: "staff", Scope: ScopeAll, Limit: 1, Offset: i})
		if i < len(all.Hits) && (len(one.Hits) != 1 || one.Hits[0].DocID != all.Hits[i].DocID || one.Hits[0].Page != all.Hits[i].Page || one.Hits[0].Kind != all.Hits[i].Kind) {
			t.Errorf("offset %d: %+v, want %+v", i, one.Hits, all.Hits[i])
		}
	}
}

func bleveCount(t *testing.T, ix *Index, q query.Query) uint64 {
	t.Helper()
	res, err := ix.fx.Search(bleve.NewSearchRequestOptions(q, 0, 0, false))
	if err != nil {
		t.Fatal(err)
	}
	return res.Total
}
