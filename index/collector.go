// The collector: it walks the rows that match a query, keeps the best
// hits in a heap and counts facets over every match.

package index

import (
	"context"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync"
)

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
	n      int // rows
	bits   []uint64
	scores []float64 // nil when not scored
	buf    []float64 // the scores' storage, kept between uses
}

var matchPool = sync.Pool{New: func() any { return &matchSet{} }}

// newMatchSet returns an empty set for n rows.
func newMatchSet(n int, scored bool) *matchSet {
	m := matchPool.Get().(*matchSet)
	m.n = n
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
		if root.page != pages {
			if pages {
				return // pages rank after every finding
			}
		} else if c.byDate {
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

// parallelCount is the number of rows from which facets are counted by
// two goroutines.
var parallelCount = 1 << 15

// count adds the facets of the rows gathered from cols, and empties the
// gathered lists.
func (c *collector) count(cols *cols) {
	if !c.facets {
		return
	}
	// Each facet has its own counts: with many rows, two goroutines
	// share the columns.
	half := 0
	var wg sync.WaitGroup
	if len(c.sel) >= parallelCount && runtime.GOMAXPROCS(0) > 1 {
		half = nSingle / 2
		wg.Go(func() {
			for f := range half {
				countColumn(c.counts[f], cols.v[f], c.sel)
			}
		})
	}
	for f := half; f < nSingle; f++ {
		countColumn(c.counts[f], cols.v[f], c.sel)
	}
	countThemes(c.counts[cTheme], cols, c.sel)
	wg.Wait()
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

// before reports whether a ranks before b: findings before pages, then
// newer first when sorting by date (undated last), then higher score, then
// by document, record and findings, and number.
func (c *collector) before(a, b *hitRef) bool {
	if a.page != b.page {
		return b.page
	}
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
