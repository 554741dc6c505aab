package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/index"
)

type searchPage struct {
	Title    string
	Q        string
	Scope    string
	Sort     string
	Size     int
	Hidden   []hiddenField
	Chips    []chip
	ClearURL string
	Facets   []facetView
	Hits     []hitView
	Total    uint64
	// Findings and Pages split Total; NoFinding is set when words matched
	// page text but no finding, PagesURL then links to the page hits.
	Findings  uint64
	Pages     uint64
	NoFinding bool
	PagesURL  string
	// Export describes what the export links download ("" when nothing).
	Export   string
	Took     string
	First    int
	Last     int
	Pager    *pager
	SortRel  string
	SortDate string
	CSVURL   string
	JSONLURL string
	APIURL   string
	FeedURL  string
	Examples []link
	Searched bool

	// Recurring is the recurring filter; RecurringURL toggles it.
	Recurring    bool
	RecurringURL string
}

type hiddenField struct{ Name, Value string }

type link struct{ Label, URL string }

// chip is an active filter and the link that removes it.
type chip struct {
	Label, Value, RemoveURL string
}

type facetView struct {
	Param, Label string
	Terms        []termView
	Missing      int
}

type termView struct {
	Value    string
	Label    string
	Count    int // -1 when unknown
	Selected bool
	URL      string
	Rating   string // for rating facets: the CSS class
}

type hitView struct {
	N           int
	Kind        string
	KindLabel   string
	Rating      string
	Previous    string
	Direction   string // against Previous: index.DirectionImproved, ...
	Arrow       string // a ratings grid's arrow: extract.DirectionUp, ...
	Details     []string
	Title       string
	DocURL      string
	FileURL     string
	Published   string
	DocType     string
	Provider    string
	ProviderURL string
	Page        int
	Snippet     []index.Fragment
	Themes      []string
	Cite        *Citation // set where the page shows citations
}

type pager struct {
	Prev, Next string
	Pages      []pageLink
	Current    int
	Count      int
}

type pageLink struct {
	N       int
	URL     string
	Current bool
	Gap     bool // an ellipsis before this page
}

var searchExamples = []link{
	{`ligature`, searchURL("q", "ligature")},
	{`"warning notice"`, searchURL("q", `"warning notice"`)},
	{`seclusion OR restraint`, searchURL("q", "seclusion OR restraint")},
	{`must-dos about staffing`, searchURL("q", "staffing", "kind", "must-do")},
	{`inadequate well-led ratings`, searchURL("kind", "rating", "domain", "well-led", "rating", "inadequate")},
}

