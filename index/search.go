package index

import (
	"context"
	"fmt"
	"slices"
	"strings"
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
	c := &collector{m: q.matcher(t), k: q.Offset + q.limit(), byScore: hasText,
		byDate: q.Sort == SortDate || !hasText, facets: q.Facets}
	if c.facets {
		for i := range c.counts {
			c.counts[i] = make([]int, len(t.dicts[i].vals)+1)
		}
	}
	var err error
	if wantF {
		if hasText {
			err = ix.match(ctx, ix.fx, textF, c.byScore, func(serial uint32, score float64) {
				if int(serial) < len(t.frows) {
					c.add(&t.frows[serial], false, score)
				}
			})
		} else {
			err = c.scan(ctx, t.frows, false)
		}
	}
	if wantP && err == nil {
		if hasText {
			err = ix.match(ctx, ix.px, textP, c.byScore, func(serial uint32, score float64) {
				if int(serial) < len(t.prows) {
					c.add(&t.prows[serial], true, score)
				}
			})
		} else {
			err = c.scan(ctx, t.prows, true)
		}
	}
	var facets []Facet
	if err == nil && q.Facets {
		facets = c.facetResults(t, q.facetSize())
	}
	t.mu.RUnlock()
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.Text, err)
	}

	refs := c.sorted()
	if q.Offset < len(refs) {
		refs = refs[q.Offset:]
	} else {
		refs = nil
	}
	out := &Results{Total: c.total, Hits: make([]Hit, 0, len(refs)), Facets: facets}
	if err := ix.fillHits(ctx, out, refs, textF, textP); err != nil {
		return nil, err
	}
	out.Took = time.Since(start)
	return out, nil
}

// hitRef is a matching row.
type hitRef struct {
	r     *row
	page  bool // a row of the pages table
	score float64
}

// collector counts the matching rows, their facets, and keeps the best k
// in a heap whose root is the worst kept.
type collector struct {
	m       *matcher
	k       int
	byScore bool
	byDate  bool
	facets  bool
	total   uint64
	heap    []hitRef
	counts  [nSingle + 1][]int
	missing [nSingle + 1]int
}

func (c *collector) scan(ctx context.Context, rows []row, pages bool) error {
	for i := range rows {
		if i&16383 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if r := &rows[i]; r.live {
			c.add(r, pages, 0)
		}
	}
	return nil
}

func (c *collector) add(r *row, pages bool, score float64) {
	if r.doc == nil || !c.m.ok(r) {
		return
	}
	c.total++
	if c.facets {
		for i := range nSingle {
			if v := r.v[i]; v == 0 {
				c.missing[i]++
			} else if int(v) < len(c.counts[i]) {
				c.counts[i][v]++
			}
		}
		if len(r.themes) == 0 {
			c.missing[cTheme]++
		}
		for _, th := range r.themes {
			if int(th) < len(c.counts[cTheme]) {
				c.counts[cTheme][th]++
			}
		}
	}
	h := hitRef{r, pages, score}
	if len(c.heap) < c.k {
		c.heap = append(c.heap, h)
		c.up(len(c.heap) - 1)
		return
	}
	if c.k == 0 || !c.before(&h, &c.heap[0]) {
		return
	}
	c.heap[0] = h
	c.down(0)
}

// before reports whether a ranks before b: newer first when sorting by
// date (undated last), then higher score, then by document, record,
// findings and pages, and number.
func (c *collector) before(a, b *hitRef) bool {
	if c.byDate && a.r.date != b.r.date {
		if a.r.date == 0 || b.r.date == 0 {
			return b.r.date == 0
		}
		return a.r.date > b.r.date
	}
	if c.byScore && a.score != b.score {
		return a.score > b.score
	}
	if a.r.doc != b.r.doc {
		return a.r.doc.id < b.r.doc.id
	}
	if ka, kb := a.order(), b.order(); ka != kb {
		return ka < kb
	}
	return a.r.num < b.r.num
}

