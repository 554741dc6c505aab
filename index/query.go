package index

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Scopes: what a search looks at. The default (the empty scope) is
// everything a query's words match, findings first, then pages; without
// words, it is the findings. ScopeAll also lists every page when there
// are no words.
const (
	ScopeFindings = "findings"
	ScopePages    = "pages"
	ScopeAll      = "all"
)

// Sort orders.
const (
	SortRelevance = "relevance"
	SortDate      = "date" // newest first
)

// Limits on a Query.
const (
	DefaultLimit     = 20
	MaxLimit         = 1000
	MaxOffset        = 100000
	DefaultFacetSize = 10
	MaxFacetSize     = 1000
)

// Query is a search: a full-text query string plus filters, each filter a
// list of accepted values (any of them). Filters combine with each other
// and with the text by AND. The zero Query matches every finding.
// Filters on a finding's own fields (kind, rating, ...) match no page.
type Query struct {
	// Text is in bleve's query-string syntax: words, "phrases", +must,
	// -not, field:value, fuzzy~, prefix*. Words without a field search the
	// text. Unlike plain bleve, every word is required; write OR (in
	// capitals) between parts to accept any of them. Empty matches all.
	Text string `json:"text,omitempty"`

	Kinds       []string `json:"kinds,omitempty"`
	Ratings     []string `json:"ratings,omitempty"`
	Previous    []string `json:"previous,omitempty"`
	Direction   []string `json:"direction,omitempty"` // improved, same, declined
	Domains     []string `json:"domains,omitempty"`
	Subjects    []string `json:"subjects,omitempty"`
	Providers   []string `json:"providers,omitempty"`
	DocTypes    []string `json:"doc_types,omitempty"`
	Regulations []string `json:"regulations,omitempty"`
	Speakers    []string `json:"speakers,omitempty"`
	Themes      []string `json:"themes,omitempty"`
	DocIDs      []string `json:"doc_ids,omitempty"`

	// From and To bound the year of publication, inclusive; 0 is open.
	From int `json:"from,omitempty"`
	To   int `json:"to,omitempty"`

	// Scope is "findings", "pages" or "all"; empty (the default) is
	// findings and the pages the words match. Findings rank before pages.
	Scope string `json:"scope,omitempty"`
	// PageText asks for the whole text of each page hit (Hit.Text).
	PageText bool `json:"page_text,omitempty"`
	// Sort is "relevance" (the default) or "date" (newest first).
	Sort string `json:"sort,omitempty"`

	// Limit is the number of hits returned (default 20, at most 1000),
	// Offset the number skipped.
	Limit  int `json:"limit,omitempty"`
	Offset int `json:"offset,omitempty"`

	// Facets asks for facet counts over all hits; FacetSize is the number
	// of terms kept per facet (default 10).
	Facets    bool `json:"facets,omitempty"`
	FacetSize int  `json:"facet_size,omitempty"`
	// MultiSelect names facets (from FacetFields) counted as if their own
	// filter were off, for a multi-select sidebar: a hit counts for such a
	// facet when it passes every filter but that facet's ("year" stands
	// for From and To). Total and the hits still obey every filter.
	MultiSelect []string `json:"multi_select,omitempty"`
}

// QueryError is a query the index refuses: the field at fault, the value
// given and why. Validate and Search return it for any problem with the
// query itself, so callers tell a user's mistake from a failure.
type QueryError struct {
	Field  string // the Query field or filter name, "text" for the query string
	Value  string // the value given ("" when the value is missing)
	Reason string // why, as a sentence for the user
	Err    error  // the parser's error, for text
}

// Message is the error for the user: the reason, with the query part
// for a query string that does not parse.
func (e *QueryError) Message() string {
	if e.Field == "text" {
		return fmt.Sprintf("query %q: %s", e.Value, e.Reason)
	}
	return e.Reason
}

func (e *QueryError) Error() string {
	if e.Field == "text" {
		return e.Message()
	}
	return "query: " + e.Reason
}

func (e *QueryError) Unwrap() error { return e.Err }

