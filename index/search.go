package index

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/cqcmine/cqcmine/extract"
)

// Results is one page of hits, with facet counts over all hits.
type Results struct {
	Total  uint64        `json:"total"`
	Took   time.Duration `json:"took"`
	Hits   []Hit         `json:"hits"`
	Facets []Facet       `json:"facets,omitempty"`
}

// Hit is a page or a finding that matched, with its document's metadata.
type Hit struct {
	DocID     string `json:"doc_id"`
	Path      string `json:"path"`
	Title     string `json:"title,omitempty"`
	Provider  string `json:"provider,omitempty"`
	DocType   string `json:"doc_type,omitempty"`
	Published string `json:"published,omitempty"`
	// Page is 1-based; 0 for a format without pages.
	Page int `json:"page"`
	// Kind is "page" for a page hit, the finding's kind otherwise.
	Kind string `json:"kind"`
	// Finding is set for finding hits.
	Finding *extract.Finding `json:"finding,omitempty"`
	Snippet []Fragment       `json:"snippet,omitempty"`
	Score   float64          `json:"score"`
}

// KindPage is Hit.Kind for a page hit.
const KindPage = "page"

// Fragment is a piece of a snippet: text before a match, the match, and
// (in the last fragment) the text after it. The snippet's text is the
// concatenation of every Pre, Match and Post in order. Kept apart so that
// templates escape each piece.
type Fragment struct {
	Pre   string `json:"pre,omitempty"`
	Match string `json:"match,omitempty"`
	Post  string `json:"post,omitempty"`
}

// Facet is the count of hits by the values of one field.
type Facet struct {
	Field string `json:"field"`
	// Total is the number of values counted (a finding with two themes
	// counts twice); Missing the hits without a value.
	Total   int         `json:"total"`
	Missing int         `json:"missing"`
	Terms   []FacetTerm `json:"terms"`
}

// FacetTerm is one value of a facet and its count.
type FacetTerm struct {
	Term  string `json:"term"`
	Count int    `json:"count"`
}

// Search runs q. Facets, when asked for, count every hit, not just the
// page returned.
//
// Bleve only matches the text; filters, facets and the order of hits come
// from the in-memory columns, and a query without text is answered from
// them alone.
func (ix *Index) Search(ctx context.Context, q Query) (*Results, error) {
	start := time.Now()
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("search %q: %w", q.Text, err)
	}
	wantF := q.Scope == "" || q.Scope == ScopeFindings || q.Scope == ScopeAll
	wantP := q.Scope == ScopePages || q.Scope == ScopeAll
	var textF, textP query.Query
	if q.Text != "" {
		var err error
		if textF, err = textQuery(q.Text); err != nil {
			return nil, err
		}
		if textP, err = textQuery(q.Text); err != nil {
			return nil, err
		}
		if textP != nil {
			textP = pagePhrases(textP)
		}
	}
	hasText := textF != nil

	t := ix.tab
	t.mu.RLock()
	c := newCollector(t, &q, hasText)
	var err error
	// Text matches are marked first, then scanned like every row.
	textScan := func(idx bleve.Index, tq query.Query, cols *cols, pages bool) error {
		ms := newMatchSet(cols.n, c.byScore)
		defer ms.release()
		err := ix.match(ctx, idx, tq, c.byScore, func(serial uint32, score float64) {
			if int(serial) < cols.n {
				ms.add(serial, score)
			}
		})
		if err != nil {
			return err
		}
		return c.scanMatched(ctx, cols, pages, "", ms)
	}
	if wantF {
		if hasText {
			err = textScan(ix.fx, textF, &t.f, false)
		} else {
			err = c.scan(ctx, &t.f, false, scopeKey(q.Scope, ScopeFindings))
		}
	}
	if wantP && err == nil {
		if hasText {
			err = textScan(ix.px, textP, &t.p, true)
		} else {
			err = c.scan(ctx, &t.p, true, scopeKey(q.Scope, ScopePages))
		}
	}
	var facets []Facet
	if err == nil && q.Facets {
		facets = c.facetResults(t, q.facetSize())
	}
	refs := c.sorted()
	if q.Offset < len(refs) {
		refs = refs[q.Offset:]
	} else {
		refs = nil
	}
	docs := make([]*docEntry, len(refs))
	for i := range refs {
		h := &refs[i]
		docs[i] = t.dlist[h.doc]
		if !h.page && int(h.serial) < t.f.n {
			h.fpage = t.f.page[h.serial]
		}
	}
	t.mu.RUnlock()
	c.release()
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.Text, err)
	}

	out := &Results{Total: c.total, Hits: make([]Hit, 0, len(refs)), Facets: facets}
	if err := ix.fillHits(ctx, out, refs, docs, textF, textP); err != nil {
		return nil, err
	}
	out.Took = time.Since(start)
	return out, nil
}

