package web

import (
	"context"
	"slices"
	"time"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/index"
	"github.com/cqcmine/cqcmine/index/evidence"
)

// maxRecurringProviders bounds the providers whose recurring actions a
// search with the recurring filter works out; a search over more names a
// provider.
const maxRecurringProviders = 200

// search runs q, the query of st (or a page of it), through the index;
// with the recurring filter it keeps only the must-dos and should-dos
// that evidence.Recurring groups.
//
// The index knows nothing of recurrence, so the filter works on the
// index's answer: it narrows q to those kinds and to the documents that
// hold a recurring action, reads every hit (up to index.MaxOffset) and
// keeps those in a group. Total and the hits are exact; facet counts are
// those of the narrowed search, so they may count a little more than the
// hits shown.
func (s *server) search(ctx context.Context, st *searchState, q index.Query) (*index.Results, error) {
	if !st.recurring {
		return s.ix.Search(ctx, q)
	}
	start := time.Now()
	keys, docs, err := s.recurringKeys(ctx, q.Providers)
	if err != nil {
		return nil, err
	}
	n := q
	n.Scope = index.ScopeFindings
	n.Kinds = nil
	for _, k := range []string{string(extract.KindMustDo), string(extract.KindShouldDo)} {
		if len(q.Kinds) == 0 || slices.Contains(q.Kinds, k) {
			n.Kinds = append(n.Kinds, k)
		}
	}
	n.DocIDs = nil
	for _, d := range docs {
		if len(q.DocIDs) == 0 || slices.Contains(q.DocIDs, d) {
			n.DocIDs = append(n.DocIDs, d)
		}
	}
	out := &index.Results{Hits: []index.Hit{}}
	if len(n.Kinds) == 0 || len(n.DocIDs) == 0 {
		out.Took = time.Since(start)
		return out, nil
	}
	n.Limit, n.Offset = index.MaxLimit, 0
	var kept []index.Hit
	for {
		res, err := s.ix.Search(ctx, n)
		if err != nil {
			return nil, err
		}
		if n.Offset == 0 {
			out.Facets = res.Facets
		}
		for _, h := range res.Hits {
			if h.Finding != nil && keys[keyOf(h.Finding)] {
				kept = append(kept, h)
			}
		}
		n.Offset += len(res.Hits)
		n.Facets = false
		if len(res.Hits) == 0 || uint64(n.Offset) >= res.Total || n.Offset > index.MaxOffset {
			break
		}
	}
	out.Total = uint64(len(kept))
	if q.Offset < len(kept) {
		out.Hits = kept[q.Offset:min(len(kept), q.Offset+max(q.Limit, 1))]
	}
	out.Took = time.Since(start)
	return out, nil
}

// recurringKeys are the places of every recurring action of the named
// providers (of every provider when none is named), and the documents
// they are in.
func (s *server) recurringKeys(ctx context.Context, names []string) (map[findingKey]bool, []string, error) {
	all, err := s.providerNames(ctx)
	if err != nil {
		return nil, nil, err
	}
	var ps []evidence.Provider
	for _, p := range all {
		if len(names) == 0 || slices.ContainsFunc(p.Names, func(n string) bool { return slices.Contains(names, n) }) {
			ps = append(ps, p)
		}
	}
	if len(ps) > maxRecurringProviders {
		return nil, nil, badRequestf("The recurring filter works out %d providers at most; choose a provider.", maxRecurringProviders)
	}
	keys := map[findingKey]bool{}
	var docs []string
	for _, p := range ps {
		groups, _, err := s.recurring(ctx, "", p)
		if err != nil {
			return nil, nil, err
		}
		for _, g := range groups {
			for _, o := range g.Occurrences {
				keys[findingKey{o.DocID, o.Kind, o.Page, o.Start, o.End}] = true
				if !slices.Contains(docs, o.DocID) {
					docs = append(docs, o.DocID)
				}
			}
		}
	}
	slices.Sort(docs)
	return keys, docs, nil
}

// recurringToggle links to this search with the recurring filter turned
// the other way.
func recurringToggle(st *searchState) string {
	if st.recurring {
		return st.with("recurring", "", "page", "")
	}
	return st.with("recurring", "1", "page", "")
}