// Validate reports the first problem with q: an unknown filter value,
// scope or sort, a bad range or page, or a query string that does not
// parse.
func (q *Query) Validate() error {
	for _, f := range Filters {
		for _, v := range *f.Values(q) {
			if v == "" {
				return &QueryError{Field: f.Name, Reason: "empty " + f.Name}
			}
			if f.Valid != nil && !slices.Contains(f.Valid, v) {
				return &QueryError{Field: f.Name, Value: v, Reason: fmt.Sprintf("unknown %s %q (want one of %s)", f.Name, v, strings.Join(f.Valid, ", "))}
			}
		}
	}
	for _, y := range []int{q.From, q.To} {
		if y != 0 && (y < 1000 || y > 9999) {
			return &QueryError{Field: "year", Value: strconv.Itoa(y), Reason: fmt.Sprintf("year %d is not a four-digit year", y)}
		}
	}
	if q.From != 0 && q.To != 0 && q.From > q.To {
		return &QueryError{Field: "from", Value: strconv.Itoa(q.From), Reason: fmt.Sprintf("from %d is after to %d", q.From, q.To)}
	}
	switch q.Scope {
	case "", ScopeFindings, ScopePages, ScopeAll:
	default:
		return &QueryError{Field: "scope", Value: q.Scope, Reason: fmt.Sprintf("unknown scope %q (want findings, pages or all)", q.Scope)}
	}
	switch q.Sort {
	case "", SortRelevance, SortDate:
	default:
		return &QueryError{Field: "sort", Value: q.Sort, Reason: fmt.Sprintf("unknown sort %q (want relevance or date)", q.Sort)}
	}
	if q.Limit < 0 || q.Limit > MaxLimit {
		return &QueryError{Field: "limit", Value: strconv.Itoa(q.Limit), Reason: fmt.Sprintf("limit %d out of range 0..%d", q.Limit, MaxLimit)}
	}
	if q.Offset < 0 || q.Offset > MaxOffset {
		return &QueryError{Field: "offset", Value: strconv.Itoa(q.Offset), Reason: fmt.Sprintf("offset %d out of range 0..%d", q.Offset, MaxOffset)}
	}
	if q.FacetSize < 0 || q.FacetSize > MaxFacetSize {
		return &QueryError{Field: "facet_size", Value: strconv.Itoa(q.FacetSize), Reason: fmt.Sprintf("facet size %d out of range 0..%d", q.FacetSize, MaxFacetSize)}
	}
	for _, f := range q.MultiSelect {
		if !slices.Contains(FacetFields, f) {
			return &QueryError{Field: "multi_select", Value: f, Reason: fmt.Sprintf("unknown multi-select facet %q (want one of %s)", f, strings.Join(FacetFields, ", "))}
		}
	}
	if _, err := textQuery(q.Text); err != nil {
		return err
	}
	return nil
}

// searches reports whether q looks at findings and at pages. A filter on
// a finding's own fields matches no page, so that pages are not searched.
func (q *Query) searches(hasText bool) (findings, pages bool) {
	switch q.Scope {
	case ScopeFindings:
		findings = true
	case ScopePages:
		pages = true
	case ScopeAll:
		findings, pages = true, true
	default:
		findings, pages = true, hasText
	}
	return findings, pages && !q.findingFilter()
}

// findingFilter reports whether q filters on a field only findings have
// (and that filter's facet is not counted as if it were off).
func (q *Query) findingFilter() bool {
	for _, f := range Filters {
		if !f.Pages && len(*f.Values(q)) > 0 && !(q.Facets && slices.Contains(q.MultiSelect, f.Name)) {
			return true
		}
	}
	return false
}

func (q *Query) limit() int {
	if q.Limit == 0 {
		return DefaultLimit
	}
	return q.Limit
}

func (q *Query) facetSize() int {
	if q.FacetSize == 0 {
		return DefaultFacetSize
	}
	return q.FacetSize
}