func scopeKey(scope, part string) string { return scope + "/" + part }

// hitRef is a matching row, with what ranks it.
type hitRef struct {
	serial uint32
	doc    uint32 // ordinal
	num    int32
	date   int32
	page   bool  // a row of the pages table
	fpage  int32 // a finding's page, set once kept
	score  float64
}

// counts are facet counts: per facet, a count per code, code 0 counting
// the rows without a value.
type counts [nSingle + 1][]int32

func newCounts(t *table) *counts {
	var c counts
	for i := range c {
		c[i] = make([]int32, t.dicts[i].size())
	}
	return &c
}

func (c *counts) add(o *counts) {
	for i := range c {
		for j, n := range o[i] {
			if j < len(c[i]) {
				c[i][j] += n
			}
		}
	}
}

// collector counts the matching rows and their facets, and keeps the best
// k in a heap whose root is the worst kept. Rows passing every filter
// are gathered in sel, rows failing only a multi-select facet's filter in
// own, and counted column by column once a table is done.
type collector struct {
	t       *table
	m       *matcher
	k       int
	byScore bool
	byDate  bool
	facets  bool
	total   uint64
	heap    []hitRef
	counts  *counts
	sel     []uint32
	own     [16][]uint32 // by filter bit position
	lists   *rowLists    // where sel and own came from
}

// rowLists are a collector's lists of rows, kept between searches.
type rowLists struct {
	sel []uint32
	own [16][]uint32
}

var rowPool = sync.Pool{New: func() any { return &rowLists{} }}

func newCollector(t *table, q *Query, hasText bool) *collector {
	// Sorted by date, hits are not scored: ties keep document order.
	c := &collector{t: t, m: q.matcher(t), k: q.Offset + q.limit(), byScore: hasText && q.Sort != SortDate,
		byDate: q.Sort == SortDate || !hasText, facets: q.Facets}
	if c.facets {
		c.counts = newCounts(t)
		c.lists = rowPool.Get().(*rowLists)
		c.sel = c.lists.sel[:0]
		for i := range c.own {
			c.own[i] = c.lists.own[i][:0]
		}
	}
	c.heap = make([]hitRef, 0, min(c.k, 1024))
	return c
}

// release returns the collector's scratch space.
func (c *collector) release() {
	l := c.lists
	if l == nil {
		return
	}
	l.sel = c.sel[:0]
	for i := range c.own {
		l.own[i] = c.own[i][:0]
	}
	rowPool.Put(l)
	c.lists, c.sel, c.own = nil, nil, [16][]uint32{}
}

// scan collects every live row of cols; key names the scan for the cache
// of unfiltered facet counts.
func (c *collector) scan(ctx context.Context, cols *cols, pages bool, key string) error {
	return c.scanMatched(ctx, cols, pages, key, nil)
}

// matchSet is the rows a text query matched: a bitset by serial and, when
// scored, each matched row's score.
type matchSet struct {
	bits   []uint64
	scores []float64 // nil when not scored
	buf    []float64 // the scores' storage, kept between uses
}

var matchPool = sync.Pool{New: func() any { return &matchSet{} }}

// newMatchSet returns an empty set for n rows.
func newMatchSet(n int, scored bool) *matchSet {
	m := matchPool.Get().(*matchSet)
	m.bits = grow(m.bits[:0], (n+63)/64)
	clear(m.bits)
	m.scores = nil
	if scored {
		m.buf = grow(m.buf[:0], n)
		m.scores = m.buf
	}
	return m
}

func (m *matchSet) add(s uint32, score float64) {
	m.bits[s/64] |= 1 << (s % 64)
	if m.scores != nil {
		m.scores[s] = score
	}
}

func (m *matchSet) release() {
	m.scores = nil
	matchPool.Put(m)
}

