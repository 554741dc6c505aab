// Cursor: every hit of a query, a batch at a time, for exports. The query
// is matched once; each batch only fills its hits.

package index

import (
	"context"
	"fmt"
	"time"

	"github.com/blevesearch/bleve/v2/search/query"
)

// MaxCursorHits is the most hits a Cursor pages through.
const MaxCursorHits = MaxOffset + MaxLimit

// Cursor pages through the hits of a query in the order Search gives
// them. The query is matched once, when the cursor is made, and the order
// of every hit kept (a few dozen bytes a hit); Next fills the next batch.
// Should the index change between batches, the query is matched again
// and the cursor goes on after the last hit it gave, like a search-after.
//
// A Cursor is not safe for concurrent use.
type Cursor struct {
	ix    *Index
	q     Query
	textF query.Query
	refs  []hitRef // the hits not yet given, in order
	gen   uint64   // the table's generation refs belong to
	last  *hitRef  // the last hit given
	given uint64
	// Total is the number of hits the query had when matched (the last
	// time, when the index changed since).
	Total uint64
}

// Cursor matches q and returns a cursor over its hits, or a *QueryError
// when q is not a valid query or has more than MaxCursorHits hits.
// Offset, Limit and Facets are ignored.
func (ix *Index) Cursor(ctx context.Context, q Query) (*Cursor, error) {
	q.Offset, q.Limit, q.Facets, q.MultiSelect = 0, 0, false, nil
	if err := q.Validate(); err != nil {
		return nil, err
	}
	cur := &Cursor{ix: ix, q: q}
	if q.Text != "" {
		var err error
		if cur.textF, err = textQuery(q.Text); err != nil {
			return nil, err
		}
	}
	wantF, wantP := q.searches(cur.textF != nil)
	ctx, err := ix.checkCosts(ctx, wantF, cur.textF, wantP, cur.textF)
	if err != nil {
		return nil, err
	}
	if err := cur.match(ctx); err != nil {
		return nil, err
	}
	if cur.Total > MaxCursorHits {
		return nil, &QueryError{Field: "limit", Value: fmt.Sprint(cur.Total), Reason: fmt.Sprintf(
			"the search matches %d results; at most %d can be exported or paged through: narrow the search", cur.Total, MaxCursorHits)}
	}
	return cur, nil
}

// Given is the number of hits Next has returned.
func (c *Cursor) Given() uint64 { return c.given }

// match runs the query and keeps the order of its hits after c.last.
func (c *Cursor) match(ctx context.Context) error {
	q := &c.q
	q.Offset, q.Limit = MaxOffset, MaxLimit // keep MaxCursorHits
	defer func() { q.Offset, q.Limit = 0, 0 }()
	t := c.ix.tab
	t.mu.RLock()
	defer t.mu.RUnlock()
	col, _, err := c.ix.collect(ctx, t, q, c.textF)
	defer col.release()
	if err != nil {
		return fmt.Errorf("search %q: %w", q.Text, err)
	}
	refs := col.sorted()
	if c.last != nil {
		// Document ordinals never change in a table, so the last hit
		// given still compares with the new ones.
		i := 0
		for i < len(refs) && !col.before(c.last, &refs[i]) {
			i++
		}
		refs = refs[i:]
	}
	c.refs = append([]hitRef(nil), refs...)
	c.gen = t.gen
	c.Total = col.total
	return nil
}

// Next returns the next n hits at most, none when every hit was given.
// Its context bounds this batch alone.
func (c *Cursor) Next(ctx context.Context, n int) (*Results, error) {
	start := time.Now()
	if n <= 0 || n > MaxLimit {
		return nil, &QueryError{Field: "limit", Value: fmt.Sprint(n), Reason: fmt.Sprintf("batch of %d out of range 1..%d", n, MaxLimit)}
	}
	t := c.ix.tab
	t.mu.RLock()
	for t.gen != c.gen {
		t.mu.RUnlock()
		if err := c.match(ctx); err != nil {
			return nil, err
		}
		t.mu.RLock()
	}
	refs := c.refs[:min(n, len(c.refs))]
	docs := t.hitDocs(refs)
	t.mu.RUnlock()
	out := &Results{Total: c.Total, Hits: make([]Hit, 0, len(refs))}
	if err := c.ix.fillHits(ctx, out, refs, docs, c.textF, c.q.PageText); err != nil {
		return nil, err
	}
	if len(refs) > 0 {
		last := refs[len(refs)-1]
		c.last = &last
	}
	c.refs = c.refs[len(refs):]
	c.given += uint64(len(refs))
	out.Took = time.Since(start)
	return out, nil
}