// matcher is a Query's filters over the in-memory columns. Each filter
// has a bit.
type matcher struct {
	checks []check
	// own holds the bits of the multi-select facets' filters: a row that
	// fails only one of them still counts for that facet.
	own uint32
	// facet maps a filter bit's position to its facet (a FacetFields
	// index).
	facet [16]int
}

// Kinds of check.
const (
	checkColumn = iota
	checkTheme
	checkYear
	checkDoc
)

// check is one filter.
type check struct {
	kind   int
	col    int
	bit    uint32
	accept []uint8 // 1 by accepted code (or document ordinal for checkDoc)
	themes uint64  // accepted theme codes below 64
	lo, hi int32   // checkYear: accepted dates, yyyymmdd
}

// facetYear is the index of "year" in FacetFields.
const facetYear = cYear

// matcher builds q's filters against the table's dictionaries. t.mu must
// be held.
func (q *Query) matcher(t *table) *matcher {
	m := &matcher{}
	add := func(ch check, facet int) {
		ch.bit = 1 << len(m.checks)
		m.facet[len(m.checks)] = facet
		if facet >= 0 && slices.Contains(q.MultiSelect, FacetFields[facet]) {
			m.own |= ch.bit
		}
		m.checks = append(m.checks, ch)
	}
	for _, f := range Filters {
		values := *f.Values(q)
		if len(values) == 0 {
			continue
		}
		c := f.column
		if c < 0 {
			ch := check{kind: checkDoc, accept: make([]uint8, len(t.dlist))}
			for _, v := range values {
				if d := t.docs[v]; d != nil && int(d.ord) < len(ch.accept) {
					ch.accept[d.ord] = 1
				}
			}
			add(ch, -1)
			continue
		}
		ch := check{kind: checkColumn, col: c, accept: make([]uint8, t.dicts[c].size())}
		if c == cTheme {
			ch.kind = checkTheme
		}
		for _, v := range values {
			if code, ok := t.dicts[c].lookup(v); ok {
				ch.accept[code] = 1
				if code < 64 {
					ch.themes |= 1 << code
				}
			}
		}
		ch.themes &^= 1
		add(ch, c)
	}
	if q.From != 0 || q.To != 0 {
		ch := check{kind: checkYear, lo: 0, hi: 1<<31 - 1}
		if q.From != 0 {
			ch.lo = int32(q.From) * 10000
		}
		if q.To != 0 {
			ch.hi = int32(q.To)*10000 + 9999
		}
		add(ch, facetYear)
	}
	return m
}

// word returns a bit per row of c from base to end (at most 64 rows): set
// when the row passes ch.
func (ch *check) word(c *cols, base, end int) uint64 {
	var w uint64
	acc := ch.accept
	switch ch.kind {
	case checkColumn:
		col := c.v[ch.col]
		if col == nil {
			return 0 // no row has a value
		}
		for i, v := range col[base:end] {
			if int(v) < len(acc) {
				w |= uint64(acc[v]) << i
			}
		}
	case checkTheme:
		if c.themes == nil {
			return 0
		}
		for i, b := range c.themes[base:end] {
			if b&ch.themes != 0 || (b&1 != 0 && c.hasTheme(uint32(base+i), ch.themes, acc)) {
				w |= 1 << i
			}
		}
	case checkYear:
		for i, d := range c.date[base:end] {
			if d != 0 && d >= ch.lo && d <= ch.hi {
				w |= 1 << i
			}
		}
	case checkDoc:
		for i, o := range c.doc[base:end] {
			if int(o) < len(acc) {
				w |= uint64(acc[o]) << i
			}
		}
	}
	return w
}