// scanMatched collects the live rows of cols that text matched (all when
// matched is nil); key names an unfiltered scan of every row for the cache
// of facet counts. Filters are checked 64 rows at a time.
func (c *collector) scanMatched(ctx context.Context, cols *cols, pages bool, key string, matched *matchSet) error {
	cached := matched == nil && c.facets && len(c.m.checks) == 0
	if cached {
		if n := c.t.cachedCounts(key); n != nil {
			c.counts.add(n)
			c.facets = false // counted already
			defer func() { c.facets = true }()
			cached = false
		}
	}
	var before *counts
	if cached {
		before, c.counts = c.counts, newCounts(c.t)
	}
	var pass [16]uint64
	checks := c.m.checks
	own := c.facets && c.m.own != 0
	var scores []float64
	if matched != nil {
		scores = matched.scores
	}
	for w, live := range cols.live {
		if w&255 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if matched != nil {
			if w >= len(matched.bits) {
				break
			}
			live &= matched.bits[w]
		}
		if live == 0 {
			continue
		}
		all := live
		if len(checks) > 0 {
			base := w * 64
			end := min(base+64, cols.n)
			for j := range checks {
				pass[j] = checks[j].word(cols, base, end)
				all &= pass[j]
				if all == 0 && !own {
					break
				}
			}
			if own {
				c.ownWord(cols, w, live, pass[:len(checks)])
			}
		}
		for all != 0 {
			s := uint32(w*64 + bits.TrailingZeros64(all))
			all &= all - 1
			score := 0.0
			if scores != nil {
				score = scores[s]
			}
			c.take(cols, s, pages, score)
		}
	}
	c.count(cols)
	if cached {
		c.t.storeCounts(key, c.counts)
		before.add(c.counts)
		c.counts = before
	}
	return nil
}

// ownWord gathers the rows of word w that fail only the filter of one
// multi-select facet, given which rows pass each filter.
func (c *collector) ownWord(cols *cols, w int, live uint64, pass []uint64) {
	for j := range pass {
		if c.m.own&(1<<j) == 0 {
			continue
		}
		only := live &^ pass[j]
		for k := range pass {
			if k != j {
				only &= pass[k]
			}
		}
		for only != 0 {
			c.own[j] = append(c.own[j], uint32(w*64+bits.TrailingZeros64(only)))
			only &= only - 1
		}
	}
}

// take collects row s of cols, which passes the filters.
func (c *collector) take(cols *cols, s uint32, pages bool, score float64) {
	c.total++
	if c.facets {
		c.sel = append(c.sel, s)
	}
	if c.k == 0 {
		return
	}
	if len(c.heap) == c.k {
		// Most rows rank below the worst kept: tell without a hitRef.
		root := &c.heap[0]
		if c.byDate {
			if d := cols.date[s]; d != root.date {
				if d == 0 || (root.date != 0 && d < root.date) {
					return
				}
			} else if c.byScore && score < root.score {
				return
			}
		} else if c.byScore && score < root.score {
			return
		}
	}
	h := hitRef{serial: s, doc: cols.doc[s], num: cols.num[s], date: cols.date[s], page: pages, score: score}
	if len(c.heap) < c.k {
		c.heap = append(c.heap, h)
		c.up(len(c.heap) - 1)
		return
	}
	if !c.before(&h, &c.heap[0]) {
		return
	}
	c.heap[0] = h
	c.down(0)
}

// count adds the facets of the rows gathered from cols, and empties the
// gathered lists.
func (c *collector) count(cols *cols) {
	if !c.facets {
		return
	}
	for f := range nSingle {
		countColumn(c.counts[f], cols.v[f], c.sel)
	}
	countThemes(c.counts[cTheme], cols, c.sel)
	for b, rows := range c.own {
		if len(rows) == 0 {
			continue
		}
		if f := c.m.facet[b]; f == cTheme {
			countThemes(c.counts[cTheme], cols, rows)
		} else {
			countColumn(c.counts[f], cols.v[f], rows)
		}
		c.own[b] = rows[:0]
	}
	c.sel = c.sel[:0]
}

