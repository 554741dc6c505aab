package index

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/cqcmine/cqcmine/corpus"
	"github.com/cqcmine/cqcmine/corpus/demo"
	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/extract/docx"
	"github.com/cqcmine/cqcmine/extract/html"
	"github.com/cqcmine/cqcmine/extract/pdf"
	"github.com/cqcmine/cqcmine/extract/tag"
	"github.com/cqcmine/cqcmine/extract/text"
)

// costIndex names an index (built by cqcmine index, say of real reports)
// that the cost tests run on besides the demo corpus; it is opened, not
// changed.
var costIndex = flag.String("cost.index", "", "cost tests: an existing index to run on as well as the demo corpus")

// demoIndex indexes the embedded demo corpus into dir: each file
// extracted and tagged as cqcmine does, and added to the index (the
// pipeline, which composes the same stages, is above this package).
func demoIndex(t *testing.T, dir string) {
	t.Helper()
	ctx := context.Background()
	items, err := corpus.WalkFS(ctx, demo.FS(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	tg, err := tag.New()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	extractors := map[extract.Format]extract.Extractor{
		extract.FormatPDF: pdf.Extractor{}, extract.FormatHTML: html.Extractor{},
		extract.FormatDOCX: docx.Extractor{}, extract.FormatText: text.Extractor{},
	}
	for _, it := range items {
		data, err := it.ReadAll(0)
		if err != nil {
			t.Fatal(err)
		}
		format := corpus.Detect(data)
		c, err := extractors[format].Extract(ctx, data, extract.DefaultLimits)
		if err != nil {
			t.Fatalf("%s: %v", it.Path, err)
		}
		doc := &extract.Document{Path: it.Path, ID: corpus.Identify(data), Format: format, Size: int64(len(data)), Content: *c}
		findings, err := tg.TagDoc(ctx, doc, tag.Options{})
		if err != nil {
			t.Fatalf("%s: %v", it.Path, err)
		}
		if err := ix.Add(ctx, doc, findings); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.Close(); err != nil {
		t.Fatalf("index the demo corpus: %v", err)
	}
}

// costIndexes opens the indexes the cost tests run on, by name.
func costIndexes(t *testing.T) map[string]*Index {
	t.Helper()
	dir := t.TempDir()
	demoIndex(t, dir)
	dirs := map[string]string{"demo": dir}
	if *costIndex != "" {
		dirs["cost.index"] = *costIndex
	}
	out := map[string]*Index{}
	for name, dir := range dirs {
		ix, err := Open(dir)
		if err != nil {
			t.Fatalf("open %s index: %v", name, err)
		}
		t.Cleanup(func() { ix.Close() })
		out[name] = ix
	}
	return out
}

// wildcardQuery is a query string of n OR parts of two wildcards each
// ("*ab* *c*l OR *bc* *f*r OR ..."), no two parts alike: every wildcard
// walks the whole dictionary and stands for hundreds or thousands of
// words. 77 parts make 997 bytes.
func wildcardQuery(n int) string {
	const letters = "abcdefghilmnoprstuw"
	l := func(i int) byte { return letters[i%len(letters)] }
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("*%c%c* *%c*%c", l(i), l(i+7*(i/len(letters))+1), l(3*i+2), l(5*i+11))
	}
	return strings.Join(parts, " OR ")
}

// noLimits lifts the cost limits, to time what they prevent.
func noLimits(ctx context.Context) context.Context {
	return context.WithValue(ctx, limitsKey{}, costLimits{term: 1 << 30, query: 1 << 30, memory: 1 << 50, expanding: 1 << 30})
}

func withLimits(ctx context.Context, l costLimits) context.Context {
	return context.WithValue(ctx, limitsKey{}, l)
}

// heapPeak samples the live heap until stop is called, and returns the
// largest sample.
func heapPeak() (stop func() uint64) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 { close(done); wg.Wait(); return peak }
}

// TestQueryCost runs the cost tests on one index of the demo corpus (and
// on -cost.index).
func TestQueryCost(t *testing.T) {
	ixs := costIndexes(t)
	for name, f := range map[string]func(*testing.T, map[string]*Index){
		"WildcardFlood":          testWildcardFlood,
		"CancelStopsMatch":       testCancelStopsMatch,
		"CancelLatency":          testCancelLatency,
		"QueryCostLimits":        testQueryCostLimits,
		"ExpansionCount":         testExpansionCount,
		"BuildSearcherCancelled": testBuildSearcherCancelled,
	} {
		t.Run(name, func(t *testing.T) { f(t, ixs) })
	}
}

// The query of many wildcard parts is refused, or answered, well within
// the request timeout and the memory bound, and leaves no work behind.
func testWildcardFlood(t *testing.T, ixs map[string]*Index) {
	if n := len(wildcardQuery(77)); n < 900 || n > 1000 {
		t.Fatalf("query of %d bytes, want about 1000", n)
	}
	for name, ix := range ixs {
		// 77 parts pass the limit on expanding terms; 16 parts (32
		// terms) reach it, and their expansions are counted.
		for _, parts := range []int{77, 16} {
			q := Query{Text: wildcardQuery(parts), Scope: ScopeAll}
			t.Run(fmt.Sprintf("%s/%d", name, parts), func(t *testing.T) {
				runtime.GC()
				goroutines := runtime.NumGoroutine()
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				stop := heapPeak()
				start := time.Now()
				res, err := ix.Search(ctx, q)
				took := time.Since(start)
				peak := stop()
				var qe *QueryError
				switch {
				case errors.As(err, &qe):
					t.Logf("refused in %v (heap peak %d MiB): %s", took, peak>>20, qe.Message())
					if !strings.Contains(qe.Reason, "limit") {
						t.Errorf("reason names no limit: %s", qe.Reason)
					}
				case errors.Is(err, context.DeadlineExceeded):
					t.Logf("timed out in %v (heap peak %d MiB)", took, peak>>20)
				case err != nil:
					t.Fatalf("search: %v", err)
				default:
					t.Logf("%d hits in %v (heap peak %d MiB)", res.Total, took, peak>>20)
				}
				// Generous bounds: the machine may be busy.
				if took > 11*time.Second {
					t.Errorf("answered after %v, want within 11s", took)
				}
				if peak > 1<<30 {
					t.Errorf("heap peaked at %d MiB, want under 1 GiB", peak>>20)
				}
				// Nothing of the search goes on after it returns.
				deadline := time.Now().Add(2 * time.Second)
				for runtime.NumGoroutine() > goroutines && time.Now().Before(deadline) {
					time.Sleep(10 * time.Millisecond)
				}
				if n := runtime.NumGoroutine(); n > goroutines {
					t.Errorf("%d goroutines 2s after the search, %d before", n, goroutines)
				}
			})
		}
	}
}

// A cancelled query stops at the next match: the matching loop looks at
// the context before each.
func testCancelStopsMatch(t *testing.T, ixs map[string]*Index) {
	for name, ix := range ixs {
		t.Run(name, func(t *testing.T) {
			for _, text := range []string{"care", "care OR staff OR trust", "*e* *a*"} {
				q, err := textQuery(text)
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithCancel(noLimits(context.Background()))
				calls := 0
				err = ix.match(ctx, ix.px, q, true, func(uint32, float64) {
					calls++
					cancel()
				})
				cancel()
				if !errors.Is(err, context.Canceled) || calls != 1 {
					t.Errorf("%q: cancelled at the first match, got %d matches and %v", text, calls, err)
				}
			}
		})
	}
}

// A query cancelled while it runs returns soon after: the query of many
// wildcard parts without limits (cancelled while its searchers are built)
// and the dearest query the limits let through (cancelled while it
// matches). The bound asserted is generous; the test logs the times.
// Run without limits, the flood is never left to finish: on an index of
// 300 reports it takes minutes.
func testCancelLatency(t *testing.T, ixs map[string]*Index) {
	for name, ix := range ixs {
		t.Run(name, func(t *testing.T) {
			flood := Query{Text: wildcardQuery(77), Scope: ScopeAll}
			dear := Query{Text: dearestQuery(t, ix), Scope: ScopePages}
			for _, tt := range []struct {
				what string
				q    Query
				ctx  context.Context
			}{
				{"flood without limits", flood, noLimits(context.Background())},
				{"dearest within limits", dear, context.Background()},
			} {
				if tt.ctx == context.Background() {
					start := time.Now()
					_, err := ix.Search(tt.ctx, tt.q)
					t.Logf("%s: %v uncancelled (%v)", tt.what, time.Since(start), err)
				}
				for _, after := range []time.Duration{0, 20 * time.Millisecond, 200 * time.Millisecond, time.Second} {
					ctx, cancel := context.WithCancel(tt.ctx)
					done := make(chan error, 1)
					go func() {
						_, err := ix.Search(ctx, tt.q)
						done <- err
					}()
					time.Sleep(after)
					cancel()
					at := time.Now()
					err := <-done
					lat := time.Since(at)
					if err == nil {
						t.Logf("%s, cancelled after %v: had finished", tt.what, after)
						continue
					}
					t.Logf("%s, cancelled after %v: returned %v later", tt.what, after, lat)
					if !errors.Is(err, context.Canceled) {
						t.Errorf("%s, cancelled after %v: %v, want context.Canceled", tt.what, after, err)
					}
					if lat > 2*time.Second {
						t.Errorf("%s, cancelled after %v: returned %v later, want well under 2s", tt.what, after, lat)
					}
				}
			}
		})
	}
}

// dearestQuery is an OR of prefixes (a*, b*, ...) standing for as many
// words of the pages index as the limits allow.
func dearestQuery(t *testing.T, ix *Index) string {
	r, err := snapshot(ix.px)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	fd, err := r.FieldDict(fText)
	if err != nil {
		t.Fatal(err)
	}
	defer fd.Close()
	byFirst := map[string]int{}
	for e, err := fd.Next(); e != nil && err == nil; e, err = fd.Next() {
		if c := e.Term[:min(1, len(e.Term))]; c >= "a" && c <= "z" {
			byFirst[c]++
		}
	}
	firsts := slices.Collect(maps.Keys(byFirst))
	slices.SortFunc(firsts, func(a, b string) int { return byFirst[b] - byFirst[a] })
	var parts []string
	words := 0
	for _, f := range firsts {
		n := byFirst[f]
		if n > MaxTermExpansion || words+n > MaxQueryExpansion {
			continue
		}
		parts = append(parts, f+"*")
		words += n
	}
	t.Logf("dearest query: %d words: %s", words, strings.Join(parts, " OR "))
	return strings.Join(parts, " OR ")
}

// Each limit refuses a query with a *QueryError naming it; queries within
// the limits run as before.
func testQueryCostLimits(t *testing.T, ixs map[string]*Index) {
	ix := ixs["demo"]
	lim := func(term, query int, memory int64) costLimits { return costLimits{term, query, memory, 100} }
	tests := []struct {
		text string
		lim  costLimits
		want []string // in the reason; nil when the query runs
	}{
		{"st*", lim(2, 1000, 1<<30), []string{"wildcard st*", "more than 2 words", "limit for one term"}},
		{"ward OR /st.*/", lim(2, 1000, 1<<30), []string{"regexp /st.*/", "more than 2 words"}},
		{"care~2", lim(2, 1000, 1<<30), []string{"fuzzy word care~2", "more than 2 words"}},
		{"care OR staff OR ward OR trust", lim(1000, 3, 1<<30), []string{"more than 3 words", "limit for one query"}},
		{"s*", lim(1000, 1000, 10<<10), []string{"MiB", "one query may use"}},
		{"s* OR t* OR u*", costLimits{1000, 1000, 1 << 30, 2}, []string{"more than 2 wildcard, regexp or fuzzy terms"}},
		{"s* OR t*~1 OR /u.*/", costLimits{1000, 1000, 1 << 30, 2}, []string{"more than 2 wildcard, regexp or fuzzy terms"}},
		// Within the limits.
		{"staff*", defaultLimits, nil},
		{"care OR staff OR ward OR trust", lim(1, 4, 1<<30), nil},
		{"s* OR t* OR care~1", costLimits{1000, 1000, 1 << 30, 3}, nil},
		{"staffing~2 OR /staf+.*/ OR manag*", defaultLimits, nil},
		{`"safe care"`, lim(1, 2, 1<<30), nil},
	}
	for _, tt := range tests {
		for _, scope := range []string{ScopeFindings, ScopePages} {
			ctx := withLimits(context.Background(), tt.lim)
			q := Query{Text: tt.text, Scope: scope, Limit: MaxLimit}
			res, err := ix.Search(ctx, q)
			if tt.want == nil {
				free, ferr := ix.Search(noLimits(context.Background()), q)
				switch {
				case err != nil || ferr != nil:
					t.Errorf("%s %q: %v (without limits: %v)", scope, tt.text, err, ferr)
				case !slices.Equal(cursorKeys(res.Hits), cursorKeys(free.Hits)):
					t.Errorf("%s %q: %d hits, %d without limits", scope, tt.text, res.Total, free.Total)
				}
				continue
			}
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Errorf("%s %q: %v, want a QueryError", scope, tt.text, err)
				continue
			}
			for _, w := range tt.want {
				if !strings.Contains(qe.Reason, w) {
					t.Errorf("%s %q: reason %q lacks %q", scope, tt.text, qe.Reason, w)
				}
			}
		}
	}
}

