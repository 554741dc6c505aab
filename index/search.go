package index

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/cqcmine/cqcmine/extract"
)

// Results is one page of hits, with facet counts over all hits.
type Results struct {
	Total  uint64        `json:"total"`
	Took   time.Duration `json:"took"`
	Hits   []Hit         `json:"hits"`
	Facets []Facet       `json:"facets,omitempty"`
}

// Hit is a page or a finding that matched, with its document's metadata.
type Hit struct {
	DocID     string `json:"doc_id"`
	Path      string `json:"path"`
	Title     string `json:"title,omitempty"`
	Provider  string `json:"provider,omitempty"`
	DocType   string `json:"doc_type,omitempty"`
	Published string `json:"published,omitempty"`
	// Page is 1-based; 0 for a format without pages.
	Page int `json:"page"`
	// Kind is "page" for a page hit, the finding's kind otherwise.
	Kind string `json:"kind"`
	// Finding is set for finding hits.
	Finding *extract.Finding `json:"finding,omitempty"`
	Snippet []Fragment       `json:"snippet,omitempty"`
	Score   float64          `json:"score"`
}

// KindPage is Hit.Kind for a page hit.
const KindPage = "page"

// Fragment is a piece of a snippet: text before a match, the match, and
// (in the last fragment) the text after it. The snippet's text is the
// concatenation of every Pre, Match and Post in order. Kept apart so that
// templates escape each piece.
type Fragment struct {
	Pre   string `json:"pre,omitempty"`
	Match string `json:"match,omitempty"`
	Post  string `json:"post,omitempty"`
}

// Facet is the count of hits by the values of one field.
type Facet struct {
	Field string `json:"field"`
	// Total is the number of values counted (a finding with two themes
	// counts twice); Missing the hits without a value.
	Total   int         `json:"total"`
	Missing int         `json:"missing"`
	Terms   []FacetTerm `json:"terms"`
}

// FacetTerm is one value of a facet and its count.
type FacetTerm struct {
	Term  string `json:"term"`
	Count int    `json:"count"`
}

// Search runs q. Facets, when asked for, count every hit, not just the
// page returned.
func (ix *Index) Search(ctx context.Context, q Query) (*Results, error) {
	start := time.Now()
	if err := q.Validate(); err != nil {
		return nil, err
	}
	all, text, err := q.bleveQuery()
	if err != nil {
		return nil, err
	}
	req := bleve.NewSearchRequestOptions(all, q.limit(), q.Offset, false)
	req.Fields = []string{fFinding, fText}
	if q.Sort == SortDate {
		req.SortBy([]string{"-" + fPublished, "-_score", "_id"})
	} else if text == nil {
		// Nothing to rank by: newest first, then in index order.
		req.SortBy([]string{"-" + fPublished, "_id"})
		req.Score = "none"
	}
	if q.Facets {
		for _, name := range FacetFields {
			req.AddFacet(name, bleve.NewFacetRequest(facetIndexField(name), q.facetSize()))
		}
	}
	res, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.Text, err)
	}

	out := &Results{Total: res.Total, Hits: make([]Hit, 0, len(res.Hits))}
	pageTexts := map[string]string{} // page id -> text
	var need []string                // records and pages to fetch
	seen := map[string]bool{}
	want := func(id string) {
		if !seen[id] {
			seen[id] = true
			need = append(need, id)
		}
	}
	for _, h := range res.Hits {
		docID, suffix := splitID(h.ID)
		hit := Hit{DocID: docID, Score: h.Score}
		want(recordID(docID))
		if strings.HasPrefix(suffix, "p") {
			hit.Kind = KindPage
			hit.Page, _ = strconv.Atoi(suffix[1:])
			if s, ok := h.Fields[fText].(string); ok {
				pageTexts[h.ID] = s
			}
		} else {
			f, err := decodeFinding(h.Fields[fFinding])
			if err != nil {
				return nil, fmt.Errorf("search: %s: %w", h.ID, err)
			}
			hit.Finding = f
			hit.Kind = string(f.Kind)
			hit.Page = f.Page
			hit.Provider = f.Provider
			if f.End > 0 {
				want(pageID(docID, f.Page))
			}
		}
		out.Hits = append(out.Hits, hit)
	}

	// The records of the hits' documents, and the pages findings sit on.
	records := map[string]*extract.Finding{}
	if len(need) > 0 {
		fr := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery(need), len(need), 0, false)
		fr.Fields = []string{fFinding, fText}
		fr.Score = "none"
		fres, err := ix.idx.SearchInContext(ctx, fr)
		if err != nil {
			return nil, fmt.Errorf("search: fetch documents: %w", err)
		}
		for _, h := range fres.Hits {
			docID, suffix := splitID(h.ID)
			if suffix == "d" {
				f, err := decodeFinding(h.Fields[fFinding])
				if err != nil {
					return nil, fmt.Errorf("search: %s: %w", h.ID, err)
				}
				records[docID] = f
			} else if s, ok := h.Fields[fText].(string); ok {
				pageTexts[h.ID] = s
			}
		}
	}

	// Where the text matched, in the hits only.
	locs := map[string][]span{}
	if text != nil && len(res.Hits) > 0 {
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		lr := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(bleve.NewDocIDQuery(ids), text), len(ids), 0, false)
		lr.IncludeLocations = true
		lres, err := ix.idx.SearchInContext(ctx, lr)
		if err != nil {
			return nil, fmt.Errorf("search: locate matches: %w", err)
		}
		for _, h := range lres.Hits {
			locs[h.ID] = textSpans(h.Locations)
		}
	}

	for i := range out.Hits {
		hit := &out.Hits[i]
		if r := records[hit.DocID]; r != nil {
			hit.Path = r.Doc
			hit.Title = r.Title
			hit.DocType = r.DocType
			hit.Published = r.Published
			if hit.Provider == "" {
				hit.Provider = r.Provider
			}
		}
		id := res.Hits[i].ID
		if hit.Finding == nil {
			hit.Snippet = pageSnippet(pageTexts[id], locs[id])
		} else {
			text, ok := pageTexts[pageID(hit.DocID, hit.Finding.Page)]
			hit.Snippet = findingSnippet(hit.Finding, text, ok, locs[id])
		}
	}

	if q.Facets {
		for _, name := range FacetFields {
			fr := res.Facets[name]
			f := Facet{Field: name, Terms: []FacetTerm{}}
			if fr != nil {
				f.Total, f.Missing = fr.Total, fr.Missing
				if fr.Terms != nil {
					for _, t := range fr.Terms.Terms() {
						f.Terms = append(f.Terms, FacetTerm{Term: t.Term, Count: t.Count})
					}
				}
			}
			out.Facets = append(out.Facets, f)
		}
	}
	out.Took = time.Since(start)
	return out, nil
}

