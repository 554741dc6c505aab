package index

import (
	"fmt"
	"strconv"
	"sync"
)

// dict numbers the values of one facet field; code 0 is "no value".
type dict struct {
	codes map[string]uint32
	vals  []string
}

func (d *dict) code(s string) uint32 {
	if s == "" {
		return 0
	}
	if c, ok := d.codes[s]; ok {
		return c
	}
	if d.codes == nil {
		d.codes = map[string]uint32{}
		d.vals = []string{""}
	}
	c := uint32(len(d.vals))
	d.codes[s] = c
	d.vals = append(d.vals, s)
	return c
}

func (d *dict) lookup(s string) (uint32, bool) {
	c, ok := d.codes[s]
	return c, ok
}

func (d *dict) value(c uint32) string {
	if int(c) < len(d.vals) {
		return d.vals[c]
	}
	return ""
}

// size is the number of codes, "no value" included.
func (d *dict) size() int { return max(1, len(d.vals)) }

// table is the in-memory state searches read: the committed documents and
// the columns of both indexes.
type table struct {
	mu    sync.RWMutex
	docs  map[string]*docEntry
	dlist []*docEntry // by ordinal; dlist[0] is nil
	f, p  cols        // findings, pages
	dicts [nSingle + 1]dict
	gen   uint64 // counts changes of what is live

	cacheMu sync.Mutex
	cache   map[string]*counts // facet counts of every live row, by scope, at gen
	cacheAt uint64
}

func newTable() *table {
	t := &table{docs: map[string]*docEntry{}, dlist: []*docEntry{nil}}
	for c := range nSingle {
		t.f.has[c] = true
	}
	t.f.hasPage, t.f.hasThemes = true, true
	t.p.has[cProvider], t.p.has[cDocType], t.p.has[cYear] = true, true, true
	return t
}

// cols are the rows of one bleve index, column by column, indexed by
// serial. Every column is a flat slice of numbers, so that a scan reads
// memory in order and holds no pointers for the collector to chase.
type cols struct {
	n    int
	doc  []uint32 // ordinal of the row's document in table.dlist; 0 for no row
	num  []int32  // the finding number (-1 for the record) or page number
	page []int32  // a finding's page
	date []int32  // publication date as yyyymmdd, 0 when unknown
	live []uint64 // bitset: committed and not deleted
	v    [nSingle][]uint32
	// themes holds a bitset of each row's theme codes below 64; a row with
	// a higher code has bit 0 set and its codes in more.
	themes []uint64
	more   map[uint32][]uint32

	has       [nSingle]bool // columns this table keeps; the others are all 0
	hasPage   bool
	hasThemes bool
}

func grow[T any](s []T, n int) []T {
	if n <= len(s) {
		return s
	}
	if n <= cap(s) {
		return s[:n] // never shrunk, so still zero
	}
	out := make([]T, n, max(n, 2*cap(s), 1024))
	copy(out, s)
	return out
}

// ensure makes room for n rows.
func (c *cols) ensure(n int) {
	if n <= c.n {
		return
	}
	c.n = n
	c.doc = grow(c.doc, n)
	c.num = grow(c.num, n)
	c.date = grow(c.date, n)
	c.live = grow(c.live, (n+63)/64)
	if c.hasPage {
		c.page = grow(c.page, n)
	}
	if c.hasThemes {
		c.themes = grow(c.themes, n)
	}
	for i := range nSingle {
		if c.has[i] {
			c.v[i] = grow(c.v[i], n)
		}
	}
}

func (c *cols) isLive(s uint32) bool { return c.live[s/64]&(1<<(s%64)) != 0 }

func (c *cols) setLive(s uint32, live bool) {
	if live {
		c.live[s/64] |= 1 << (s % 64)
	} else {
		c.live[s/64] &^= 1 << (s % 64)
	}
}

// setThemes sets the theme codes of row s.
func (c *cols) setThemes(s uint32, codes []uint32) {
	var b uint64
	for _, th := range codes {
		if th >= 64 {
			if c.more == nil {
				c.more = map[uint32][]uint32{}
			}
			c.more[s] = append([]uint32(nil), codes...)
			c.themes[s] = 1
			return
		}
		if th > 0 {
			b |= 1 << th
		}
	}
	delete(c.more, s)
	c.themes[s] = b
}

// hasTheme reports whether row s has a theme accepted by bits (codes below
// 64) or accept (any code).
func (c *cols) hasTheme(s uint32, bits uint64, accept []uint8) bool {
	b := c.themes[s]
	if b&1 == 0 {
		return b&bits != 0
	}
	for _, th := range c.more[s] {
		if int(th) < len(accept) && accept[th] != 0 {
			return true
		}
	}
	return false
}