// textQuery parses a query string with AND semantics: every plain word of
// a part is required, and parts separated by OR are alternatives. It
// returns nil for an empty string.
func textQuery(s string) (query.Query, error) {
	parts := splitOR(s)
	var alts []query.Query
	for _, p := range parts {
		qq, err := bleve.NewQueryStringQuery(p).Parse()
		if err != nil {
			return nil, &QueryError{Field: "text", Value: p, Reason: err.Error(), Err: err}
		}
		if tooFuzzy(qq) {
			return nil, &QueryError{Field: "text", Value: p, Reason: fmt.Sprintf("a fuzzy word allows at most %d edits (word~1 or word~2)", maxFuzziness)}
		}
		if b, ok := qq.(*query.BooleanQuery); ok {
			if d, ok := b.Should.(*query.DisjunctionQuery); ok && len(d.Disjuncts) > 0 {
				b.AddMust(d.Disjuncts...)
				b.Should = nil
			}
		}
		alts = append(alts, simplify(onWords(singleTerms(keywordPhrases(qq)))))
	}
	switch len(alts) {
	case 0:
		return nil, nil
	case 1:
		return alts[0], nil
	}
	return bleve.NewDisjunctionQuery(alts...), nil
}

// maxFuzziness is the largest edit distance bleve searches a fuzzy word
// with; a larger one fails at search time.
const maxFuzziness = 2

// tooFuzzy reports a fuzzy word in q asking for more edits than bleve
// allows ("staffing~7").
func tooFuzzy(q query.Query) bool {
	bad := false
	var walk func(query.Query) query.Query
	walk = func(q query.Query) query.Query {
		if rewriteChildren(q, walk) {
			return q
		}
		switch x := q.(type) {
		case *query.MatchQuery:
			bad = bad || x.Fuzziness > maxFuzziness
		case *query.FuzzyQuery:
			bad = bad || x.Fuzziness > maxFuzziness
		}
		return q
	}
	walk(q)
	return bad
}

// splitOR splits s at the word OR outside double quotes, dropping empty
// parts.
func splitOR(s string) []string {
	var parts []string
	inQuote := false
	start := 0
	flush := func(end int) {
		if p := strings.TrimSpace(s[start:end]); p != "" {
			parts = append(parts, p)
		}
	}
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\':
			i++
		case s[i] == '"':
			inQuote = !inQuote
		case !inQuote && strings.HasPrefix(s[i:], "OR") &&
			(i == 0 || isSpace(s[i-1])) && (i+2 == len(s) || isSpace(s[i+2])):
			flush(i)
			start = i + 2
			i++
		}
	}
	flush(len(s))
	return parts
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// keywordFields are the fields indexed as one term each.
var keywordFields = map[string]bool{
	fDocID: true, fSerial: true, fProvider: true, fDocType: true, fYearTerm: true,
	fKind: true, fRating: true, fPrevious: true, fDirection: true, fDomain: true,
	fSubject: true, fRegulation: true, fSpeaker: true, fTheme: true,
}

// rewriteChildren applies f to the children of a boolean, conjunction or
// disjunction query, in place, and reports whether q was one.
func rewriteChildren(q query.Query, f func(query.Query) query.Query) bool {
	switch x := q.(type) {
	case *query.BooleanQuery:
		if x.Must != nil {
			x.Must = f(x.Must)
		}
		if x.Should != nil {
			x.Should = f(x.Should)
		}
		if x.MustNot != nil {
			x.MustNot = f(x.MustNot)
		}
	case *query.ConjunctionQuery:
		for i, c := range x.Conjuncts {
			x.Conjuncts[i] = f(c)
		}
	case *query.DisjunctionQuery:
		for i, d := range x.Disjuncts {
			x.Disjuncts[i] = f(d)
		}
	default:
		return false
	}
	return true
}

// keywordPhrases rewrites field:"quoted value" on a keyword field, which
// the query string makes a phrase query, into a term query: keyword fields
// keep no positions for phrases.
func keywordPhrases(q query.Query) query.Query {
	if rewriteChildren(q, keywordPhrases) {
		return q
	}
	switch x := q.(type) {
	case *query.MatchPhraseQuery:
		if keywordFields[x.FieldVal] {
			t := termQuery(x.FieldVal, x.MatchPhrase)
			t.BoostVal = x.BoostVal
			return t
		}
	}
	return q
}