// span is a byte range of a text.
type span struct{ start, end int }

// textSpans returns the matches in the text field, sorted, without
// overlaps.
func textSpans(m search.FieldTermLocationMap) []span {
	var spans []span
	for _, locs := range m[fText] {
		for _, l := range locs {
			spans = append(spans, span{int(l.Start), int(l.End)})
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	out := spans[:0]
	for _, s := range spans {
		if len(out) > 0 && s.start < out[len(out)-1].end {
			continue
		}
		out = append(out, s)
	}
	return out
}

// Snippet sizes, in bytes.
const (
	snippetLen    = 280 // a page snippet
	snippetBefore = 80  // context kept before a page's first match
	sentenceMax   = 300 // the most kept on each side of a finding
)

// pageSnippet shows the page around its first match, or its start.
func pageSnippet(text string, spans []span) []Fragment {
	if text == "" {
		return nil
	}
	lo := 0
	if len(spans) > 0 {
		lo = cutBack(text, spans[0].start-snippetBefore, spans[0].start)
	}
	hi := cutForward(text, lo+snippetLen, len(text))
	if len(spans) > 0 && hi < spans[0].end {
		hi = spans[0].end
	}
	return fragments(text, lo, hi, spans, lo > 0, hi < len(text))
}

// findingSnippet shows the sentence around a finding on its page, the
// finding's evidence or the query's matches marked. Without the page it
// shows the finding's own text.
func findingSnippet(f *extract.Finding, page string, havePage bool, spans []span) []Fragment {
	if havePage && f.End > 0 && f.Start >= 0 && f.End <= len(page) && f.Start < f.End {
		evidence := page[f.Start:f.End]
		var marks []span
		switch {
		case len(spans) == 0:
			marks = []span{{f.Start, f.End}}
		case evidence == f.Text:
			for _, s := range spans {
				marks = append(marks, span{s.start + f.Start, s.end + f.Start})
			}
		}
		if marks != nil {
			lo, cutLo := sentenceStart(page, f.Start)
			hi, cutHi := sentenceEnd(page, f.End)
			return fragments(page, lo, hi, marks, cutLo, cutHi)
		}
	}
	hi := len(f.Text)
	if hi > 2*sentenceMax {
		hi = cutForward(f.Text, 2*sentenceMax, len(f.Text))
	}
	return fragments(f.Text, 0, hi, spans, false, hi < len(f.Text))
}

// fragments cuts text[lo:hi] at the spans inside it, collapsing runs of
// white space; cutLo and cutHi add an ellipsis where the text goes on.
func fragments(text string, lo, hi int, spans []span, cutLo, cutHi bool) []Fragment {
	var out []Fragment
	cur := lo
	for _, s := range spans {
		if s.start < cur || s.end > hi || s.start >= s.end {
			continue
		}
		out = append(out, Fragment{Pre: text[cur:s.start], Match: text[s.start:s.end]})
		cur = s.end
	}
	if len(out) == 0 {
		out = []Fragment{{Pre: text[lo:hi]}}
	} else {
		out[len(out)-1].Post = text[cur:hi]
	}
	for i := range out {
		out[i].Pre = collapse(out[i].Pre)
		out[i].Match = collapse(out[i].Match)
		out[i].Post = collapse(out[i].Post)
	}
	if cutLo {
		out[0].Pre = "…" + strings.TrimLeft(out[0].Pre, " ")
	} else {
		out[0].Pre = strings.TrimLeft(out[0].Pre, " ")
	}
	last := &out[len(out)-1]
	tail := &last.Post
	if *tail == "" && last.Match == "" {
		tail = &last.Pre
	}
	if cutHi {
		*tail = strings.TrimRight(*tail, " ") + "…"
	} else {
		*tail = strings.TrimRight(*tail, " ")
	}
	return out
}

// collapse turns each run of white space into one space.
func collapse(s string) string {
	if !strings.ContainsAny(s, "\n\r\t\f\v  ") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch r {
		case ' ', '\n', '\r', '\t', '\f', '\v', '\u00a0':
			if !space {
				b.WriteByte(' ')
			}
			space = true
		default:
			b.WriteRune(r)
			space = false
		}
	}
	return b.String()
}

// cutBack returns a start at or after min (clamped to 0) and at or before
// max, just after a space when there is one.
func cutBack(text string, min, max int) int {
	if min <= 0 {
		return 0
	}
	if i := strings.IndexAny(text[min:max], " \n\t"); i >= 0 {
		return min + i + 1
	}
	return runeStart(text, min)
}

// cutForward returns an end at or before want (clamped to the text), at a
// space when there is one after min.
func cutForward(text string, want, limit int) int {
	if want >= limit {
		return limit
	}
	if i := strings.LastIndexAny(text[:want], " \n\t"); i > 0 {
		return i
	}
	return runeStart(text, want)
}

func runeStart(text string, i int) int {
	for i > 0 && i < len(text) && !utf8.RuneStart(text[i]) {
		i--
	}
	return i
}

// sentenceStart returns where the sentence holding text[at] starts: after
// the last sentence end or blank line before at, at most sentenceMax back.
// cut reports a start in the middle of a sentence.
func sentenceStart(text string, at int) (start int, cut bool) {
	lo := at - sentenceMax
	if lo < 0 {
		lo = 0
	}
	for i := at - 1; i > lo; i-- {
		c := text[i]
		if c == '\f' || (c == '\n' && text[i-1] == '\n') {
			return i + 1, false
		}
		if isSpace(c) && strings.IndexByte(".!?", text[i-1]) >= 0 {
			return i + 1, false
		}
	}
	if lo == 0 {
		return 0, false
	}
	return cutBack(text, lo, at), true
}

// sentenceEnd returns where the sentence holding text[at-1] ends: after
// the next sentence end or blank line, at most sentenceMax on. cut reports
// an end in the middle of a sentence.
func sentenceEnd(text string, at int) (end int, cut bool) {
	if at > 0 && strings.IndexByte(".!?", text[at-1]) >= 0 {
		return at, false
	}
	hi := at + sentenceMax
	if hi > len(text) {
		hi = len(text)
	}
	for i := at; i < hi; i++ {
		c := text[i]
		if c == '\f' || (c == '\n' && i+1 < len(text) && text[i+1] == '\n') {
			return i, false
		}
		if strings.IndexByte(".!?", c) >= 0 && (i+1 == len(text) || isSpace(text[i+1])) {
			return i + 1, false
		}
	}
	if hi == len(text) {
		return hi, false
	}
	if i := strings.LastIndexAny(text[at:hi], " \n\t"); i > 0 {
		return at + i, true
	}
	return runeStart(text, hi), true
}

// docQuery matches the bleve documents of one type of one document.
func docQuery(docID, typ string) query.Query {
	return bleve.NewConjunctionQuery(termQuery(fDocID, docID), termQuery(fType, typ))
}
