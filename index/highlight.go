package index

import (
	"regexp"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
)

// highlighter finds where a query matched a text by analysing the text
// again, for the pages index, which keeps no term vectors: a token is
// marked when its indexed term is one the query looks for.
type highlighter struct {
	an       analysis.Analyzer
	terms    map[string]bool
	prefixes []string
	fuzzy    []fuzzyTerm
	res      []*regexp.Regexp
}

type fuzzyTerm struct {
	term string
	dist int
}

func newHighlighter(m mapping.IndexMapping, q query.Query) *highlighter {
	h := &highlighter{an: m.AnalyzerNamed(en.AnalyzerName), terms: map[string]bool{}}
	if h.an == nil {
		return nil
	}
	h.collect(q)
	return h
}

func onText(field string) bool { return field == "" || field == fText }

// collect gathers the terms of the text field that q looks for; negated
// parts are left out.
func (h *highlighter) collect(q query.Query) {
	switch x := q.(type) {
	case *query.BooleanQuery:
		if x.Must != nil {
			h.collect(x.Must)
		}
		if x.Should != nil {
			h.collect(x.Should)
		}
	case *query.ConjunctionQuery:
		for _, c := range x.Conjuncts {
			h.collect(c)
		}
	case *query.DisjunctionQuery:
		for _, d := range x.Disjuncts {
			h.collect(d)
		}
	case *query.MatchQuery:
		if onText(x.FieldVal) {
			h.analysed(x.Match)
		}
	case *query.MatchPhraseQuery:
		if onText(x.FieldVal) {
			h.analysed(x.MatchPhrase)
		}
	case *query.TermQuery:
		if onText(x.FieldVal) {
			h.terms[x.Term] = true
		}
	case *query.PhraseQuery:
		if onText(x.FieldVal) {
			for _, t := range x.Terms {
				h.terms[t] = true
			}
		}
	case *query.PrefixQuery:
		if onText(x.FieldVal) {
			h.prefixes = append(h.prefixes, x.Prefix)
		}
	case *query.FuzzyQuery:
		if onText(x.FieldVal) {
			h.fuzzy = append(h.fuzzy, fuzzyTerm{x.Term, x.Fuzziness})
		}
	case *query.WildcardQuery:
		if onText(x.FieldVal) {
			re := regexp.QuoteMeta(x.Wildcard)
			re = strings.ReplaceAll(re, `\*`, ".*")
			re = strings.ReplaceAll(re, `\?`, ".")
			if r, err := regexp.Compile("^" + re + "$"); err == nil {
				h.res = append(h.res, r)
			}
		}
	case *query.RegexpQuery:
		if onText(x.FieldVal) {
			if r, err := regexp.Compile("^(?:" + x.Regexp + ")$"); err == nil {
				h.res = append(h.res, r)
			}
		}
	}
}

func (h *highlighter) analysed(s string) {
	for _, t := range h.an.Analyze([]byte(s)) {
		h.terms[string(t.Term)] = true
	}
}

func (h *highlighter) match(term string) bool {
	if h.terms[term] {
		return true
	}
	for _, p := range h.prefixes {
		if strings.HasPrefix(term, p) {
			return true
		}
	}
	for _, f := range h.fuzzy {
		if levenshtein(term, f.term, f.dist) <= f.dist {
			return true
		}
	}
	for _, r := range h.res {
		if r.MatchString(term) {
			return true
		}
	}
	return false
}

// spans returns the matches in text, sorted, without overlaps.
func (h *highlighter) spans(text string) []span {
	if text == "" || (len(h.terms) == 0 && len(h.prefixes) == 0 && len(h.fuzzy) == 0 && len(h.res) == 0) {
		return nil
	}
	var out []span
	for _, t := range h.an.Analyze([]byte(text)) {
		if h.match(string(t.Term)) {
			s := span{t.Start, t.End}
			if len(out) > 0 && s.start < out[len(out)-1].end {
				continue
			}
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b span) int { return a.start - b.start })
	return out
}

// levenshtein returns the edit distance of a and b in runes, or a value
// above limit once it exceeds limit.
func levenshtein(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