// countColumn counts the values of rows in col, a nil col being all 0.
func countColumn(n []int32, col []uint32, rows []uint32) {
	if col == nil {
		n[0] += int32(len(rows))
		return
	}
	if len(n) > 256 {
		for _, s := range rows {
			if v := col[s]; int(v) < len(n) {
				n[v]++
			}
		}
		return
	}
	// Few values: four histograms in turn, so that runs of one value do
	// not wait on the same counter.
	var h [4][256]int32
	i := 0
	for ; i+4 <= len(rows); i += 4 {
		h[0][uint8(col[rows[i]])]++
		h[1][uint8(col[rows[i+1]])]++
		h[2][uint8(col[rows[i+2]])]++
		h[3][uint8(col[rows[i+3]])]++
	}
	for ; i < len(rows); i++ {
		h[0][uint8(col[rows[i]])]++
	}
	for v := range n {
		n[v] += h[0][v] + h[1][v] + h[2][v] + h[3][v]
	}
}

func countThemes(n []int32, cols *cols, rows []uint32) {
	if cols.themes == nil {
		n[0] += int32(len(rows))
		return
	}
	for _, s := range rows {
		b := cols.themes[s]
		switch {
		case b == 0:
			n[0]++
		case b&1 == 0:
			for b != 0 {
				if v := bits.TrailingZeros64(b); v < len(n) {
					n[v]++
				}
				b &= b - 1
			}
		default:
			for _, v := range cols.more[s] {
				if int(v) < len(n) {
					n[v]++
				}
			}
		}
	}
}

// cachedCounts returns the facet counts of every live row of a scan, when
// known for the table as it is.
func (t *table) cachedCounts(key string) *counts {
	t.cacheMu.Lock()
	defer t.cacheMu.Unlock()
	if t.cacheAt != t.gen {
		return nil
	}
	return t.cache[key]
}

func (t *table) storeCounts(key string, n *counts) {
	t.cacheMu.Lock()
	defer t.cacheMu.Unlock()
	if t.cacheAt != t.gen || t.cache == nil {
		t.cache, t.cacheAt = map[string]*counts{}, t.gen
	}
	t.cache[key] = n
}

// before reports whether a ranks before b: newer first when sorting by
// date (undated last), then higher score, then by document, record,
// findings and pages, and number.
func (c *collector) before(a, b *hitRef) bool {
	if c.byDate && a.date != b.date {
		if a.date == 0 || b.date == 0 {
			return b.date == 0
		}
		return a.date > b.date
	}
	if c.byScore && a.score != b.score {
		return a.score > b.score
	}
	if a.doc != b.doc {
		return c.t.dlist[a.doc].id < c.t.dlist[b.doc].id
	}
	if ka, kb := a.order(), b.order(); ka != kb {
		return ka < kb
	}
	return a.num < b.num
}

func (h *hitRef) order() int {
	switch {
	case h.page:
		return 2
	case h.num < 0:
		return 0
	}
	return 1
}

// The heap's root is its worst hit.
func (c *collector) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !c.before(&c.heap[p], &c.heap[i]) {
			return
		}
		c.heap[p], c.heap[i] = c.heap[i], c.heap[p]
		i = p
	}
}

func (c *collector) down(i int) {
	n := len(c.heap)
	for {
		w := i
		for _, ch := range [2]int{2*i + 1, 2*i + 2} {
			if ch < n && c.before(&c.heap[w], &c.heap[ch]) {
				w = ch
			}
		}
		if w == i {
			return
		}
		c.heap[w], c.heap[i] = c.heap[i], c.heap[w]
		i = w
	}
}

func (c *collector) sorted() []hitRef {
	slices.SortFunc(c.heap, func(a, b hitRef) int {
		switch {
		case c.before(&a, &b):
			return -1
		case c.before(&b, &a):
			return 1
		}
		return 0
	})
	return c.heap
}

// facetResults turns the counts into facets, the size most frequent
// values of each, by count then value. t.mu must be held.
func (c *collector) facetResults(t *table, size int) []Facet {
	out := make([]Facet, 0, len(FacetFields))
	better := func(a, b FacetTerm) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Term, b.Term)
	}
	for i, name := range FacetFields {
		n := c.counts[i]
		f := Facet{Field: name, Missing: int(n[0]), Terms: []FacetTerm{}}
		// The best size terms, kept sorted while counting.
		for code := 1; code < len(n); code++ {
			k := int(n[code])
			if k == 0 {
				continue
			}
			f.Total += k
			if len(f.Terms) == size && int32(f.Terms[size-1].Count) > n[code] {
				continue
			}
			term := FacetTerm{Term: t.dicts[i].value(uint32(code)), Count: k}
			at, _ := slices.BinarySearchFunc(f.Terms, term, better)
			if at == size {
				continue
			}
			if len(f.Terms) == size {
				f.Terms = f.Terms[:size-1]
			}
			f.Terms = slices.Insert(f.Terms, at, term)
		}
		out = append(out, f)
	}
	return out
}

