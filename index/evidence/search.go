package evidence

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/index"
)

// Searcher is the part of an *index.Index that ProviderHits and
// SearchRecurring read.
type Searcher interface {
	Search(ctx context.Context, q index.Query) (*index.Results, error)
	Providers(ctx context.Context) ([]string, error)
}

// MaxProviderFindings bounds the findings of one kind ProviderHits reads
// for a provider.
const MaxProviderFindings = 5000

// MaxRecurringProviders bounds the providers whose recurring actions
// SearchRecurring works out; a search over more must name a provider.
const MaxRecurringProviders = 200

// ErrTooManyProviders is the error of a recurring search over more than
// MaxRecurringProviders providers.
var ErrTooManyProviders = errors.New("the recurring filter works out " +
	fmt.Sprint(MaxRecurringProviders) + " providers at most; choose a provider")

// ProviderHits reads the hits of the findings of the given kinds about p
// (under any of its names), newest first, at most MaxProviderFindings.
func ProviderHits(ctx context.Context, ix Searcher, p Provider, kinds ...extract.Kind) ([]index.Hit, error) {
	q := index.Query{Providers: p.Names, Limit: index.MaxLimit, Sort: index.SortDate}
	for _, k := range kinds {
		q.Kinds = append(q.Kinds, string(k))
	}
	var out []index.Hit
	for q.Offset = 0; q.Offset < MaxProviderFindings; q.Offset += q.Limit {
		res, err := ix.Search(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("findings of %s: %w", p.Name, err)
		}
		for _, h := range res.Hits {
			if h.Finding != nil {
				out = append(out, h)
			}
		}
		if len(res.Hits) == 0 || q.Offset+len(res.Hits) >= int(res.Total) {
			break
		}
	}
	return out, nil
}

// WithDoc is the finding of h with its document's Title, DocType and
// Published copied in, as Recurring and Claims read them.
func WithDoc(h *index.Hit) extract.Finding {
	f := *h.Finding
	f.Title, f.DocType, f.Published = h.Title, h.DocType, h.Published
	return f
}

// place names a finding by where it is.
type place struct {
	doc, kind        string
	page, start, end int
}

// SearchRecurring runs q keeping only the must-dos and should-dos that
// Recurring groups for the providers q names (for every provider when it
// names none).
//
// The index knows nothing of recurrence, so this works on the index's
// answer: it narrows q to those kinds and to the documents that hold a
// recurring action, reads every hit (up to index.MaxOffset) and keeps
// those in a group. Total and the hits are exact; facet counts are those
// of the narrowed search, so they may count a little more than the hits
// given.
func SearchRecurring(ctx context.Context, ix Searcher, q index.Query) (*index.Results, error) {
	start := time.Now()
	keys, docs, err := recurringPlaces(ctx, ix, q.Providers)
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
		res, err := ix.Search(ctx, n)
		if err != nil {
			return nil, err
		}
		if n.Offset == 0 {
			out.Facets = res.Facets
		}
		for _, h := range res.Hits {
			if f := h.Finding; f != nil && keys[place{f.DocID, string(f.Kind), f.Page, f.Start, f.End}] {
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

// recurringPlaces are the places of every recurring action of the named
// providers (of every provider when none is named), and the documents
// they are in.
func recurringPlaces(ctx context.Context, ix Searcher, names []string) (map[place]bool, []string, error) {
	all, err := ix.Providers(ctx)
	if err != nil {
		return nil, nil, err
	}
	var ps []Provider
	for _, p := range Names(all) {
		if len(names) == 0 || slices.ContainsFunc(p.Names, func(n string) bool { return slices.Contains(names, n) }) {
			ps = append(ps, p)
		}
	}
	if len(ps) > MaxRecurringProviders {
		return nil, nil, ErrTooManyProviders
	}
	keys := map[place]bool{}
	var docs []string
	for _, p := range ps {
		hits, err := ProviderHits(ctx, ix, p, extract.KindMustDo, extract.KindShouldDo)
		if err != nil {
			return nil, nil, err
		}
		fs := make([]extract.Finding, len(hits))
		for i := range hits {
			fs[i] = WithDoc(&hits[i])
		}
		for _, g := range Recurring(fs) {
			for _, o := range g.Occurrences {
				keys[place{o.DocID, o.Kind, o.Page, o.Start, o.End}] = true
				if !slices.Contains(docs, o.DocID) {
					docs = append(docs, o.DocID)
				}
			}
		}
	}
	slices.Sort(docs)
	return keys, docs, nil
}
