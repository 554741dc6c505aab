// The cost of a query: what it will take to match, known before bleve
// builds a searcher for it, so that a query too dear for the index is
// refused with a reason (a *QueryError naming the limit) instead of
// running for minutes.
//
// Matching costs about one posting reader per word searched per segment.
// A plain word is one word; a wildcard, regexp, prefix or fuzzy term is
// every word of the index it stands for, which a few characters can make
// thousands ("*a*"), and finding them walks the dictionary. So a query
// may have at most MaxExpandingTerms such terms; the words each stands
// for are counted in the dictionaries (the automaton walk bleve itself
// does next, stopped at the limit) and bounded per term, per query, and
// by the memory their readers would take.
//
// What a query may still cost is bounded by its deadline: the searchers
// of its OR parts are built one at a time and the matching loop looks at
// the context before each match, so a cancelled query stops within
// milliseconds.

package index

import (
	"context"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"
)

// Limits on a query's cost, per index searched (findings and pages each).
const (
	// MaxTermExpansion bounds the words of the index that one wildcard,
	// regexp, prefix or fuzzy term may stand for.
	MaxTermExpansion = 5000
	// MaxQueryExpansion bounds the words a whole query searches, each
	// plain word counting one and each expanding term its words.
	MaxQueryExpansion = 10000
	// MaxExpandingTerms bounds the wildcard, regexp, prefix and fuzzy
	// terms of one query: each walks the dictionary, which costs
	// milliseconds on a large index before a word is matched.
	MaxExpandingTerms = 32
	// QueryMemoryBudget bounds the memory the posting readers of one
	// query may take, in bytes, as estimated by readerBytes.
	QueryMemoryBudget = 128 << 20
)

// readerBytes is the memory bleve keeps for one word's posting reader in
// one segment while a scored query runs: about 1.95 KiB measured on an
// index of 300 real reports (the term searcher, its reader and decoded
// chunk of frequencies and norms).
const readerBytes = 2 << 10

// cost is what matching a query will take.
type cost struct {
	words int // words searched, expansions counted
}

// costLimits are the limits a cost is checked against; tests shrink them.
type costLimits struct {
	term, query int
	memory      int64
	expanding   int
}

var defaultLimits = costLimits{term: MaxTermExpansion, query: MaxQueryExpansion, memory: QueryMemoryBudget, expanding: MaxExpandingTerms}

// limitsKey is the context key of limits other than the default, for
// tests.
type limitsKey struct{}

// limitsOf returns the limits a query under ctx is held to.
func limitsOf(ctx context.Context) costLimits {
	if l, ok := ctx.Value(limitsKey{}).(costLimits); ok {
		return l
	}
	return defaultLimits
}

// checkCost refuses q, about to run on r with segments segments, when it
// costs more than the limits allow, with a *QueryError naming the limit.
// It stops counting as soon as a limit is passed, and when ctx is done.
func checkCost(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, q query.Query, segments int, lim costLimits) (cost, error) {
	if n, first := expanding(q, lim.expanding); n > lim.expanding {
		return cost{}, &QueryError{Field: "text", Value: first, Reason: fmt.Sprintf(
			"the query has more than %d wildcard, regexp or fuzzy terms (the limit for one query); use fewer", lim.expanding)}
	}
	c := &coster{ctx: ctx, r: r, m: m, lim: lim}
	c.walk(q)
	if c.err != nil {
		return c.cost, c.err
	}
	if est := int64(c.words) * int64(max(segments, 1)) * readerBytes; est > lim.memory {
		return c.cost, &QueryError{Field: "text", Value: c.widest, Reason: fmt.Sprintf(
			"the query would need about %s to match %d words in %d index segments, over the %s one query may use; "+
				"use fewer wildcard, regexp or fuzzy terms, or make them more specific (this one stands for %d words)",
			mib(est), c.words, segments, mib(lim.memory), c.widestN)}
	}
	return c.cost, nil
}

func mib(n int64) string { return fmt.Sprintf("%d MiB", (n+(1<<20)-1)>>20) }

// coster walks a query, adding up its cost until a limit is passed.
type coster struct {
	cost
	ctx context.Context
	r   bindex.IndexReader
	m   mapping.IndexMapping
	lim costLimits
	err error
	// The term that stands for the most words, for the errors.
	widest  string
	widestN int
}

