// Search: a query turned into results, hits filled with their stored
// findings, page texts and snippets.

package index

import (
	"context"
	"fmt"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/cqcmine/cqcmine/extract"
)

// Results is one page of hits, with facet counts over all hits.
type Results struct {
	Total uint64 `json:"total"`
	// FindingTotal and PageTotal split Total into the findings and the
	// pages that matched.
	FindingTotal uint64        `json:"finding_total"`
	PageTotal    uint64        `json:"page_total"`
	Took         time.Duration `json:"took"`
	Hits         []Hit         `json:"hits"`
	Facets       []Facet       `json:"facets,omitempty"`
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
	// Text is a page hit's whole text, when the query asks for it.
	Text  string  `json:"text,omitempty"`
	Score float64 `json:"score"`
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
// page returned. An error from a segment that does not decode comes back
// as a *DamagedError, which says how to rebuild.
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
	var textF query.Query
	if q.Text != "" {
		var err error
		if textF, err = textQuery(q.Text); err != nil {
			return nil, err
		}
	}
	hasText := textF != nil
	wantF, wantP := q.searches(hasText)
	ctx, cerr := ix.checkCosts(ctx, wantF, textF, wantP, textF)
	if cerr != nil {
		return nil, cerr
	}

	t := ix.tab
	t.mu.RLock()
	c, nF, err := ix.collect(ctx, t, &q, textF)
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
	docs := t.hitDocs(refs)
	t.mu.RUnlock()
	c.release()
	if err != nil {
		return nil, Damaged(ix.dir, fmt.Errorf("search %q: %w", q.Text, err))
	}

	out := &Results{Total: c.total, FindingTotal: nF, PageTotal: c.total - nF, Hits: make([]Hit, 0, len(refs)), Facets: facets}
	if err := ix.fillHits(ctx, out, refs, docs, textF, q.PageText); err != nil {
		return nil, Damaged(ix.dir, err)
	}
	out.Took = time.Since(start)
	return out, nil
}

func scopeKey(scope, part string) string { return scope + "/" + part }

// hitDocs returns the document of each hit, and sets each finding hit's
// page. t.mu must be held for reading.
func (t *table) hitDocs(refs []hitRef) []*docEntry {
	docs := make([]*docEntry, len(refs))
	for i := range refs {
		h := &refs[i]
		docs[i] = t.dlist[h.doc]
		if !h.page && int(h.serial) < t.f.n {
			h.fpage = t.f.page[h.serial]
		}
	}
	return docs
}

// collect matches q's text (textF, nil for none) and scans every row
// that passes q's filters into a new collector: findings, then pages, as
// q.searches says. It returns the collector, to release, and how many of
// its hits are findings. t.mu must be held for reading.
func (ix *Index) collect(ctx context.Context, t *table, q *Query, textF query.Query) (*collector, uint64, error) {
	hasText := textF != nil
	wantF, wantP := q.searches(hasText)
	c := newCollector(t, q, hasText)
	// Text matches are marked first, then scanned like every row.
	textScan := func(idx bleve.Index, cols *cols, pages bool) error {
		ms := newMatchSet(cols.n, c.byScore)
		defer ms.release()
		if err := ix.matchInto(ctx, idx, textF, c.byScore, ms); err != nil {
			return err
		}
		return c.scanMatched(ctx, cols, pages, "", ms)
	}
	var err error
	if wantF {
		if hasText {
			err = textScan(ix.fx, &t.f, false)
		} else {
			err = c.scan(ctx, &t.f, false, scopeKey(q.Scope, ScopeFindings))
		}
	}
	nF := c.total
	if wantP && err == nil {
		if hasText {
			err = textScan(ix.px, &t.p, true)
		} else {
			err = c.scan(ctx, &t.p, true, scopeKey(q.Scope, ScopePages))
		}
	}
	return c, nF, err
}

// fillHits makes the hits of refs: stored findings, page texts, snippets.
func (ix *Index) fillHits(ctx context.Context, out *Results, refs []hitRef, docs []*docEntry, textF query.Query, wantText bool) error {
	blobs := map[pageKey]bool{}
	for i, h := range refs {
		d := docs[i]
		hit := Hit{DocID: d.id, Path: d.path, Title: d.title, Provider: d.provider, DocType: d.docType,
			Published: d.published, Score: h.score}
		if h.page {
			hit.Kind = KindPage
			hit.Page = int(h.num)
			blobs[pageKey{d.id, hit.Page}] = true
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

	// Where the text matched: the query's words found again by analysing
	// each hit's text, as the index analysed it.
	var hl *highlighter
	if textF != nil {
		hl = newHighlighter(textF)
	}
	for i, h := range refs {
		hit := &out.Hits[i]
		if h.page {
			text := pageTexts[pageKey{hit.DocID, hit.Page}]
			var spans []span
			if hl != nil {
				spans = hl.snippetSpans(text)
			}
			hit.Snippet = pageSnippet(text, spans)
			if wantText {
				hit.Text = text
			}
			continue
		}
		var spans []span
		if hl != nil {
			spans = hl.spans(hit.Finding.Text)
		}
		text, ok := pageTexts[pageKey{hit.DocID, hit.Finding.Page}]
		hit.Snippet = findingSnippet(hit.Finding, text, ok, spans)
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