// fillHits makes the hits of refs: stored findings, page texts, snippets.
func (ix *Index) fillHits(ctx context.Context, out *Results, refs []hitRef, docs []*docEntry, textF, textP query.Query) error {
	var findingIDs []string
	blobs := map[pageKey]bool{}
	for i, h := range refs {
		d := docs[i]
		hit := Hit{DocID: d.id, Path: d.path, Title: d.title, Provider: d.provider, DocType: d.docType,
			Published: d.published, Score: h.score}
		if h.page {
			hit.Kind = KindPage
			hit.Page = int(h.num)
			blobs[pageKey{d.id, hit.Page}] = true
		} else {
			findingIDs = append(findingIDs, h.bleveID(d))
		}
		out.Hits = append(out.Hits, hit)
	}
	for i, h := range refs {
		if !h.page {
			blobs[pageKey{docs[i].id, int(h.fpage)}] = true
		}
	}
	var serials []uint32
	for _, h := range refs {
		if !h.page {
			serials = append(serials, h.serial)
		}
	}
	stored := make(map[uint32]string, len(serials))
	err := ix.stored(ctx, ix.fx, serials, fFinding, func(i int, v []byte) { stored[serials[i]] = string(v) })
	if err != nil {
		return fmt.Errorf("search: fetch findings: %w", err)
	}
	byID := map[string]*docEntry{}
	for _, d := range docs {
		byID[d.id] = d
	}
	pageTexts, err := ix.pageTexts(ctx, blobs, byID)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	for i, h := range refs {
		if h.page {
			continue
		}
		hit := &out.Hits[i]
		v, ok := stored[h.serial]
		if !ok {
			return fmt.Errorf("search: %s: stored finding missing", h.bleveID(docs[i]))
		}
		f, err := decodeFinding(v, docs[i], func(n int) (string, bool) {
			t, ok := pageTexts[pageKey{hit.DocID, n}]
			return t, ok
		})
		if err != nil {
			return fmt.Errorf("search: %s: %w", h.bleveID(docs[i]), err)
		}
		hit.Finding = f
		hit.Kind = string(f.Kind)
		hit.Page = f.Page
		if f.Provider != "" {
			hit.Provider = f.Provider
		}
	}

	// Where the text matched, in the finding hits only.
	locs := map[string][]span{}
	if textF != nil && len(findingIDs) > 0 {
		lr := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(bleve.NewDocIDQuery(findingIDs), textF), len(findingIDs), 0, false)
		lr.IncludeLocations = true
		lres, err := ix.fx.SearchInContext(ctx, lr)
		if err != nil {
			return fmt.Errorf("search: locate matches: %w", err)
		}
		for _, h := range lres.Hits {
			locs[h.ID] = textSpans(h.Locations)
		}
	}
	var hl *highlighter
	if textP != nil {
		hl = newHighlighter(ix.px.Mapping(), textP)
	}
	for i, h := range refs {
		hit := &out.Hits[i]
		if h.page {
			text := pageTexts[pageKey{hit.DocID, hit.Page}]
			var spans []span
			if hl != nil {
				spans = hl.spans(text)
			}
			hit.Snippet = pageSnippet(text, spans)
			continue
		}
		text, ok := pageTexts[pageKey{hit.DocID, hit.Finding.Page}]
		hit.Snippet = findingSnippet(hit.Finding, text, ok, locs[h.bleveID(docs[i])])
	}
	return nil
}

func (h *hitRef) bleveID(d *docEntry) string {
	switch {
	case h.page:
		return pageID(d.id, int(h.num))
	case h.num < 0:
		return recordID(d.id)
	}
	return findingID(d.id, int(h.num))
}

type pageKey struct {
	doc  string
	page int
}

// pageCache keeps recently shown page texts. A document's id is the hash
// of its content, so a page's text never changes under its key. It holds
// two generations: a text found in the old one moves to the new one, and
// when the new one is full it becomes the old one.
type pageCache struct {
	mu       sync.Mutex
	cur, old map[pageKey]string
	size     int // bytes in cur
}