// addDoc gives d an ordinal. t.mu must be held.
func (t *table) addDoc(d *docEntry) {
	if d.ord == 0 {
		d.ord = uint32(len(t.dlist))
		t.dlist = append(t.dlist, d)
	}
}

// docMeta returns the column values a document gives all its rows.
func (t *table) docMeta(d *docEntry) (date int32, docType, year, provider uint32) {
	date, y := dateKey(d.published)
	if y != 0 {
		year = t.dicts[cYear].code(strconv.Itoa(int(y)))
	}
	return date, t.dicts[cDocType].code(d.docType), year, t.dicts[cProvider].code(d.provider)
}

// addFindingRows puts the rows of s into the findings columns at d's
// serials, not yet live. t.mu must be held.
func (t *table) addFindingRows(d *docEntry, s *findingsSummary) {
	t.addDoc(d)
	date, docType, year, provider := t.docMeta(d)
	c := &t.f
	c.ensure(int(d.fSerial) + len(s.findings))
	var themes []uint32
	for i := range s.findings {
		f := &s.findings[i]
		r := d.fSerial + uint32(i)
		c.doc[r], c.num[r], c.page[r], c.date[r] = d.ord, f.num, f.page, date
		for _, col := range summaryCols {
			c.v[col][r] = t.dicts[col].code(f.vals[col])
		}
		if c.v[cProvider][r] == 0 {
			c.v[cProvider][r] = provider
		}
		c.v[cDocType][r], c.v[cYear][r] = docType, year
		themes = themes[:0]
		for _, th := range f.themes {
			themes = append(themes, t.dicts[cTheme].code(th))
		}
		c.setThemes(r, themes)
	}
}

// addPageRows puts the rows of a document's pages into the pages columns,
// not yet live. t.mu must be held.
func (t *table) addPageRows(d *docEntry, s *pagesSummary) {
	t.addDoc(d)
	date, y := dateKey(s.published)
	var year uint32
	if y != 0 {
		year = t.dicts[cYear].code(strconv.Itoa(int(y)))
	}
	provider, docType := t.dicts[cProvider].code(s.provider), t.dicts[cDocType].code(s.docType)
	c := &t.p
	c.ensure(int(s.pSerial) + len(s.pages))
	for i, p := range s.pages {
		r := s.pSerial + uint32(i)
		c.doc[r], c.num[r], c.date[r] = d.ord, p, date
		c.v[cProvider][r], c.v[cDocType][r], c.v[cYear][r] = provider, docType, year
	}
}

// setLive marks a document's rows live or dead. t.mu must be held.
func (t *table) setLive(d *docEntry, live bool) {
	t.gen++
	for i := range d.nums {
		if s := d.fSerial + uint32(i); int(s) < t.f.n && t.f.doc[s] == d.ord {
			t.f.setLive(s, live)
		}
	}
	for i := range d.pages {
		if s := d.pSerial + uint32(i); int(s) < t.p.n && t.p.doc[s] == d.ord {
			t.p.setLive(s, live)
		}
	}
}

// loadFindingRows decodes a findings summary straight into the findings
// columns, not yet live. t.mu must be held.
func (t *table) loadFindingRows(id string, b []byte, themeBuf *[]uint32) (*docEntry, error) {
	var codes [nSingle][]uint32 // per summary column: table index -> code, 0 not yet known
	var themeCodes []uint32
	code := func(cache *[]uint32, dict *dict, table []string, ref uint64) uint32 {
		if *cache == nil {
			*cache = make([]uint32, len(table))
		}
		c := (*cache)[ref]
		if c == 0 && ref != 0 {
			c = dict.code(table[ref])
			(*cache)[ref] = c
		}
		return c
	}
	c := &t.f
	var date int32
	var docType, year, provider uint32
	d, err := scanFindingsSummary(id, b, func(d *docEntry, i int, table []string, num, page int32, refs, themes []uint64) error {
		if i == 0 {
			if int(d.fSerial)+len(d.nums) > c.n {
				return fmt.Errorf("summary of %s: serials out of range", id)
			}
			t.addDoc(d)
			date, docType, year, provider = t.docMeta(d)
		}
		r := d.fSerial + uint32(i)
		c.doc[r], c.num[r], c.page[r], c.date[r] = d.ord, num, page, date
		for j, col := range summaryCols {
			c.v[col][r] = code(&codes[j], &t.dicts[col], table, refs[j])
		}
		if c.v[cProvider][r] == 0 {
			c.v[cProvider][r] = provider
		}
		c.v[cDocType][r], c.v[cYear][r] = docType, year
		tc := (*themeBuf)[:0]
		for _, th := range themes {
			tc = append(tc, code(&themeCodes, &t.dicts[cTheme], table, th))
		}
		*themeBuf = tc
		c.setThemes(r, tc)
		return nil
	})
	if err != nil {
		return nil, err
	}
	t.addDoc(d)
	return d, nil
}