// simplify drops the boolean and conjunction wrapped around a query that
// only requires other queries: bleve then runs fewer searchers.
func simplify(q query.Query) query.Query {
	b, ok := q.(*query.BooleanQuery)
	if !ok || b.Should != nil || b.MustNot != nil || b.Must == nil {
		return q
	}
	c, ok := b.Must.(*query.ConjunctionQuery)
	if !ok || b.BoostVal != nil || c.BoostVal != nil {
		return q
	}
	if len(c.Conjuncts) == 1 {
		return c.Conjuncts[0]
	}
	// Words left out of the text (stop words) match nothing, and bleve
	// skips them in the query string's conjunctions; dropping them here
	// leaves the same conjunction, with the same hits and scores, of
	// plain words the term matcher answers.
	kept := slices.DeleteFunc(slices.Clone(c.Conjuncts), func(q query.Query) bool {
		m, ok := q.(*query.MatchQuery)
		return ok && onText(m.FieldVal) && m.Analyzer == "" && m.Fuzziness == 0 && m.Prefix == 0 && len(TextTerms(m.Match)) == 0
	})
	if len(kept) > 0 {
		c.Conjuncts = kept
	}
	return c
}

// singleTerms rewrites a plain match of the text that analyses to one term
// into a term query: the same hits and order, without the disjunction
// bleve wraps around a match. A word written as one that analyses to
// several terms ("well-led", "A&E", "2019/20") becomes the phrase of
// those terms, where bleve would match any one of them.
func singleTerms(q query.Query) query.Query {
	if rewriteChildren(q, singleTerms) {
		return q
	}
	switch x := q.(type) {
	case *query.MatchQuery:
		an := analyzersText()
		if !onText(x.FieldVal) || x.Analyzer != "" || x.Fuzziness != 0 || x.Prefix != 0 || an == nil {
			return q
		}
		toks := an.Analyze([]byte(x.Match))
		switch {
		case len(toks) == 1:
			t := termQuery(fText, string(toks[0].Term))
			t.BoostVal = x.BoostVal
			return t
		case len(toks) > 1 && !strings.ContainsFunc(x.Match, unicode.IsSpace):
			p := bleve.NewMatchPhraseQuery(x.Match)
			p.FieldVal = x.FieldVal
			p.BoostVal = x.BoostVal
			return p
		}
	}
	return q
}

// onWords rewrites the searches of the text that compare letters rather
// than stems (fuzzy words, prefixes, wildcards and regular expressions)
// to search the words field, the text's words as written: a fuzzy word is
// then compared with the words of the text, not with their stems, which
// the stemmer cuts by different amounts ("seclusion" to "seclus" but a
// misspelt "seclushion" not at all).
func onWords(q query.Query) query.Query {
	if rewriteChildren(q, onWords) {
		return q
	}
	switch x := q.(type) {
	case *query.MatchQuery:
		if !onText(x.FieldVal) || x.Fuzziness == 0 || x.Analyzer != "" {
			return q
		}
		words := WordTerms(x.Match)
		if len(words) == 0 {
			return q
		}
		var out []query.Query
		for _, w := range words {
			f := bleve.NewFuzzyQuery(w.Term)
			f.SetField(fWords)
			f.SetFuzziness(x.Fuzziness)
			f.Prefix = x.Prefix
			f.BoostVal = x.BoostVal
			out = append(out, f)
		}
		if len(out) == 1 {
			return out[0]
		}
		return bleve.NewConjunctionQuery(out...)
	case *query.FuzzyQuery:
		if onText(x.FieldVal) {
			x.FieldVal = fWords
			x.Term = strings.ToLower(x.Term)
		}
	case *query.PrefixQuery:
		if onText(x.FieldVal) {
			x.FieldVal = fWords
			x.Prefix = strings.ToLower(x.Prefix)
		}
	case *query.WildcardQuery:
		if onText(x.FieldVal) {
			x.FieldVal = fWords
			x.Wildcard = strings.ToLower(x.Wildcard)
		}
	case *query.RegexpQuery:
		if onText(x.FieldVal) {
			x.FieldVal = fWords
		}
	}
	return q
}

func termQuery(field, term string) *query.TermQuery {
	q := bleve.NewTermQuery(term)
	q.SetField(field)
	return q
}
