package index

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// TestSnippetSpansAsWhole checks that analysing growing prefixes of a page
// gives the snippet that analysing the whole page gives, for words,
// phrases and prefixes that match early, late, across the prefixes' cuts
// or not at all.
func TestSnippetSpansAsWhole(t *testing.T) {
	g := newGen(11)
	r := rand.New(rand.NewPCG(5, 6))
	queries := []string{
		"staffing", "medicines", `"safe care"`, "seclusion", "record*", "staf~1",
		"nosuchword", `"care plans"`, "risk assessments", "ward",
	}
	for range 20 {
		w1, w2 := g.vocab[2+r.IntN(200)], g.vocab[2+r.IntN(200)]
		queries = append(queries, w1, `"`+w1+" "+w2+`"`, w1+"*")
	}
	compared, early := 0, 0
	for i := range 120 {
		var b strings.Builder
		for b.Len() < 500+r.IntN(9000) {
			b.WriteString(g.sentence())
			b.WriteString(" ")
			if i%3 == 0 && r.IntN(8) == 0 {
				b.WriteString("Safe care plans for seclusion on the ward were reviewed. ")
			}
		}
		text := b.String()
		for _, qs := range queries {
			q, err := textQuery(qs)
			if err != nil {
				t.Fatal(err)
			}
			h := newHighlighter(q)
			whole := h.spans(text)
			part := h.snippetSpans(text)
			if got, want := pageSnippet(text, part), pageSnippet(text, whole); !reflect.DeepEqual(got, want) {
				t.Fatalf("query %s on a page of %d bytes:\nprefixes %v\nwhole    %v", qs, len(text), got, want)
			}
			compared++
			if len(part) < len(whole) {
				early++
			}
		}
	}
	if early == 0 {
		t.Fatalf("of %d snippets, none was cut from a prefix", compared)
	}
}
