// Analysis: how text becomes the terms a search matches. One story for
// findings and pages: the text is cut into words at spaces and punctuation,
// a possessive 's is dropped, words are lower-cased and the commonest
// English words ("the", "of", "and", ...) are left out. Then
//
//   - the text field keeps each word's stem: the Porter stem, without a
//     doubled last consonant, so that "staff", "staffs", "staffed" and
//     "staffing" are all "staf", and "inspect", "inspected" and
//     "inspection" are all "inspect". Words and phrases match stems.
//   - the words field keeps each word as written (lower-cased). Fuzzy
//     (word~), prefix and wildcard (word*, w?rd) and regular expressions
//     match these, so that a fuzzy word's letters are compared with the
//     letters of the words in the text, whatever their endings.

package index

import (
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// The analysers of the text, by the names the mappings give them.
const (
	AnalyzerText  = "cqcmine_text"
	AnalyzerWords = "cqcmine_words"
)

func init() {
	registry.RegisterAnalyzer(AnalyzerText, func(_ map[string]any, c *registry.Cache) (analysis.Analyzer, error) {
		return newAnalyzer(c, true)
	})
	registry.RegisterAnalyzer(AnalyzerWords, func(_ map[string]any, c *registry.Cache) (analysis.Analyzer, error) {
		return newAnalyzer(c, false)
	})
}

func newAnalyzer(c *registry.Cache, stem bool) (analysis.Analyzer, error) {
	tok, err := c.TokenizerNamed(unicode.Name)
	if err != nil {
		return nil, err
	}
	var filters []analysis.TokenFilter
	names := []string{en.PossessiveName, lowercase.Name, en.StopName}
	if stem {
		names = append(names, porter.Name)
	}
	for _, n := range names {
		f, err := c.TokenFilterNamed(n)
		if err != nil {
			return nil, err
		}
		filters = append(filters, f)
	}
	if stem {
		filters = append(filters, undouble{})
	}
	return &analysis.DefaultAnalyzer{Tokenizer: tok, TokenFilters: filters}, nil
}

// undouble drops the last letter of a stem ending in a doubled consonant
// other than l, s or z. The Porter stemmer does so only where it removed
// an ending ("staffing" to "staf", "added" to "ad"); doing it to every
// stem makes the word without an ending ("staff", "add") meet them.
type undouble struct{}

func (undouble) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		if n := len(t.Term); n >= 3 && t.Term[n-1] == t.Term[n-2] && undoubled(t.Term[n-1]) {
			t.Term = t.Term[:n-1]
		}
	}
	return in
}

func undoubled(c byte) bool {
	switch c {
	case 'b', 'c', 'd', 'f', 'g', 'h', 'j', 'k', 'm', 'n', 'p', 'q', 'r', 't', 'v', 'w', 'x':
		return true
	}
	return false
}

// analyzers caches the two analysers, built from the findings mapping.
var analyzers = sync.OnceValues(func() (text, words analysis.Analyzer) {
	m := findingsMapping()
	return m.AnalyzerNamed(AnalyzerText), m.AnalyzerNamed(AnalyzerWords)
})

// Term is one term of an analysed text: what the index keeps and where
// it came from.
type Term struct {
	Term       string
	Position   int // 1-based, counting the words left out
	Start, End int // bytes of the text
}

// TextTerms analyses s as the text field is: the stems a word or a phrase
// matches, in order.
func TextTerms(s string) []Term { return terms(analyzersText(), s) }

// WordTerms analyses s as the words field is: the words fuzzy, prefix and
// wildcard searches match.
func WordTerms(s string) []Term {
	_, w := analyzers()
	return terms(w, s)
}

func analyzersText() analysis.Analyzer {
	t, _ := analyzers()
	return t
}

func terms(an analysis.Analyzer, s string) []Term {
	toks := an.Analyze([]byte(s))
	out := make([]Term, len(toks))
	for i, t := range toks {
		out[i] = Term{string(t.Term), t.Position, t.Start, t.End}
	}
	return out
}
