package index

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
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
	pages := []extract.Page{{Number: 0, Text: ""}, {Number: 3, Text: strings.Repeat("Staff were kind. ", 200)}, {Number: 4, Text: "é ünïcode", OCR: true, Confidence: 87.3}}
	b, err := encodePages(pages)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodePages(b, nil)
	if err != nil || !reflect.DeepEqual(got, pages) {
		t.Fatalf("pages %+v, %v", got, err)
	}
	got, err = decodePages(b, func(n int) bool { return n == 4 })
	if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], pages[2]) {
		t.Errorf("page 4: %+v, %v", got, err)
	}
	// A blob written before pages recorded OCR reads without it.
	old, _ := encodePages(pages[:2])
	if got, err := decodePages(old, nil); err != nil || !reflect.DeepEqual(got, pages[:2]) {
		t.Errorf("pages without OCR: %+v, %v", got, err)
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
	b.Delete(headID(idC))
	b.DeleteInternal(colsKey) // as every commit does
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
		if doc, err := ix.fx.Document(headID(idC)); err != nil || doc != nil {
			t.Errorf("summary of the half-committed document: %v, %v", doc, err)
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
		{`"wash their hands"`, []string{"aaaa/page/1"}, []string{"wash their hands"}},
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
		res := doSearch(t, ix, Query{Text: text, Scope: ScopeFindings, Facets: true, FacetSize: 100})
		tq, _ := textQuery(text)
		if tq == nil { // every finding, not the head documents
			all := bleve.NewBooleanQuery()
			all.AddMust(bleve.NewMatchAllQuery())
			all.AddMustNot(termQuery(fHead, "1"))
			tq = all
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

// TestMultiSelect checks that a multi-select facet counts the hits of the
// same search without that facet's filter, in one search.
func TestMultiSelect(t *testing.T) {
	ix := genIndex(t, 11, 30, 2)
	queries := []Query{
		{Kinds: []string{"rating"}, Ratings: []string{"good", "inadequate"}, Domains: []string{"safe"}},
		{Text: "staff", Kinds: []string{"quote", "must-do"}, Themes: []string{"medicines", "staffing"}},
		{Ratings: []string{"good"}, From: 2016, To: 2019},
		{Text: "care", Scope: ScopeAll, Providers: []string{benchProvider(1), benchProvider(2)}, Kinds: []string{"quote"}},
	}
	for _, q := range queries {
		q.Facets, q.FacetSize = true, 100
		q.MultiSelect = []string{"kind", "rating", "domain", "theme", "year", "provider"}
		got := doSearch(t, ix, q)
		plain := q
		plain.MultiSelect = nil
		if want := doSearch(t, ix, plain); got.Total != want.Total || !slices.Equal(hitKeys(got), hitKeys(want)) {
			t.Errorf("%+v: hits differ with multi-select", q)
		}
		for _, f := range got.Facets {
			without := plain
			switch f.Field {
			case "kind":
				without.Kinds = nil
			case "rating":
				without.Ratings = nil
			case "domain":
				without.Domains = nil
			case "theme":
				without.Themes = nil
			case "year":
				without.From, without.To = 0, 0
			case "provider":
				without.Providers = nil
			}
			res := doSearch(t, ix, without)
			for _, w := range res.Facets {
				if w.Field == f.Field && (w.Total != f.Total || w.Missing != f.Missing || !slices.Equal(w.Terms, f.Terms)) {
					t.Errorf("%+v: facet %s = %+v, want %+v", q, f.Field, f, w)
				}
			}
		}
	}
	if err := (&Query{MultiSelect: []string{"colour"}}).Validate(); err == nil {
		t.Error("unknown multi-select facet accepted")
	}
}

// TestColumnFile checks that an index opened from its column file answers
// as one rebuilt from the summaries, and that a commit not flushed makes
// Open ignore the file.
func TestColumnFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	g := newGen(5)
	for i := range 25 {
		doc, finds := g.doc(i, 2, 10)
		if i == 3 {
			finds[1].Themes = make([]string, 70) // codes past 63
			for j := range finds[1].Themes {
				finds[1].Themes[j] = fmt.Sprintf("theme %d", j)
			}
		}
		if err := ix.Add(ctx, doc, finds); err != nil {
			t.Fatal(err)
		}
		if i%7 == 2 {
			if err := ix.Delete(ctx, doc.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	queries := []Query{
		{Facets: true, FacetSize: 100},
		{Text: "staff", Scope: ScopeAll, Facets: true},
		{Themes: []string{"theme 66"}, Facets: true},
		{Kinds: []string{"rating"}, Sort: SortDate, Limit: 50},
	}
	answers := func(wantFile bool) []string {
		ix, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		if ix.colsStale == wantFile {
			t.Fatalf("opened from the column file: %v, want %v", !ix.colsStale, wantFile)
		}
		var out []string
		for _, q := range queries {
			res := doSearch(t, ix, q)
			res.Took = 0
			b, _ := json.Marshal(res)
			out = append(out, string(b))
		}
		ids, _ := ix.DocIDs(ctx)
		for _, id := range ids {
			info, err := ix.Document(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(info)
			out = append(out, string(b))
		}
		return out
	}
	fromFile := answers(true)
	if err := os.Remove(filepath.Join(dir, colsFile)); err != nil {
		t.Fatal(err)
	}
	rebuilt := answers(false)
	if !slices.Equal(fromFile, rebuilt) {
		t.Errorf("answers from the column file differ from the summaries':\n%v\n%v", fromFile, rebuilt)
	}
	again := answers(true) // the close after a rebuild wrote the file
	if !slices.Equal(again, rebuilt) {
		t.Error("answers differ after the file was written again")
	}

	// A commit persisted without a flush leaves the file out of date.
	ix, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	doc, finds := g.doc(100, 1, 3)
	if err := ix.Add(ctx, doc, finds); err != nil {
		t.Fatal(err)
	}
	ix.mu.Lock()
	err = ix.commitLocked(ctx)
	if err == nil {
		err = ix.waitLocked()
	}
	ix.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	for _, idx := range []bleve.Index{ix.fx, ix.px} {
		b := idx.NewBatch() // waits for the persister to write the commit too
		b.SetInternal([]byte("test.sync"), []byte("1"))
		if err := durable(idx, b); err != nil {
			t.Fatal(err)
		}
	}
	if ok, err := ix.loadColumns(readColumns(ix.dir)); ok || err != nil {
		t.Errorf("column file trusted after an unflushed commit: %v, %v", ok, err)
	}
	ix.Close()
}

// FuzzDecodeColumns checks that no column file, however damaged, makes
// the decoder panic. The checksum is set right, so that damage reaches the
// decoder.
func FuzzDecodeColumns(f *testing.F) {
	// A table as Add fills it, without bleve, which is slow to start in
	// every fuzzing worker.
	t := newTable()
	g := newGen(3)
	var fSerial, pSerial uint32
	for i := range 3 {
		doc, finds := g.doc(i, 2, 4)
		finds[1].Themes = append(finds[1].Themes, "a theme")
		d := &docEntry{id: doc.ID, path: doc.Path, title: finds[0].Title, provider: finds[0].Provider,
			docType: finds[0].DocType, published: finds[0].Published, fSerial: fSerial, pSerial: pSerial}
		fs := &findingsSummary{}
		for j := range finds {
			d.nums = append(d.nums, int32(j-1))
			fs.findings = append(fs.findings, findingColsOf(int32(j-1), &finds[j]))
		}
		ps := &pagesSummary{provider: d.provider, docType: d.docType, published: d.published, pSerial: pSerial}
		for _, p := range doc.Pages {
			d.pages = append(d.pages, int32(p.Number))
		}
		ps.pages = d.pages
		t.addFindingRows(d, fs)
		t.addPageRows(d, ps)
		t.docs[d.id] = d
		t.setLive(d, true)
		fSerial += uint32(len(d.nums))
		pSerial += uint32(len(d.pages))
	}
	b := encodeColumns(newToken(), t, [2]map[uint64][]uint32{{7: {0, 1, 2}}, {9: {3, noSerial}}},
		[2]*locMap{{ids: []uint64{7}, loc: []uint64{1, 2, 3}}, nil})
	if _, err := decodeColumns(b); err != nil {
		f.Fatalf("decode an encoded table: %v", err)
	}
	f.Add(b)
	f.Add([]byte(colsMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) >= 4 {
			binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.ChecksumIEEE(b[:len(b)-4]))
		}
		cf, err := decodeColumns(b)
		if err != nil {
			return
		}
		for _, c := range []*cols{&cf.tab.f, &cf.tab.p} {
			for s := range c.n {
				if int(c.doc[s]) >= len(cf.tab.dlist) {
					t.Fatalf("row %d: document %d of %d", s, c.doc[s], len(cf.tab.dlist))
				}
			}
		}
	})
}
