package index

import (
	"fmt"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/cqcmine/cqcmine/extract"
)

// Scopes: which bleve documents a search looks at.
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

	// Scope is "findings" (the default), "pages" or "all".
	Scope string `json:"scope,omitempty"`
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
}

// filter is one list of Query values and the field it filters.
type filter struct {
	name   string
	field  string
	values []string
	valid  []string // accepted values; nil accepts any
}

func (q *Query) filters() []filter {
	kinds := make([]string, len(extract.Kinds))
	for i, k := range extract.Kinds {
		kinds[i] = string(k)
	}
	ratings := []string{extract.RatingOutstanding, extract.RatingGood, extract.RatingRequiresImp, extract.RatingInadequate}
	return []filter{
		{"kind", fKind, q.Kinds, kinds},
		{"rating", fRating, q.Ratings, ratings},
		{"previous", fPrevious, q.Previous, ratings},
		{"direction", fDirection, q.Direction, []string{DirectionImproved, DirectionSame, DirectionDeclined}},
		{"domain", fDomain, q.Domains, extract.Domains},
		{"subject", fSubject, q.Subjects, nil},
		{"provider", fProvider, q.Providers, nil},
		{"doc_type", fDocType, q.DocTypes, nil},
		{"regulation", fRegulation, q.Regulations, nil},
		{"speaker", fSpeaker, q.Speakers, nil},
		{"theme", fTheme, q.Themes, nil},
		{"doc_id", fDocID, q.DocIDs, nil},
	}
}