// The count of an expanding term is the number of distinct words of the
// dictionary it matches, as bleve finds them.
func testExpansionCount(t *testing.T, ixs map[string]*Index) {
	ix := ixs["demo"]
	r, err := snapshot(ix.px)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	fd, err := r.FieldDict(fText)
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	for e, err := fd.Next(); e != nil && err == nil; e, err = fd.Next() {
		words = append(words, e.Term)
	}
	fd.Close()
	count := func(match func(string) bool) int {
		n := 0
		for _, w := range words {
			if match(w) {
				n++
			}
		}
		return max(n, 1)
	}
	segs := len(r.Segments())
	prefix := bleve.NewPrefixQuery("car")
	prefix.SetField(fText)
	tests := []struct {
		q    query.Query
		want int
	}{
		{bleve.NewWildcardQuery("s*"), count(func(w string) bool { return strings.HasPrefix(w, "s") })},
		{bleve.NewWildcardQuery("*e*"), count(func(w string) bool { return strings.Contains(w, "e") })},
		{bleve.NewWildcardQuery("st??f"), count(func(w string) bool { return len(w) == 5 && strings.HasPrefix(w, "st") && w[4] == 'f' })},
		{bleve.NewWildcardQuery("a.b*"), count(func(w string) bool { return strings.HasPrefix(w, "a.b") })},
		{bleve.NewRegexpQuery("car.*"), count(func(w string) bool { return strings.HasPrefix(w, "car") })},
		{prefix, count(func(w string) bool { return strings.HasPrefix(w, "car") })},
		{bleve.NewConjunctionQuery(bleve.NewTermQuery("care"), bleve.NewWildcardQuery("s*")), 1 + count(func(w string) bool { return strings.HasPrefix(w, "s") })},
	}
	for _, tt := range tests {
		c, err := checkCost(context.Background(), r, ix.px.Mapping(), tt.q, segs, noLimitsOf())
		if err != nil || c.words != tt.want {
			t.Errorf("%#v: %d words, %v; want %d", tt.q, c.words, err, tt.want)
		}
	}
}

