package web

import (
	"context"
	"errors"

	"github.com/cqcmine/cqcmine/index"
	"github.com/cqcmine/cqcmine/index/evidence"
)

// search runs q, the query of st (or a page of it), through the index;
// with the recurring filter it keeps only the must-dos and should-dos
// that evidence.Recurring groups (see evidence.SearchRecurring).
func (s *server) search(ctx context.Context, st *searchState, q index.Query) (*index.Results, error) {
	if !st.recurring {
		return s.ix.Search(ctx, q)
	}
	res, err := evidence.SearchRecurring(ctx, s.ix, q)
	if errors.Is(err, evidence.ErrTooManyProviders) {
		return nil, badRequestf("The recurring filter works out %d providers at most; choose a provider.", evidence.MaxRecurringProviders)
	}
	return res, err
}

// recurringToggle links to this search with the recurring filter turned
// the other way.
func recurringToggle(st *searchState) string {
	if st.recurring {
		return st.with("recurring", "", "page", "")
	}
	return st.with("recurring", "1", "page", "")
}