// Validate reports the first problem with q: an unknown filter value,
// scope or sort, a bad range or page, or a query string that does not
// parse.
func (q *Query) Validate() error {
	for _, f := range q.filters() {
		for _, v := range f.values {
			if v == "" {
				return fmt.Errorf("query: empty %s", f.name)
			}
			if f.valid != nil && !slices.Contains(f.valid, v) {
				return fmt.Errorf("query: unknown %s %q (want one of %s)", f.name, v, strings.Join(f.valid, ", "))
			}
		}
	}
	for _, y := range []int{q.From, q.To} {
		if y != 0 && (y < 1000 || y > 9999) {
			return fmt.Errorf("query: year %d is not a four-digit year", y)
		}
	}
	if q.From != 0 && q.To != 0 && q.From > q.To {
		return fmt.Errorf("query: from %d is after to %d", q.From, q.To)
	}
	switch q.Scope {
	case "", ScopeFindings, ScopePages, ScopeAll:
	default:
		return fmt.Errorf("query: unknown scope %q (want findings, pages or all)", q.Scope)
	}
	switch q.Sort {
	case "", SortRelevance, SortDate:
	default:
		return fmt.Errorf("query: unknown sort %q (want relevance or date)", q.Sort)
	}
	if q.Limit < 0 || q.Limit > MaxLimit {
		return fmt.Errorf("query: limit %d out of range 0..%d", q.Limit, MaxLimit)
	}
	if q.Offset < 0 || q.Offset > MaxOffset {
		return fmt.Errorf("query: offset %d out of range 0..%d", q.Offset, MaxOffset)
	}
	if q.FacetSize < 0 || q.FacetSize > MaxFacetSize {
		return fmt.Errorf("query: facet size %d out of range 0..%d", q.FacetSize, MaxFacetSize)
	}
	if _, err := textQuery(q.Text); err != nil {
		return err
	}
	return nil
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

// matcher is a Query's filters over the in-memory columns.
type matcher struct {
	// accept[c] lists the codes accepted in column c; nil accepts all.
	accept   [nSingle + 1][]uint32
	docs     map[string]bool // nil accepts all
	from, to int32
	none     bool // a filter no value can pass
}

// filterColumn maps a filter name to its column; -1 for doc_id.
var filterColumn = map[string]int{
	"kind": cKind, "rating": cRating, "previous": cPrevious, "direction": cDirection,
	"domain": cDomain, "subject": cSubject, "provider": cProvider, "doc_type": cDocType,
	"regulation": cRegulation, "speaker": cSpeaker, "theme": cTheme, "doc_id": -1,
}

// matcher builds q's filters against the table's dictionaries. t.mu must
// be held.
func (q *Query) matcher(t *table) *matcher {
	m := &matcher{from: int32(q.From), to: int32(q.To)}
	for _, f := range q.filters() {
		if len(f.values) == 0 {
			continue
		}
		c := filterColumn[f.name]
		if c < 0 {
			m.docs = map[string]bool{}
			for _, v := range f.values {
				m.docs[v] = true
			}
			continue
		}
		codes := []uint32{}
		for _, v := range f.values {
			if code, ok := t.dicts[c].lookup(v); ok {
				codes = append(codes, code)
			}
		}
		if len(codes) == 0 {
			m.none = true
		}
		m.accept[c] = codes
	}
	return m
}

func (m *matcher) ok(r *row) bool {
	if m.none {
		return false
	}
	for c := range nSingle {
		if a := m.accept[c]; a != nil && !slices.Contains(a, r.v[c]) {
			return false
		}
	}
	if a := m.accept[cTheme]; a != nil {
		found := false
		for _, th := range r.themes {
			if slices.Contains(a, th) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if m.from != 0 && (r.year == 0 || r.year < m.from) {
		return false
	}
	if m.to != 0 && (r.year == 0 || r.year > m.to) {
		return false
	}
	if m.docs != nil && !m.docs[r.doc.id] {
		return false
	}
	return true
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
			return nil, fmt.Errorf("query %q: %w", p, err)
		}
		if b, ok := qq.(*query.BooleanQuery); ok {
			if d, ok := b.Should.(*query.DisjunctionQuery); ok && len(d.Disjuncts) > 0 {
				b.AddMust(d.Disjuncts...)
				b.Should = nil
			}
		}
		alts = append(alts, keywordPhrases(qq))
	}
	switch len(alts) {
	case 0:
		return nil, nil
	case 1:
		return alts[0], nil
	}
	return bleve.NewDisjunctionQuery(alts...), nil
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

// keywordPhrases rewrites field:"quoted value" on a keyword field, which
// the query string makes a phrase query, into a term query: keyword fields
// keep no positions for phrases.
func keywordPhrases(q query.Query) query.Query {
	switch x := q.(type) {
	case *query.BooleanQuery:
		if x.Must != nil {
			x.Must = keywordPhrases(x.Must)
		}
		if x.Should != nil {
			x.Should = keywordPhrases(x.Should)
		}
		if x.MustNot != nil {
			x.MustNot = keywordPhrases(x.MustNot)
		}
	case *query.ConjunctionQuery:
		for i, c := range x.Conjuncts {
			x.Conjuncts[i] = keywordPhrases(c)
		}
	case *query.DisjunctionQuery:
		for i, d := range x.Disjuncts {
			x.Disjuncts[i] = keywordPhrases(d)
		}
	case *query.MatchPhraseQuery:
		if keywordFields[x.FieldVal] {
			t := termQuery(x.FieldVal, x.MatchPhrase)
			t.BoostVal = x.BoostVal
			return t
		}
	}
	return q
}

// pagePhrases rewrites phrases on the text for the pages index, which keeps
// no positions: a phrase there matches pages holding all its words.
func pagePhrases(q query.Query) query.Query {
	switch x := q.(type) {
	case *query.BooleanQuery:
		if x.Must != nil {
			x.Must = pagePhrases(x.Must)
		}
		if x.Should != nil {
			x.Should = pagePhrases(x.Should)
		}
		if x.MustNot != nil {
			x.MustNot = pagePhrases(x.MustNot)
		}
	case *query.ConjunctionQuery:
		for i, c := range x.Conjuncts {
			x.Conjuncts[i] = pagePhrases(c)
		}
	case *query.DisjunctionQuery:
		for i, d := range x.Disjuncts {
			x.Disjuncts[i] = pagePhrases(d)
		}
	case *query.MatchPhraseQuery:
		if x.FieldVal == "" || x.FieldVal == fText {
			m := bleve.NewMatchQuery(x.MatchPhrase)
			m.SetField(x.FieldVal)
			m.SetOperator(query.MatchQueryOperatorAnd)
			m.Analyzer = x.Analyzer
			m.BoostVal = x.BoostVal
			return m
		}
	case *query.PhraseQuery:
		if x.FieldVal == "" || x.FieldVal == fText {
			var terms []query.Query
			for _, t := range x.Terms {
				terms = append(terms, termQuery(fText, t))
			}
			if len(terms) > 0 {
				return bleve.NewConjunctionQuery(terms...)
			}
		}
	}
	return q
}

func termQuery(field, term string) *query.TermQuery {
	q := bleve.NewTermQuery(term)
	q.SetField(field)
	return q
}