func (h *hitRef) order() int {
	switch {
	case h.page:
		return 2
	case h.r.num < 0:
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
		for _, ch := range []int{2*i + 1, 2*i + 2} {
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
	for i, name := range FacetFields {
		f := Facet{Field: name, Missing: c.missing[i], Terms: []FacetTerm{}}
		for code, n := range c.counts[i] {
			if n > 0 {
				f.Total += n
				f.Terms = append(f.Terms, FacetTerm{Term: t.dicts[i].value(uint32(code)), Count: n})
			}
		}
		slices.SortFunc(f.Terms, func(a, b FacetTerm) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Term, b.Term)
		})
		if len(f.Terms) > size {
			f.Terms = f.Terms[:size]
		}
		out = append(out, f)
	}
	return out
}

// fillHits makes the hits of refs: stored findings, page texts, snippets.
func (ix *Index) fillHits(ctx context.Context, out *Results, refs []hitRef, textF, textP query.Query) error {
	var findingIDs []string
	blobs := map[pageKey]bool{}
	for _, h := range refs {
		d := h.r.doc
		hit := Hit{DocID: d.id, Path: d.path, Title: d.title, Provider: d.provider, DocType: d.docType,
			Published: d.published, Score: h.score}
		if h.page {
			hit.Kind = KindPage
			hit.Page = int(h.r.num)
			blobs[pageKey{d.id, hit.Page}] = true
		} else {
			findingIDs = append(findingIDs, h.bleveID())
		}
		out.Hits = append(out.Hits, hit)
	}
	for _, h := range refs {
		if !h.page {
			blobs[pageKey{h.r.doc.id, int(h.r.page)}] = true
		}
	}
	stored, err := storedFields(ctx, ix.fx, findingIDs, fFinding)
	if err != nil {
		return fmt.Errorf("search: fetch findings: %w", err)
	}
	pageTexts, err := ix.pageTexts(ctx, blobs)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	for i, h := range refs {
		if h.page {
			continue
		}
		hit := &out.Hits[i]
		f, err := decodeFinding(stored[h.bleveID()], h.r.doc, func(n int) (string, bool) {
			t, ok := pageTexts[pageKey{hit.DocID, n}]
			return t, ok
		})
		if err != nil {
			return fmt.Errorf("search: %s: %w", h.bleveID(), err)
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
		hit.Snippet = findingSnippet(hit.Finding, text, ok, locs[h.bleveID()])
	}
	return nil
}

func (h *hitRef) bleveID() string {
	switch {
	case h.page:
		return pageID(h.r.doc.id, int(h.r.num))
	case h.r.num < 0:
		return recordID(h.r.doc.id)
	}
	return findingID(h.r.doc.id, int(h.r.num))
}

type pageKey struct {
	doc  string
	page int
}

// pageTexts returns the text of the given pages.
func (ix *Index) pageTexts(ctx context.Context, want map[pageKey]bool) (map[pageKey]string, error) {
	out := map[pageKey]string{}
	if len(want) == 0 {
		return out, nil
	}
	docs := map[string]bool{}
	var ids []string
	for k := range want {
		if !docs[k.doc] {
			docs[k.doc] = true
			ids = append(ids, blobID(k.doc))
		}
	}
	stored, err := storedFields(ctx, ix.px, ids, fPages)
	if err != nil {
		return nil, fmt.Errorf("fetch page texts: %w", err)
	}
	for id := range docs {
		s, _ := stored[blobID(id)].(string)
		pages, err := decodePages([]byte(s), func(n int) bool { return want[pageKey{id, n}] })
		if err != nil {
			return nil, fmt.Errorf("page texts of %s: %w", id, err)
		}
		for _, p := range pages {
			out[pageKey{id, p.Number}] = p.Text
		}
	}
	return out, nil
}

// storedFields returns a stored field of the given bleve documents, by id.
func storedFields(ctx context.Context, idx bleve.Index, ids []string, field string) (map[string]any, error) {
	out := make(map[string]any, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	req := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery(ids), len(ids), 0, false)
	req.Fields = []string{field}
	req.Score = "none"
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	for _, h := range res.Hits {
		out[h.ID] = h.Fields[field]
	}
	return out, nil
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
