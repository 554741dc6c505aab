package index

import (
	"cmp"
	"context"
	"github.com/blevesearch/bleve/v2"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestSnippetSpansAsWhole checks that analysing growing prefixes of a page
// gives the snippet that analysing the whole page gives, for words,
// phrases and prefixes that match early, late, across the prefixes' cuts
// or not at all.
func TestSnippetSpansAsWhole(t *testing.T) {
	g := newGen(11)
	r := rand.New(rand.NewPCG(5, 6))
	queries := []string{
		"staffing", "medicines", `"safe care"`, "seclusion", "record*", "staf~1",
		"nosuchword", `"care plans"`, "risk assessments", "ward",
	}
	for range 20 {
		w1, w2 := g.vocab[2+r.IntN(200)], g.vocab[2+r.IntN(200)]
		queries = append(queries, w1, `"`+w1+" "+w2+`"`, w1+"*")
	}
	compared, early := 0, 0
	for i := range 120 {
		var b strings.Builder
		for b.Len() < 500+r.IntN(9000) {
			b.WriteString(g.sentence())
			b.WriteString(" ")
			if i%3 == 0 && r.IntN(8) == 0 {
				b.WriteString("Safe care plans for seclusion on the ward were reviewed. ")
			}
		}
		text := b.String()
		for _, qs := range queries {
			q, err := textQuery(qs)
			if err != nil {
				t.Fatal(err)
			}
			h := newHighlighter(q)
			whole := h.spans(text)
			part := h.snippetSpans(text)
			if got, want := pageSnippet(text, part), pageSnippet(text, whole); !reflect.DeepEqual(got, want) {
				t.Fatalf("query %s on a page of %d bytes:\nprefixes %v\nwhole    %v", qs, len(text), got, want)
			}
			compared++
			if len(part) < len(whole) {
				early++
			}
		}
	}
	if early == 0 {
		t.Fatalf("of %d snippets, none was cut from a prefix", compared)
	}
}

// TestFindingSpansAsBleve checks that the highlighter marks in a finding
// what bleve's term locations mark: words, stems, phrases with and
// without stop words, prefixes, fuzzy words, alternatives and negations.
// A phrase is marked whole, from its first word to its last, where bleve
// marks its words.
func TestFindingSpansAsBleve(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(filepath.Join(t.TempDir(), "idx"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	g := newGen(21)
	texts := map[string]string{} // by bleve id
	for i := range 30 {
		doc, finds := g.doc(i, 3, 12)
		for j, f := range finds {
			texts[findingID(doc.ID, j)] = f.Text
		}
		if err := ix.Add(ctx, doc, finds); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	queries := []string{
		"staffing", "staff", "medicines AND safe", `"safe care"`, `"care of the patients"`,
		"record*", "staf~1", "ward OR beds", "care -ward", "nosuchword",
	}
	r := rand.New(rand.NewPCG(7, 8))
	for range 15 {
		w1, w2 := g.vocab[2+r.IntN(300)], g.vocab[2+r.IntN(300)]
		queries = append(queries, w1, w1+" "+w2, `"`+w1+" "+w2+`"`, w1[:min(3, len(w1))]+"*")
	}
	compared := 0
	for _, qs := range queries {
		q, err := textQuery(qs)
		if err != nil {
			t.Fatal(err)
		}
		req := bleve.NewSearchRequestOptions(q, 50, 0, false)
		req.IncludeLocations = true
		res, err := ix.fx.Search(req)
		if err != nil {
			t.Fatal(err)
		}
		h := newHighlighter(q)
		for _, hit := range res.Hits {
			text := texts[hit.ID]
			if text == "" {
				continue
			}
			var want []span
			for _, f := range []string{fText, fWords} {
				for _, locs := range hit.Locations[f] {
					for _, l := range locs {
						want = append(want, span{int(l.Start), int(l.End)})
					}
				}
			}
			slices.SortFunc(want, func(a, b span) int { return cmp.Or(a.start-b.start, b.end-a.end) })
			merged := want[:0]
			for _, s := range want {
				if len(merged) == 0 || s.start >= merged[len(merged)-1].end {
					merged = append(merged, s)
				}
			}
			if got := h.spans(text); !sameMarks(got, merged) {
				t.Errorf("query %s on %q:\nhighlighter %v\nbleve       %v", qs, text, got, merged)
			}
			compared++
		}
	}
	if compared < 100 {
		t.Fatalf("compared only %d findings", compared)
	}
}

// sameMarks reports whether marks cover the words bleve marked, each mark
// starting and ending where one of bleve's does.
func sameMarks(marks, bleveMarks []span) bool {
	starts, ends := map[int]bool{}, map[int]bool{}
	for _, b := range bleveMarks {
		starts[b.start], ends[b.end] = true, true
		if !slices.ContainsFunc(marks, func(m span) bool { return m.start <= b.start && b.end <= m.end }) {
			return false
		}
	}
	for _, m := range marks {
		if !starts[m.start] || !ends[m.end] {
			return false
		}
	}
	return true
}