// pageCacheBytes bounds each generation of the page cache.
const pageCacheBytes = 4 << 20

func (c *pageCache) get(k pageKey) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.cur[k]; ok {
		return t, true
	}
	t, ok := c.old[k]
	if ok {
		c.add(k, t)
	}
	return t, ok
}

func (c *pageCache) put(k pageKey, text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.add(k, text)
}

func (c *pageCache) add(k pageKey, text string) {
	if len(text) > pageCacheBytes/16 {
		return
	}
	if c.cur == nil || c.size+len(text) > pageCacheBytes {
		c.old, c.cur, c.size = c.cur, map[pageKey]string{}, 0
	}
	if _, ok := c.cur[k]; !ok {
		c.cur[k] = text
		c.size += len(text)
	}
}

// pageTexts returns the text of the given pages of the given documents.
func (ix *Index) pageTexts(ctx context.Context, want map[pageKey]bool, docs map[string]*docEntry) (map[pageKey]string, error) {
	out := map[pageKey]string{}
	if len(want) == 0 {
		return out, nil
	}
	var list []*docEntry
	var serials []uint32
	for k := range want {
		if text, ok := ix.pcache.get(k); ok {
			out[k] = text
			continue
		}
		if d := docs[k.doc]; d != nil && len(d.pages) > 0 && !slices.Contains(list, d) {
			list = append(list, d)
			serials = append(serials, d.pSerial)
		}
	}
	var derr error
	err := ix.stored(ctx, ix.px, serials, fPages, func(i int, v []byte) {
		id := list[i].id
		pages, err := decodePages(v, func(n int) bool { return want[pageKey{id, n}] })
		if err != nil {
			derr = errors.Join(derr, fmt.Errorf("page texts of %s: %w", id, err))
			return
		}
		for _, p := range pages {
			k := pageKey{id, p.Number}
			out[k] = p.Text
			ix.pcache.put(k, p.Text)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("fetch page texts: %w", err)
	}
	return out, derr
}

// span is a byte range of a text.
type span struct{ start, end int }

// textSpans returns the matches in the text field, sorted, without
// overlaps.
func textSpans(m search.FieldTermLocationMap) []span {
	var spans []span
	for _, locs := range m[fText] {
		for _, l := range locs {
			spans = append(spans, span{int(l.Start), int(l.End)})
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	out := spans[:0]
	for _, s := range spans {
		if len(out) > 0 && s.start < out[len(out)-1].end {
			continue
		}
		out = append(out, s)
	}
	return out
}

// Snippet sizes, in bytes.
const (
	snippetLen    = 280 // a page snippet
	snippetBefore = 80  // context kept before a page's first match
	sentenceMax   = 300 // the most kept on each side of a finding
)

// pageSnippet shows the page around its first match, or its start.
func pageSnippet(text string, spans []span) []Fragment {
	if text == "" {
		return nil
	}
	lo := 0
	if len(spans) > 0 {
		lo = cutBack(text, spans[0].start-snippetBefore, spans[0].start)
	}
	hi := cutForward(text, lo+snippetLen, len(text))
	if len(spans) > 0 && hi < spans[0].end {
		hi = spans[0].end
	}
	return fragments(text, lo, hi, spans, lo > 0, hi < len(text))
}

// findingSnippet shows the sentence around a finding on its page, the
// finding's evidence or the query's matches marked. Without the page it
// shows the finding's own text.
func findingSnippet(f *extract.Finding, page string, havePage bool, spans []span) []Fragment {
	if havePage && f.End > 0 && f.Start >= 0 && f.End <= len(page) && f.Start < f.End {
		evidence := page[f.Start:f.End]
		var marks []span
		switch {
		case len(spans) == 0:
			marks = []span{{f.Start, f.End}}
		case evidence == f.Text:
			for _, s := range spans {
				marks = append(marks, span{s.start + f.Start, s.end + f.Start})
			}
		}
		if marks != nil {
			lo, cutLo := sentenceStart(page, f.Start)
			hi, cutHi := sentenceEnd(page, f.End)
			return fragments(page, lo, hi, marks, cutLo, cutHi)
		}
	}
	hi := len(f.Text)
	if hi > 2*sentenceMax {
		hi = cutForward(f.Text, 2*sentenceMax, len(f.Text))
	}
	return fragments(f.Text, 0, hi, spans, false, hi < len(f.Text))
}

// fragments cuts text[lo:hi] at the spans inside it, collapsing runs of
// white space; cutLo and cutHi add an ellipsis where the text goes on.
func fragments(text string, lo, hi int, spans []span, cutLo, cutHi bool) []Fragment {
	var out []Fragment
	cur := lo
	for _, s := range spans {
		if s.start < cur || s.end > hi || s.start >= s.end {
			continue
		}
		out = append(out, Fragment{Pre: text[cur:s.start], Match: text[s.start:s.end]})
		cur = s.end
	}
	if len(out) == 0 {
		out = []Fragment{{Pre: text[lo:hi]}}
	} else {
		out[len(out)-1].Post = text[cur:hi]
	}
	for i := range out {
		out[i].Pre = collapse(out[i].Pre)
		out[i].Match = collapse(out[i].Match)
		out[i].Post = collapse(out[i].Post)
	}
	if cutLo {
		out[0].Pre = "…" + strings.TrimLeft(out[0].Pre, " ")
	} else {
		out[0].Pre = strings.TrimLeft(out[0].Pre, " ")
	}
	last := &out[len(out)-1]
	tail := &last.Post
	if *tail == "" && last.Match == "" {
		tail = &last.Pre
	}
	if cutHi {
		*tail = strings.TrimRight(*tail, " ") + "…"
	} else {
		*tail = strings.TrimRight(*tail, " ")
	}
	return out
}

// collapse turns each run of white space into one space.
func collapse(s string) string {
	if !strings.ContainsAny(s, "\n\r\t\f\v  ") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch r {
		case ' ', '\n', '\r', '\t', '\f', '\v', '\u00a0':
			if !space {
				b.WriteByte(' ')
			}
			space = true
		default:
			b.WriteRune(r)
			space = false
		}
	}
	return b.String()
}

// cutBack returns a start at or after min (clamped to 0) and at or before
// max, just after a space when there is one.
func cutBack(text string, min, max int) int {
	if min <= 0 {
		return 0
	}
	if i := strings.IndexAny(text[min:max], " \n\t"); i >= 0 {
		return min + i + 1
	}
	return runeStart(text, min)
}

// cutForward returns an end at or before want (clamped to the text), at a
// space when there is one after min.
func cutForward(text string, want, limit int) int {
	if want >= limit {
		return limit
	}
	if i := strings.LastIndexAny(text[:want], " \n\t"); i > 0 {
		return i
	}
	return runeStart(text, want)
}

func runeStart(text string, i int) int {
	for i > 0 && i < len(text) && !utf8.RuneStart(text[i]) {
		i--
	}
	return i
}

// sentenceStart returns where the sentence holding text[at] starts: after
// the last sentence end or blank line before at, at most sentenceMax back.
// cut reports a start in the middle of a sentence.
func sentenceStart(text string, at int) (start int, cut bool) {
	lo := at - sentenceMax
	if lo < 0 {
		lo = 0
	}
	for i := at - 1; i > lo; i-- {
		c := text[i]
		if c == '\f' || (c == '\n' && text[i-1] == '\n') {
			return i + 1, false
		}
		if isSpace(c) && strings.IndexByte(".!?", text[i-1]) >= 0 {
			return i + 1, false
		}
	}
	if lo == 0 {
		return 0, false
	}
	return cutBack(text, lo, at), true
}

// sentenceEnd returns where the sentence holding text[at-1] ends: after
// the next sentence end or blank line, at most sentenceMax on. cut reports
// an end in the middle of a sentence.
func sentenceEnd(text string, at int) (end int, cut bool) {
	if at > 0 && strings.IndexByte(".!?", text[at-1]) >= 0 {
		return at, false
	}
	hi := at + sentenceMax
	if hi > len(text) {
		hi = len(text)
	}
	for i := at; i < hi; i++ {
		c := text[i]
		if c == '\f' || (c == '\n' && i+1 < len(text) && text[i+1] == '\n') {
			return i, false
		}
		if strings.IndexByte(".!?", c) >= 0 && (i+1 == len(text) || isSpace(text[i+1])) {
			return i + 1, false
		}
	}
	if hi == len(text) {
		return hi, false
	}
	if i := strings.LastIndexAny(text[at:hi], " \n\t"); i > 0 {
		return at + i, true
	}
	return runeStart(text, hi), true
}