func (c *coster) walk(q query.Query) {
	if c.err != nil {
		return
	}
	switch x := q.(type) {
	case *query.BooleanQuery:
		for _, s := range []query.Query{x.Must, x.Should, x.MustNot} {
			if s != nil {
				c.walk(s)
			}
		}
	case *query.ConjunctionQuery:
		for _, s := range x.Conjuncts {
			c.walk(s)
		}
	case *query.DisjunctionQuery:
		for _, s := range x.Disjuncts {
			c.walk(s)
		}
	case *query.WildcardQuery:
		c.expand("wildcard", x.Wildcard, func() (bindex.FieldDict, error) {
			return c.regexpDict(c.field(x.FieldVal), wildcardRegexp(x.Wildcard))
		})
	case *query.RegexpQuery:
		c.expand("regexp", "/"+x.Regexp+"/", func() (bindex.FieldDict, error) {
			return c.regexpDict(c.field(x.FieldVal), strings.TrimPrefix(x.Regexp, "^"))
		})
	case *query.PrefixQuery:
		c.expand("prefix", x.Prefix+"*", func() (bindex.FieldDict, error) {
			return c.r.FieldDictPrefix(c.field(x.FieldVal), []byte(x.Prefix))
		})
	case *query.FuzzyQuery:
		c.fuzzy(c.field(x.FieldVal), x.Term, x.Fuzziness, x.Prefix, x.Term)
	case *query.MatchQuery:
		field := c.field(x.FieldVal)
		if x.Fuzziness == 0 {
			c.add(max(len(c.tokens(field, x.Analyzer, x.Match)), 1), x.Match)
			return
		}
		for _, t := range c.tokens(field, x.Analyzer, x.Match) {
			c.fuzzy(field, t, x.Fuzziness, x.Prefix, x.Match)
		}
	case *query.MatchPhraseQuery:
		c.add(max(len(c.tokens(c.field(x.FieldVal), x.Analyzer, x.MatchPhrase)), 1), x.MatchPhrase)
	case *query.PhraseQuery:
		c.add(max(len(x.Terms), 1), strings.Join(x.Terms, " "))
	default:
		// A term, a document id, a numeric range: a few readers each.
		c.add(1, "")
	}
}

// expanding counts the terms of q that expand to words of the dictionary,
// stopping past limit, and returns the first term past it.
func expanding(q query.Query, limit int) (int, string) {
	n, first := 0, ""
	var walk func(query.Query)
	see := func(text string) {
		if n++; n == limit+1 {
			first = text
		}
	}
	walk = func(q query.Query) {
		if n > limit {
			return
		}
		switch x := q.(type) {
		case *query.BooleanQuery:
			for _, s := range []query.Query{x.Must, x.Should, x.MustNot} {
				if s != nil {
					walk(s)
				}
			}
		case *query.ConjunctionQuery:
			for _, s := range x.Conjuncts {
				walk(s)
			}
		case *query.DisjunctionQuery:
			for _, s := range x.Disjuncts {
				walk(s)
			}
		case *query.WildcardQuery:
			see(x.Wildcard)
		case *query.RegexpQuery:
			see("/" + x.Regexp + "/")
		case *query.PrefixQuery:
			see(x.Prefix + "*")
		case *query.FuzzyQuery:
			if x.Fuzziness != 0 {
				see(x.Term)
			}
		case *query.MatchQuery:
			if x.Fuzziness != 0 {
				see(fmt.Sprintf("%s~%d", x.Match, x.Fuzziness))
			}
		}
	}
	walk(q)
	return n, first
}

// add counts n words searched for text.
func (c *coster) add(n int, text string) {
	c.words += n
	if n > c.widestN {
		c.widest, c.widestN = text, n
	}
	if c.words > c.lim.query && c.err == nil {
		c.err = &QueryError{Field: "text", Value: text, Reason: fmt.Sprintf(
			"with this term the query searches more than %d words of the index (the limit for one query, counting every word "+
				"a wildcard, regexp or fuzzy term stands for); use fewer such terms or make them more specific", c.lim.query)}
	}
}

// expand counts the words of the dictionary that open lists for a term
// of the kind given, refusing the term past the limit for one term.
func (c *coster) expand(kind, text string, open func() (bindex.FieldDict, error)) {
	if c.err != nil {
		return
	}
	if c.err = c.ctx.Err(); c.err != nil {
		return
	}
	fd, err := open()
	if err != nil {
		// Bleve reports a bad pattern when it builds the searcher.
		c.add(1, text)
		return
	}
	defer fd.Close()
	n := 0
	for {
		if n&255 == 255 {
			if c.err = c.ctx.Err(); c.err != nil {
				return
			}
		}
		e, err := fd.Next()
		if err != nil {
			c.err = fmt.Errorf("count the words of %s %s: %w", kind, text, err)
			return
		}
		if e == nil {
			break
		}
		if n++; n > c.lim.term {
			c.err = &QueryError{Field: "text", Value: text, Reason: fmt.Sprintf(
				"the %s %s stands for more than %d words of the index (the limit for one term); make it longer or more specific",
				kind, text, c.lim.term)}
			return
		}
	}
	c.add(max(n, 1), text)
}