func (s *server) handleSearch(w http.ResponseWriter, r *http.Request) {
	st, err := s.parseSearch(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st.q.Facets = true
	st.q.MultiSelect = multiSelect(st)
	res, err := s.search(r.Context(), st, st.q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	facets := s.facets(st, res)
	p := &searchPage{
		Title:    "Search",
		Q:        st.q.Text,
		Scope:    st.q.Scope,
		Sort:     st.q.Sort,
		Size:     st.size,
		Facets:   facets,
		Chips:    chips(st),
		Total:    res.Total,
		Findings: res.FindingTotal,
		Pages:    res.PageTotal,
		Export:   exportLabel(st.q.Scope, res),
		Took:     res.Took.Round(100 * time.Microsecond).String(),
		SortRel:  st.with("sort", ""),
		SortDate: st.with("sort", index.SortDate),
		CSVURL:   st.exportURL("/export.csv"),
		JSONLURL: st.exportURL("/export.jsonl"),
		APIURL:   st.exportURL("/api/search"),
		FeedURL:  st.exportURL("/feed.atom"),
		Examples: searchExamples,
		Searched: len(st.vals) > 0,
	}
	p.Recurring, p.RecurringURL = st.recurring, recurringToggle(st)
	if st.q.Text != "" {
		p.Title = st.q.Text + " – Search"
	}
	if res.FindingTotal == 0 && res.PageTotal > 0 && st.q.Scope != index.ScopePages {
		p.NoFinding = true
		p.PagesURL = st.with("scope", index.ScopePages)
	}
	if len(p.Chips) > 0 {
		p.ClearURL = searchURL("q", st.q.Text)
	}
	for k, vs := range st.vals {
		if k == "q" || k == "sort" || k == "scope" {
			continue
		}
		for _, v := range vs {
			p.Hidden = append(p.Hidden, hiddenField{k, v})
		}
	}
	slices.SortFunc(p.Hidden, func(a, b hiddenField) int {
		return strings.Compare(a.Name+"\x00"+a.Value, b.Name+"\x00"+b.Value)
	})
	for i := range res.Hits {
		p.Hits = append(p.Hits, cited(makeHit(st.q.Offset+i+1, &res.Hits[i]), baseURL(r), &res.Hits[i]))
	}
	if len(p.Hits) > 0 {
		p.First = st.q.Offset + 1
		p.Last = st.q.Offset + len(p.Hits)
	}
	p.Pager = makePager(st, res.Total)
	s.render(w, r, http.StatusOK, "search", p)
}

// exportLabel says what an export of a search holds: its findings, its
// pages or both, as the scope has it.
func exportLabel(scope string, res *index.Results) string {
	f, p := res.FindingTotal, res.PageTotal
	switch {
	case res.Total == 0:
		return ""
	case scope == index.ScopePages || f == 0:
		return plural(p, "matching page", "matching pages")
	case scope == index.ScopeFindings || p == 0:
		return plural(f, "matching finding", "matching findings")
	}
	return plural(f, "matching finding", "matching findings") + " and " + plural(p, "page", "pages")
}

func plural(n uint64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.FormatUint(n, 10) + " " + many
}

func makeHit(n int, h *index.Hit) hitView {
	v := hitView{
		N:         n,
		Kind:      h.Kind,
		KindLabel: kindLabel(h.Kind),
		Title:     displayTitle(h.Title, h.Path),
		DocURL:    hitDocURL(h),
		FileURL:   fileURL(h.DocID, h.Page),
		Published: h.Published,
		DocType:   h.DocType,
		Provider:  h.Provider,
		Page:      h.Page,
		Snippet:   h.Snippet,
	}
	if h.Provider != "" {
		v.ProviderURL = providerURL(h.Provider)
	}
	if f := h.Finding; f != nil {
		v.Rating = f.Rating
		v.Previous = f.Previous
		v.Direction = index.Direction(f.Rating, f.Previous)
		v.Arrow = f.Direction
		v.Themes = f.Themes
		add := func(label, s string) {
			if s != "" {
				v.Details = append(v.Details, label+s)
			}
		}
		switch f.Kind {
		case extract.KindRating:
			add("", f.Subject)
			add("Key question: ", f.Domain)
			add("Rated ", f.Date)
		case extract.KindMustDo, extract.KindShouldDo, extract.KindUndertaking:
			add("", f.Subject)
			add("", f.Regulation)
		case extract.KindQuote:
			add("Speaker: ", f.Speaker)
			add("", f.SpeakerName)
		}
		if len(v.Snippet) == 0 && f.Text != "" {
			v.Snippet = []index.Fragment{{Pre: truncate(600, f.Text)}}
		}
	}
	return v
}

// multiSelect lists the facets with values selected. Each counts hits as
// if its own filter were off, so that its other values can still be added
// (multi-select); the others count the hits shown.
func multiSelect(st *searchState) []string {
	var out []string
	for _, fp := range index.Filters {
		if fp.Name != "doc_id" && len(*fp.Values(&st.q)) > 0 {
			out = append(out, fp.Name)
		}
	}
	if st.q.From != 0 || st.q.To != 0 {
		out = append(out, "year")
	}
	return out
}

// facets builds the sidebar from the counts of a search with
// multiSelect's facets.
func (s *server) facets(st *searchState, res *index.Results) []facetView {
	byField := map[string]index.Facet{}
	for _, f := range res.Facets {
		byField[f.Field] = f
	}
	var out []facetView
	for _, fp := range index.Filters {
		if fp.Name == "doc_id" {
			continue
		}
		f := byField[fp.Name]
		fv := facetView{Param: fp.Name, Label: fp.Label, Missing: f.Missing}
		selected := slices.Clone(st.vals[fp.Name])
		for _, t := range f.Terms {
			fv.Terms = append(fv.Terms, s.term(st, fp.Name, t.Term, t.Count))
			if i := slices.Index(selected, t.Term); i >= 0 {
				selected = slices.Delete(selected, i, i+1)
			}
		}
		for _, v := range selected {
			fv.Terms = append(fv.Terms, s.term(st, fp.Name, v, -1))
		}
		if len(fv.Terms) > 0 {
			out = append(out, fv)
		}
		if fp.Name == "doc_type" {
			if y := yearFacet(st, byField["year"]); len(y.Terms) > 0 {
				out = append(out, y)
			}
		}
	}
	return out
}

func (s *server) term(st *searchState, param, value string, count int) termView {
	t := termView{Value: value, Label: value, Count: count, Selected: st.has(param, value), URL: st.toggle(param, value)}
	switch param {
	case "kind":
		t.Label = kindLabel(value)
	case "rating", "previous":
		t.Rating = ratingClass(value)
	}
	return t
}

// yearFacet is the year facet: choosing a year sets from and to.
func yearFacet(st *searchState, f index.Facet) facetView {
	fv := facetView{Param: "year", Label: "Year published", Missing: f.Missing}
	terms := slices.Clone(f.Terms)
	slices.SortFunc(terms, func(a, b index.FacetTerm) int { return strings.Compare(b.Term, a.Term) })
	for _, t := range terms {
		y, _ := strconv.Atoi(t.Term)
		sel := y != 0 && st.q.From == y && st.q.To == y
		u := st.with("from", t.Term, "to", t.Term)
		if sel {
			u = st.with("from", "", "to", "")
		}
		fv.Terms = append(fv.Terms, termView{Value: t.Term, Label: t.Term, Count: t.Count, Selected: sel, URL: u})
	}
	return fv
}

func chips(st *searchState) []chip {
	var out []chip
	for _, fp := range index.Filters {
		for _, v := range st.vals[fp.Name] {
			label := v
			if fp.Name == "kind" {
				label = kindLabel(v)
			}
			out = append(out, chip{Label: fp.Label, Value: label, RemoveURL: st.toggle(fp.Name, v)})
		}
	}
	switch from, to := st.q.From, st.q.To; {
	case from != 0 && from == to:
		out = append(out, chip{Label: "Year", Value: strconv.Itoa(from), RemoveURL: st.with("from", "", "to", "")})
	default:
		if from != 0 {
			out = append(out, chip{Label: "From", Value: strconv.Itoa(from), RemoveURL: st.with("from", "")})
		}
		if to != 0 {
			out = append(out, chip{Label: "To", Value: strconv.Itoa(to), RemoveURL: st.with("to", "")})
		}
	}
	if label := scopeLabels[st.q.Scope]; label != "" {
		out = append(out, chip{Label: "Searching", Value: label, RemoveURL: st.with("scope", "")})
	}
	if st.recurring {
		out = append(out, chip{Label: "Raised again", Value: "yes", RemoveURL: st.with("recurring", "")})
	}
	return out
}

// scopeLabels name the scopes that narrow the default search, for the
// chip that removes them.
var scopeLabels = map[string]string{
	index.ScopeFindings: "findings only",
	index.ScopePages:    "page text only",
	index.ScopeAll:      "findings and page text",
}

func makePager(st *searchState, total uint64) *pager {
	last := int((total + uint64(st.size) - 1) / uint64(st.size))
	if maxPage := index.MaxOffset/st.size + 1; last > maxPage {
		last = maxPage
	}
	if last <= 1 && st.page == 1 {
		return nil
	}
	p := &pager{Current: st.page, Count: last}
	if st.page > 1 {
		p.Prev = st.pageURL(st.page - 1)
	}
	if st.page < last {
		p.Next = st.pageURL(st.page + 1)
	}
	prev := 0
	for n := 1; n <= last; n++ {
		if n != 1 && n != last && (n < st.page-2 || n > st.page+2) {
			continue
		}
		p.Pages = append(p.Pages, pageLink{N: n, URL: st.pageURL(n), Current: n == st.page, Gap: prev != 0 && n > prev+1})
		prev = n
	}
	return p
}
