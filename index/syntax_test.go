package index

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/extract"
)

// TestQuerySyntax checks every claim of the query help: each example finds
// its Match texts and none of its Miss texts, as findings and as pages.
func TestQuerySyntax(t *testing.T) {
	ix, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	// One document per text: a page and a quote of the whole page.
	texts := map[string]string{} // doc id to text
	n := 0
	for _, ex := range QuerySyntax {
		for _, s := range append(append([]string{}, ex.Match...), ex.Miss...) {
			id := fmt.Sprintf("%064x", n)
			n++
			d := newTestDoc(id, "syntax/"+id[60:]+".pdf", extract.Page{Number: 1, Text: s})
			d.record("Elmstead Care Home report", "Elmstead Care Home", "care home", "2022-01-01")
			d.find(t, 1, extract.Finding{Kind: extract.KindQuote, Text: s, Start: 0, End: len(s), Speaker: extract.SpeakerPatient})
			if err := ix.Add(ctx, d.doc, d.findings); err != nil {
				t.Fatal(err)
			}
			texts[id] = s
		}
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for _, ex := range QuerySyntax {
		if len(ex.Match) == 0 {
			continue // a field: TestSearchFilters
		}
		for _, scope := range []string{ScopeFindings, ScopePages} {
			res := doSearch(t, ix, Query{Text: ex.Query, Scope: scope, Kinds: kindsFor(scope), Limit: 1000})
			found := map[string]bool{}
			for _, h := range res.Hits {
				found[texts[h.DocID]] = true
				if len(h.Snippet) == 0 || !hasMatch(h.Snippet) {
					t.Errorf("%s (%s): hit %q has no highlighted match", ex.Query, scope, texts[h.DocID])
				}
			}
			for _, s := range ex.Match {
				if !found[s] {
					t.Errorf("%s (%s): does not find %q", ex.Query, scope, s)
				}
			}
			for _, s := range ex.Miss {
				if found[s] {
					t.Errorf("%s (%s): finds %q", ex.Query, scope, s)
				}
			}
		}
	}
}

func kindsFor(scope string) []string {
	if scope == ScopeFindings {
		return []string{string(extract.KindQuote)}
	}
	return nil
}

func hasMatch(frags []Fragment) bool {
	for _, f := range frags {
		if strings.TrimSpace(f.Match) != "" {
			return true
		}
	}
	return false
}
