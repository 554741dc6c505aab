package index

import (
	"regexp"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/search/query"
)

// highlighter finds where a query matched a text by analysing the text
// again, as the index analysed it, for the snippets of pages and findings: a
// token is marked when its stem is one the query looks for, a run of
// tokens when it is one of the query's phrases, and a word when a fuzzy,
// prefix, wildcard or regular expression part of the query matches it as
// written.
type highlighter struct {
	terms   map[string]bool
	phrases [][]Term
	// On the words field.
	words    map[string]bool
	prefixes []string
	fuzzy    []fuzzyTerm
	res      []*regexp.Regexp
}

type fuzzyTerm struct {
	term string
	dist int
}

func newHighlighter(q query.Query) *highlighter {
	h := &highlighter{terms: map[string]bool{}, words: map[string]bool{}}
	h.collect(q)
	return h
}

func onText(field string) bool { return field == "" || field == fText }

// collect gathers the terms of the text and words fields that q looks
// for; negated parts are left out.
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
			for _, t := range TextTerms(x.Match) {
				h.terms[t.Term] = true
			}
		}
	case *query.MatchPhraseQuery:
		if onText(x.FieldVal) {
			if p := TextTerms(x.MatchPhrase); len(p) == 1 {
				h.terms[p[0].Term] = true
			} else if len(p) > 1 {
				h.phrases = append(h.phrases, p)
			}
		}
	case *query.TermQuery:
		switch {
		case onText(x.FieldVal):
			h.terms[x.Term] = true
		case x.FieldVal == fWords:
			h.words[x.Term] = true
		}
	case *query.PhraseQuery:
		if onText(x.FieldVal) {
			var p []Term
			for i, t := range x.Terms {
				p = append(p, Term{Term: t, Position: i + 1})
			}
			h.phrases = append(h.phrases, p)
		}
	case *query.PrefixQuery:
		if x.FieldVal == fWords {
			h.prefixes = append(h.prefixes, x.Prefix)
		}
	case *query.FuzzyQuery:
		if x.FieldVal == fWords {
			h.fuzzy = append(h.fuzzy, fuzzyTerm{x.Term, x.Fuzziness})
		}
	case *query.WildcardQuery:
		if x.FieldVal == fWords {
			re := regexp.QuoteMeta(x.Wildcard)
			re = strings.ReplaceAll(re, `\*`, ".*")
			re = strings.ReplaceAll(re, `\?`, ".")
			if r, err := regexp.Compile("^" + re + "$"); err == nil {
				h.res = append(h.res, r)
			}
		}
	case *query.RegexpQuery:
		if x.FieldVal == fWords {
			if r, err := regexp.Compile("^(?:" + x.Regexp + ")$"); err == nil {
				h.res = append(h.res, r)
			}
		}
	}
}

func (h *highlighter) matchWord(w string) bool {
	if h.words[w] {
		return true
	}
	for _, p := range h.prefixes {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	for _, f := range h.fuzzy {
		if levenshtein(w, f.term, f.dist) <= f.dist {
			return true
		}
	}
	for _, r := range h.res {
		if r.MatchString(w) {
			return true
		}
	}
	return false
}

func (h *highlighter) empty() bool {
	return len(h.terms) == 0 && len(h.phrases) == 0 && len(h.words) == 0 &&
		len(h.prefixes) == 0 && len(h.fuzzy) == 0 && len(h.res) == 0
}

// spans returns the matches in text, sorted, without overlaps.
func (h *highlighter) spans(text string) []span {
	if text == "" || h.empty() {
		return nil
	}
	var out []span
	if len(h.terms) > 0 || len(h.phrases) > 0 {
		toks := TextTerms(text)
		var at map[int]int // position to token index
		if len(h.phrases) > 0 {
			at = make(map[int]int, len(toks))
			for i, t := range toks {
				at[t.Position] = i
			}
		}
		for i, t := range toks {
			if h.terms[t.Term] {
				out = append(out, span{t.Start, t.End})
			}
			for _, p := range h.phrases {
				if end, ok := phraseAt(toks, at, i, p); ok {
					out = append(out, span{t.Start, end})
				}
			}
		}
	}
	if len(h.words)+len(h.prefixes)+len(h.fuzzy)+len(h.res) > 0 {
		for _, t := range WordTerms(text) {
			if h.matchWord(t.Term) {
				out = append(out, span{t.Start, t.End})
			}
		}
	}
	slices.SortFunc(out, func(a, b span) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return b.end - a.end
	})
	merged := out[:0]
	for _, s := range out {
		if len(merged) > 0 && s.start < merged[len(merged)-1].end {
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// snippetSpans returns the matches of text that pageSnippet shows: those
// up to the end of the snippet the first match opens. It analyses growing
// prefixes of text, cut at a space, so that a match near the start of a
// long page costs a fraction of analysing the whole page. A prefix ends at
// least spanMargin bytes after the snippet, so a phrase that starts inside
// the snippet is whole in it.
func (h *highlighter) snippetSpans(text string) []span {
	const spanMargin = 512
	for want := 1024; ; want *= 4 {
		cut := strings.LastIndexAny(text[:min(want, len(text))], " \n\t")
		if want >= len(text) || cut <= 0 {
			return h.spans(text)
		}
		sp := h.spans(text[:cut])
		if len(sp) == 0 {
			continue
		}
		lo := cutBack(text, sp[0].start-snippetBefore, sp[0].start)
		end := max(cutForward(text, lo+snippetLen, len(text)), sp[0].end)
		if end+spanMargin <= cut {
			return sp
		}
	}
}

// phraseAt reports whether phrase p starts at token i of toks (at maps
// positions to tokens), its words at the same distances as in the phrase,
// and returns where its last word ends.
func phraseAt(toks []Term, at map[int]int, i int, p []Term) (end int, ok bool) {
	if toks[i].Term != p[0].Term {
		return 0, false
	}
	base := toks[i].Position - p[0].Position
	end = toks[i].End
	for _, w := range p[1:] {
		j, ok := at[base+w.Position]
		if !ok || toks[j].Term != w.Term {
			return 0, false
		}
		end = toks[j].End
	}
	return end, true
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