// fuzzy counts a fuzzy term, as bleve's fuzzy searcher expands it; word
// is what the user wrote.
func (c *coster) fuzzy(field, term string, fuzziness, prefix int, word string) {
	if fuzziness == 0 {
		c.add(1, word)
		return
	}
	// The prefix is in bytes, cut at the next rune boundary, like bleve.
	pre := term
	for i := range term {
		if i >= prefix {
			pre = term[:i]
			break
		}
	}
	text := fmt.Sprintf("%s~%d", word, fuzziness)
	c.expand("fuzzy word", text, func() (bindex.FieldDict, error) {
		fr, ok := c.r.(bindex.IndexReaderFuzzy)
		if !ok {
			return nil, fmt.Errorf("index reader %T has no fuzzy dictionary", c.r)
		}
		return fr.FieldDictFuzzy(field, term, fuzziness, pre)
	})
}

func (c *coster) regexpDict(field, pattern string) (bindex.FieldDict, error) {
	rr, ok := c.r.(bindex.IndexReaderRegexp)
	if !ok {
		return nil, fmt.Errorf("index reader %T has no regexp dictionary", c.r)
	}
	return rr.FieldDictRegexp(field, pattern)
}

// field is the field a query without one searches.
func (c *coster) field(f string) string {
	if f == "" {
		return c.m.DefaultSearchField()
	}
	return f
}

// tokens analyses text as bleve's match query does for field.
func (c *coster) tokens(field, analyzer, text string) []string {
	if analyzer == "" {
		analyzer = c.m.AnalyzerNameForPath(field)
	}
	an := c.m.AnalyzerNamed(analyzer)
	if an == nil {
		return strings.Fields(text)
	}
	var out []string
	for _, t := range an.Analyze([]byte(text)) {
		out = append(out, string(t.Term))
	}
	return out
}

// wildcardRegexp is the regexp bleve matches a wildcard with: * any run
// of characters, ? any one, everything else literal.
func wildcardRegexp(w string) string {
	var b strings.Builder
	for _, r := range w {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		case '+', '(', ')', '^', '$', '.', '{', '}', '[', ']', '|', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// checkedKey marks a context whose query's cost was checked on every
// index it searches.
type checkedKey struct{}

// checkCosts checks the cost of a query's text on each index it will
// search (fq on the findings when findings, pq on the pages when pages),
// so that a query too dear for either is refused before any matching. It
// returns ctx marked for match not to count again.
func (ix *Index) checkCosts(ctx context.Context, findings bool, fq query.Query, pages bool, pq query.Query) (context.Context, error) {
	for _, x := range []struct {
		want bool
		idx  bleve.Index
		q    query.Query
	}{{pages, ix.px, pq}, {findings, ix.fx, fq}} { // the larger dictionary first
		if !x.want || x.q == nil {
			continue
		}
		adv, err := x.idx.Advanced()
		if err != nil {
			return ctx, err
		}
		r, err := adv.Reader()
		if err != nil {
			return ctx, err
		}
		segs := 1
		if snap, ok := r.(*scorch.IndexSnapshot); ok {
			segs = len(snap.Segments())
		}
		_, err = checkCost(ctx, r, x.idx.Mapping(), x.q, segs, limitsOf(ctx))
		r.Close()
		if err != nil {
			return ctx, err
		}
	}
	return context.WithValue(ctx, checkedKey{}, true), nil
}

// buildSearcher is q.Searcher, but a disjunction (the OR parts of a query)
// is built part by part, checking ctx between parts: bleve does not look
// at the context while it expands terms and opens their readers.
func buildSearcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, q query.Query, opts search.SearcherOptions) (search.Searcher, error) {
	d, ok := q.(*query.DisjunctionQuery)
	if !ok {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return q.Searcher(ctx, r, m, opts)
	}
	parts := make([]search.Searcher, 0, len(d.Disjuncts))
	closeAll := func() {
		for _, s := range parts {
			_ = s.Close()
		}
	}
	for _, dq := range d.Disjuncts {
		s, err := buildSearcher(ctx, r, m, dq, opts)
		if err != nil {
			closeAll()
			return nil, err
		}
		if s != nil {
			parts = append(parts, s)
		}
	}
	s, err := searcher.NewDisjunctionSearcher(ctx, r, parts, d.Min, opts)
	if err != nil {
		closeAll()
		return nil, err
	}
	return s, nil
}