func noLimitsOf() costLimits { return limitsOf(noLimits(context.Background())) }

// Building the searcher of an OR query stops between its parts once
// the context is done.
func testBuildSearcherCancelled(t *testing.T, ixs map[string]*Index) {
	ix := ixs["demo"]
	adv, err := ix.fx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	q, err := textQuery(wildcardQuery(10))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if s, err := buildSearcher(ctx, r, ix.fx.Mapping(), q, search.SearcherOptions{}); !errors.Is(err, context.Canceled) {
		if s != nil {
			s.Close()
		}
		t.Errorf("cancelled: %v, want context.Canceled", err)
	}
	s, err := buildSearcher(context.Background(), r, ix.fx.Mapping(), q, search.SearcherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

// A cursor gives the hits of Search in the same order, batch by batch;
// when the index changes between batches it goes on after the last hit
// it gave.
func TestCursor(t *testing.T) {
	ix, docs := openCorpus(t)
	ctx := context.Background()
	for _, q := range []Query{
		{},
		{Text: "staff* OR care", Scope: ScopeAll},
		{Text: "trust", Sort: SortDate},
		{Kinds: []string{"must-do", "quote"}, Scope: ScopeAll},
	} {
		want := cursorKeys(doSearch(t, ix, withLimit(q, MaxLimit)).Hits)
		cur, err := ix.Cursor(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for {
			res, err := cur.Next(ctx, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) == 0 {
				break
			}
			got = append(got, cursorKeys(res.Hits)...)
		}
		if !slices.Equal(got, want) || cur.Given() != cur.Total || cur.Total != uint64(len(want)) {
			t.Errorf("%+v: cursor gave %d of %d\n%q\nsearch gave\n%q", q, cur.Given(), cur.Total, got, want)
		}
	}

	// The index changes after the first batch: the cursor matches again and
	// goes on, giving no hit twice.
	cur, err := ix.Cursor(ctx, Query{})
	if err != nil {
		t.Fatal(err)
	}
	first, err := cur.Next(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Delete a document the first batch has no hit of.
	gone := ""
	for _, d := range docs {
		if !slices.ContainsFunc(first.Hits, func(h Hit) bool { return h.DocID == d.doc.ID }) {
			gone = d.doc.ID
		}
	}
	if gone == "" {
		t.Fatal("every document has a hit in the first batch")
	}
	if err := ix.Delete(ctx, gone); err != nil {
		t.Fatal(err)
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got := cursorKeys(first.Hits)
	for {
		res, err := cur.Next(ctx, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 {
			break
		}
		got = append(got, cursorKeys(res.Hits)...)
	}
	want := cursorKeys(doSearch(t, ix, withLimit(Query{}, MaxLimit)).Hits)
	if !slices.Equal(got, want) {
		t.Errorf("after a change: cursor gave\n%q\nsearch gives\n%q", got, want)
	}
}

func withLimit(q Query, n int) Query { q.Limit = n; return q }

func cursorKeys(hits []Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = fmt.Sprintf("%s/%s/%d", h.DocID, h.Kind, h.Page)
		if h.Finding != nil {
			out[i] += "/" + h.Finding.Text
		}
	}
	return out
}
