package index

import (
	"context"
	"maps"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// TestMatchTermsAsBleve checks that the parallel term matcher finds the
// documents bleve's searchers find, with the same scores, on an index of
// several segments some of whose documents were replaced or deleted.
func TestMatchTermsAsBleve(t *testing.T) {
	ctx := context.Background()
	saved := mergeOptions
	mergeOptions = map[string]any{"MaxSegmentSize": maxSegmentDocs, "FloorSegmentSize": 1}
	t.Cleanup(func() { mergeOptions = saved })
	ix, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ix.SetBatchSize(6, 0)
	g := newGen(7)
	var ids, texts []string
	for i := range 48 {
		doc, finds := g.doc(i, 4, 6)
		texts = append(texts, doc.Pages[0].Text)
		if err := ix.Add(ctx, doc, finds); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, doc.ID)
		if i%6 == 5 { // a segment on disk each
			if err := ix.Flush(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := ix.Delete(ctx, ids[3], ids[17], ids[30]); err != nil {
		t.Fatal(err)
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for _, idx := range []bleve.Index{ix.fx, ix.px} {
		snap, err := snapshot(idx)
		if err != nil {
			t.Fatal(err)
		}
		segs := len(snap.Segments())
		snap.Close()
		if segs < 3 {
			t.Fatalf("want an index of several segments, got %d", segs)
		}
	}

	r := rand.New(rand.NewPCG(3, 4))
	word := func() string {
		for {
			if ts := TextTerms(g.vocab[2+r.IntN(400)]); len(ts) == 1 {
				return ts[0].Term
			}
		}
	}
	queries := []query.Query{termQuery(fText, "nosuchstem")}
	for range 60 {
		n := 1 + r.IntN(3)
		var qs []query.Query
		for range n {
			qs = append(qs, termQuery(fText, word()))
		}
		if n == 1 {
			queries = append(queries, qs[0])
		} else {
			queries = append(queries, query.NewConjunctionQuery(qs))
		}
	}
	// Phrases: runs of two to four words of the pages, stop words too,
	// and the same words out of order.
	for i := range 40 {
		words := strings.Fields(texts[i%len(texts)])
		at := r.IntN(len(words) - 4)
		run := words[at : at+2+r.IntN(3)]
		queries = append(queries, query.NewMatchPhraseQuery(strings.Join(run, " ")))
		slices.Reverse(run)
		queries = append(queries, query.NewMatchPhraseQuery(strings.Join(run, " ")))
	}
	// Phrases among words, and two phrases, as `"safe care" ward` and
	// "well-led staff" make them.
	phrase := func(i int) query.Query {
		for {
			words := strings.Fields(texts[i%len(texts)])
			at := r.IntN(len(words) - 3)
			if run := strings.Join(words[at:at+2+r.IntN(2)], " "); len(TextTerms(run)) > 1 {
				return query.NewMatchPhraseQuery(run)
			}
		}
	}
	for i := range 30 {
		qs := []query.Query{phrase(i), termQuery(fText, word())}
		if i%3 == 0 {
			qs = append(qs, phrase(i+7))
		}
		r.Shuffle(len(qs), func(a, b int) { qs[a], qs[b] = qs[b], qs[a] })
		queries = append(queries, query.NewConjunctionQuery(qs))
	}
	// Words with stop words among them, as the query string reads them:
	// bleve skips the stop words, and so does the rewritten query.
	stops := []string{"the", "of", "were", "not", "there", "should"}
	for range 20 {
		qs := stops[r.IntN(len(stops))] + " " + g.vocab[2+r.IntN(300)]
		if r.IntN(2) == 0 {
			qs += " " + stops[r.IntN(len(stops))] + " " + g.vocab[2+r.IntN(300)]
		}
		q, err := textQuery(qs)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := plainTerms(q); !ok {
			t.Fatalf("%q: not plain words once its stop words are dropped: %#v", qs, q)
		}
		parsed, err := bleve.NewQueryStringQuery(qs).Parse()
		if err != nil {
			t.Fatal(err)
		}
		b := parsed.(*query.BooleanQuery)
		b.AddMust(b.Should.(*query.DisjunctionQuery).Disjuncts...)
		ref := singleTerms(b.Must) // the stop words kept
		for _, idx := range []bleve.Index{ix.fx, ix.px} {
			want := map[uint32]float64{}
			if err := ix.match(ctx, idx, ref, true, func(s uint32, score float64) { want[s] = score }); err != nil {
				t.Fatal(err)
			}
			got := map[uint32]float64{}
			if err := ix.match(ctx, idx, q, true, func(s uint32, score float64) { got[s] = score }); err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, want) {
				t.Errorf("%q: without its stop words %d rows, with them %d, or other scores", qs, len(got), len(want))
			}
		}
		queries = append(queries, q)
	}
	matched, phrases, phraseHits, mixedHits := 0, 0, 0, 0
	for _, q := range queries {
		_, ok := plainTerms(q)
		switch _, phrase := q.(*query.MatchPhraseQuery); {
		case phrase && !ok:
			continue // only stop words
		case phrase:
			phrases++
		case !ok:
			t.Fatalf("%v: not a plain term query", q)
		}
		for name, idx := range map[string]bleve.Index{"findings": ix.fx, "pages": ix.px} {
			cols := &ix.tab.f
			if name == "pages" {
				cols = &ix.tab.p
			}
			for _, scored := range []bool{true, false} {
				want := map[uint32]float64{}
				err := ix.match(ctx, idx, q, scored, func(s uint32, score float64) { want[s] = score })
				if err != nil {
					t.Fatal(err)
				}
				ms := newMatchSet(cols.n, scored)
				if err := ix.matchInto(ctx, idx, q, scored, ms); err != nil {
					t.Fatal(err)
				}
				got := 0
				for s := range uint32(cols.n) {
					if ms.bits[s/64]&(1<<(s%64)) == 0 {
						continue
					}
					got++
					w, ok := want[s]
					if !ok {
						t.Errorf("%s %v: serial %d matched, bleve does not match it", name, q, s)
						continue
					}
					if scored && math.Abs(ms.scores[s]-w) > 1e-12*math.Abs(w) {
						t.Errorf("%s %v: serial %d scored %v, bleve %v", name, q, s, ms.scores[s], w)
					}
				}
				if got != len(want) {
					t.Errorf("%s %v: %d matched, bleve matches %d", name, q, got, len(want))
				}
				matched += got
				if _, phrase := q.(*query.MatchPhraseQuery); phrase && got > 0 {
					phraseHits++
				}
				if c, ok := q.(*query.ConjunctionQuery); ok && got > 0 && slices.ContainsFunc(c.Conjuncts, func(q query.Query) bool {
					_, ok := q.(*query.MatchPhraseQuery)
					return ok
				}) {
					mixedHits++
				}
				ms.release()
			}
		}
	}
	if matched == 0 || phrases < 40 || phraseHits < 20 || mixedHits < 10 {
		t.Fatalf("%d rows matched, %d phrases compared, %d matching, %d phrases among words matching: too few to test", matched, phrases, phraseHits, mixedHits)
	}
}

func TestPlainTerms(t *testing.T) {
	boosted := termQuery(fText, "staf")
	boosted.SetBoost(2)
	mixed := query.NewConjunctionQuery([]query.Query{termQuery(fText, "a"), termQuery(fWords, "b")})
	for _, tc := range []struct {
		q    query.Query
		want int
	}{
		{termQuery(fText, "staf"), 1},
		{query.NewConjunctionQuery([]query.Query{termQuery(fText, "staf"), termQuery(fText, "level")}), 2},
		{boosted, 0},
		{mixed, 0},
		{query.NewPhraseQuery([]string{"staf", "level"}, fText), 0},
		{query.NewMatchPhraseQuery("staffing levels"), 2},
		{query.NewMatchPhraseQuery("staffing"), 1},
		{query.NewMatchPhraseQuery("the"), 0},
		{query.NewDisjunctionQuery([]query.Query{termQuery(fText, "a"), termQuery(fText, "b")}), 0},
		{query.NewMatchQuery("staff"), 0},
		{query.NewConjunctionQuery([]query.Query{query.NewMatchPhraseQuery("staffing levels"), termQuery(fText, "ward")}), 3},
		{query.NewConjunctionQuery([]query.Query{query.NewMatchPhraseQuery("well-led"), query.NewMatchPhraseQuery("safe care")}), 4},
		{query.NewConjunctionQuery([]query.Query{query.NewMatchPhraseQuery("the of"), termQuery(fText, "ward")}), 0},
		{query.NewConjunctionQuery([]query.Query{query.NewMatchPhraseQuery("safe care"), termQuery(fWords, "ward")}), 0},
	} {
		tq, ok := plainTerms(tc.q)
		if ok != (tc.want > 0) || len(tq.terms) != tc.want {
			t.Errorf("plainTerms(%#v) = %v, %v; want %d terms", tc.q, tq.terms, ok, tc.want)
		}
	}
}

// TestParallelFacets checks that facets counted by two goroutines are
// those counted by one.
func TestParallelFacets(t *testing.T) {
	ctx := context.Background()
	ix := genIndex(t, 9, 30, 3)
	saved := parallelCount
	t.Cleanup(func() { parallelCount = saved })
	for _, q := range []Query{{Facets: true}, {Text: "care", Facets: true}, {Text: "staff", Facets: true, Scope: ScopeFindings}} {
		parallelCount = 1 << 30
		one, err := ix.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		parallelCount = 1
		two, err := ix.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if one.Total == 0 || !reflect.DeepEqual(one.Facets, two.Facets) {
			t.Errorf("%+v: %d hits; facets by one goroutine %v, by two %v", q, one.Total, one.Facets, two.Facets)
		}
	}
}

// genIndex opens an index in a new folder holding docs generated
// documents of the given pages and 12 findings each, flushed; the test
// closes it.
func genIndex(t *testing.T, seed uint64, docs, pages int) *Index {
	t.Helper()
	ctx := context.Background()
	ix, err := Open(filepath.Join(t.TempDir(), "idx"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	g := newGen(seed)
	for i := range docs {
		doc, finds := g.doc(i, pages, 12)
		if err := ix.Add(ctx, doc, finds); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	return ix
}

// TestScoreTables checks that the tables of square roots and norms give,
// bit for bit, what the postings of a real index give.
func TestScoreTables(t *testing.T) {
	ix := genIndex(t, 3, 12, 4)
	snap, err := snapshot(ix.px)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	g := newGen(3)
	checked, tabled := 0, 0
	for _, ss := range snap.Segments() {
		dict, err := ss.Segment().Dictionary(fText)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range g.vocab[2:60] {
			for _, tok := range TextTerms(w) {
				pl, err := dict.PostingsList([]byte(tok.Term), nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				it := pl.Iterator(true, true, false, nil)
				for p, err := it.Next(); p != nil; p, err = it.Next() {
					if err != nil {
						t.Fatal(err)
					}
					if got, want := postingNorm(p), p.Norm(); got != want {
						t.Fatalf("%s in %d: norm %v from the table, %v from the posting", tok.Term, p.Number(), got, want)
					}
					if got, want := sqrtFreq(p.Frequency()), math.Sqrt(float64(p.Frequency())); got != want {
						t.Fatalf("sqrt(%d): %v from the table, %v", p.Frequency(), got, want)
					}
					checked++
					if _, ok := p.(lengthNormer); ok {
						tabled++
					}
				}
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("checked only %d postings", checked)
	}
	if tabled == 0 {
		t.Fatal("no posting gave its field's length: the norm table is never used")
	}
}
