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

// TestFuzzyEveryWord checks that a fuzzy word behaves the same on every
// word, however the stemmer cuts it: each word with one letter dropped,
// doubled or changed, written with ~, finds the word, as a finding and on
// a page; and it finds no word more than one letter away.
func TestFuzzyEveryWord(t *testing.T) {
	words := []string{"seclusion", "staffing", "medicines", "safeguarding", "governance", "observations",
		"restraint", "inspection", "ligature", "hydration", "deteriorating", "dignity", "stayed", "wards"}
	ix, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	for i, w := range words {
		id := fmt.Sprintf("%064x", i+1)
		s := "Inspectors noted " + w + " at Brackenford General Hospital."
		d := newTestDoc(id, "fuzzy/"+w+".pdf", extract.Page{Number: 1, Text: s})
		d.record("Brackenford General Hospital report", "Brackenford General Hospital", "nhs-trust", "2023-03-03")
		d.find(t, 1, extract.Finding{Kind: extract.KindQuote, Text: s, Speaker: extract.SpeakerCQC})
		if err := ix.Add(ctx, d.doc, d.findings); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for _, w := range words {
		mid := len(w) / 2
		for _, typo := range []string{w[:mid] + w[mid+1:], w[:mid] + w[mid:mid+1] + w[mid:], w[:mid] + "x" + w[mid+1:]} {
			for _, scope := range []string{ScopeFindings, ScopePages} {
				res := doSearch(t, ix, Query{Text: typo + "~", Scope: scope, Kinds: kindsFor(scope)})
				var got []string
				for _, h := range res.Hits {
					got = append(got, strings.TrimSuffix(strings.TrimPrefix(h.Path, "fuzzy/"), ".pdf"))
				}
				if len(got) != 1 || got[0] != w {
					t.Errorf("%s~ (%s): finds %v, want %s", typo, scope, got, w)
				}
			}
		}
	}
}
