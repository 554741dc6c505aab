package index

import (
	"fmt"
	"strconv"
)

// QueryLimits states the limits of a query's cost (MaxExpandingTerms,
// MaxTermExpansion, MaxQueryExpansion, QueryMemoryBudget) in plain words,
// for the query help of the UI and of cqcmine search. It reads the
// constants, so that the help says what the index enforces.
func QueryLimits() string {
	return fmt.Sprintf("A query may have at most %s wildcard, regexp, prefix or fuzzy terms (observ*, staf~); "+
		"each may stand for at most %s words of the index, and the whole query for at most %s words "+
		"(a plain word counts one); matching it may take at most %s of memory. "+
		"A query over a limit is refused with the reason: make its wildcards more specific or use fewer.",
		thousands(MaxExpandingTerms), thousands(MaxTermExpansion), thousands(MaxQueryExpansion), mib(QueryMemoryBudget))
}

// thousands writes n with commas between groups of three digits: 10,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
