package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/index"
	"github.com/cqcmine/cqcmine/internal/web"
)

// limitPhrases are the phrases that state each of the index's query
// limits at its current value, written out here independently of the
// help's own formatting.
func limitPhrases() []string {
	grouped := func(n int) string {
		s := fmt.Sprint(n)
		for i := len(s) - 3; i > 0; i -= 3 {
			s = s[:i] + "," + s[i:]
		}
		return s
	}
	return []string{
		"at most " + grouped(index.MaxExpandingTerms) + " wildcard, regexp, prefix or fuzzy terms",
		"at most " + grouped(index.MaxTermExpansion) + " words of the index",
		"the whole query for at most " + grouped(index.MaxQueryExpansion) + " words",
		fmt.Sprintf("at most %d MiB of memory", index.QueryMemoryBudget>>20),
	}
}

func TestHelpQueryLimits(t *testing.T) {
	srv, _ := testServer(t, web.Options{})
	got := strings.Join(strings.Fields(text(byID(t, page(t, srv, "/help"), "query-limits"))), " ")
	for _, want := range limitPhrases() {
		if !strings.Contains(got, want) {
			t.Errorf("the query help does not say %q:\n%s", want, got)
		}
	}
}
