package web

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/index"
	"github.com/cqcmine/cqcmine/index/evidence"
)

// Provider page bounds.
const (
	maxMustDos   = 5000 // must-dos counted by theme and year
	recentQuotes = 10
)

type providersPage struct {
	Title     string
	Providers []providerLink
}

// providerLink is a provider and the other names it is written under.
type providerLink struct {
	Label, URL string
	Also       []string
}

func (s *server) handleProviders(w http.ResponseWriter, r *http.Request) {
	ps, err := s.providerNames(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &providersPage{Title: "Providers"}
	for _, pr := range ps {
		p.Providers = append(p.Providers, providerLink{Label: pr.Name, URL: providerURL(pr.Name), Also: pr.Names[1:]})
	}
	s.render(w, r, http.StatusOK, "providers", p)
}

type providerPage struct {
	Title     string
	Name      string
	Subject   string
	Subjects  []subjectLink
	Chart     *chart
	Rows      []timelineRow
	Domains   []string
	MustDos   *themeTable
	Quotes    []hitView
	SearchURL string
	QuotesURL string
	APIURL    string

	// One provider under every name it is written under.
	Also      []string
	ODS       []string
	SiteODS   []string // ODS codes of its sites
	Locations []string
	// Evidence no single finding shows.
	Recurring    []recurringView
	Claims       []claimView
	Scores       []scoreRow
	RecurringAPI string
	ClaimsAPI    string
}

type subjectLink struct {
	Name    string
	URL     string
	Current bool
	Points  int
}

// timelineRow is one date of the timeline table: a cell per domain.
type timelineRow struct {
	Date  string
	Cells []timelineCell
}

type timelineCell struct {
	Rating, Previous, Class, URL, Title string
}

// chart is the ratings timeline drawn as SVG: a row per domain, a column
// per date, a coloured cell holding the rating's abbreviation.
type chart struct {
	Width, Height int
	Desc          string
	Columns       []chartLabel
	Rows          []chartLabel
	Cells         []chartCell
}

type chartLabel struct {
	X, Y  int
	Label string
}

type chartCell struct {
	X, Y, W, H   int
	TX, TY       int
	Class, Short string
	Title        string
}

// Chart geometry, in SVG user units.
const (
	chartLabelW = 96
	chartHeadH  = 28
	chartCellW  = 76
	chartCellH  = 30
	chartGap    = 4
)

type themeTable struct {
	Years  []string
	Rows   []themeRow
	Total  int
	Capped bool
}

type themeRow struct {
	Theme string
	URL   string
	Total int
	Cells []countCell
}

type countCell struct {
	Count int
	URL   string
}

func (s *server) handleProvider(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	prov, ok, err := s.findProvider(ctx, r.PathValue("name"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !ok {
		s.notFound(w, r, "There is no provider of this name in the index.")
		return
	}
	name := prov.Name
	if r.PathValue("name") != name {
		// One provider, one page: another of its names leads to it.
		u := providerURL(name)
		if r.URL.RawQuery != "" {
			u += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, u, http.StatusMovedPermanently)
		return
	}
	points, err := s.timeline(ctx, prov.Names)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	base := baseURL(r)
	var kv []string
	for _, n := range prov.Names {
		kv = append(kv, "provider", n)
	}
	p := &providerPage{
		Title:        name,
		Name:         name,
		Also:         prov.Names[1:],
		SearchURL:    searchURL(kv...),
		QuotesURL:    searchURL(append(slices.Clone(kv), "kind", string(extract.KindQuote), "sort", index.SortDate)...),
		APIURL:       "/api/providers/" + url.PathEscape(name) + "/timeline",
		RecurringAPI: "/api/providers/" + url.PathEscape(name) + "/recurring",
		ClaimsAPI:    "/api/providers/" + url.PathEscape(name) + "/claims",
	}

	// Subjects, and the one charted.
	counts := map[string]int{}
	for _, pt := range points {
		counts[pt.Subject]++
	}
	subjects := make([]string, 0, len(counts))
	for sub := range counts {
		subjects = append(subjects, sub)
	}
	slices.Sort(subjects)
	p.Subject = r.URL.Query().Get("subject")
	if p.Subject != "" && counts[p.Subject] == 0 {
		s.notFound(w, r, fmt.Sprintf("%s has no ratings for %q.", name, p.Subject))
		return
	}
	if p.Subject == "" {
		p.Subject = defaultSubject(subjects, counts)
	}
	for _, sub := range subjects {
		label := sub
		if label == "" {
			label = "(no subject)"
		}
		p.Subjects = append(p.Subjects, subjectLink{Name: label, Points: counts[sub], Current: sub == p.Subject,
			URL: providerURL(name) + "?subject=" + url.QueryEscape(sub)})
	}
	var chosen []index.TimelinePoint
	for _, pt := range points {
		if pt.Subject == p.Subject {
			chosen = append(chosen, pt)
		}
	}
	p.Domains, p.Rows = timelineTable(chosen)
	p.Chart = drawChart(name, p.Subject, p.Domains, p.Rows)

	var ods []string
	if ods, p.Locations, err = s.providerFacts(ctx, prov, subjects); err != nil {
		s.fail(w, r, err)
		return
	}
	p.ODS, p.SiteODS = splitODS(ods)
	groups, cites, err := s.recurring(ctx, base, prov)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Recurring = recurringViews(prov, groups, cites)
	claims, cites, err := s.claims(ctx, base, prov)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Claims = claimViews(claims, cites)
	if p.Scores, err = s.scoreRows(ctx, base, prov); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.MustDos, err = s.mustDos(ctx, prov.Names); err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.ix.Search(ctx, index.Query{Providers: prov.Names, Kinds: []string{string(extract.KindQuote)},
		Sort: index.SortDate, Limit: recentQuotes})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for i := range res.Hits {
		p.Quotes = append(p.Quotes, cited(makeHit(i+1, &res.Hits[i]), base, &res.Hits[i]))
	}
	s.render(w, r, http.StatusOK, "provider", p)
}

// defaultSubject prefers the provider as a whole ("... overall", "trust"),
// then the subject with the most ratings.
func defaultSubject(subjects []string, counts map[string]int) string {
	for _, sub := range subjects {
		l := strings.ToLower(sub)
		if strings.Contains(l, "overall") || l == "trust" || l == "provider" {
			return sub
		}
	}
	best := ""
	for _, sub := range subjects {
		if best == "" || counts[sub] > counts[best] {
			best = sub
		}
	}
	return best
}

// timelineTable lays points out by date (oldest first) and domain (in
// extract.Domains order, then others). Where a document rates a domain
// twice on one date, the first rating is kept.
func timelineTable(points []index.TimelinePoint) ([]string, []timelineRow) {
	seen := map[string]bool{}
	var domains []string
	for _, pt := range points {
		if !seen[pt.Domain] {
			seen[pt.Domain] = true
			domains = append(domains, pt.Domain)
		}
	}
	slices.SortFunc(domains, func(a, b string) int {
		return cmp.Or(cmp.Compare(domainOrder(a), domainOrder(b)), cmp.Compare(a, b))
	})
	var rows []timelineRow
	col := map[string]int{}
	for i, d := range domains {
		col[d] = i
	}
	for _, pt := range points {
		date := pt.Published
		if date == "" {
			date = "undated"
		}
		if len(rows) == 0 || rows[len(rows)-1].Date != date {
			rows = append(rows, timelineRow{Date: date, Cells: make([]timelineCell, len(domains))})
		}
		c := &rows[len(rows)-1].Cells[col[pt.Domain]]
		if c.Rating != "" {
			continue
		}
		c.Rating, c.Previous, c.Class = pt.Rating, pt.Previous, ratingClass(pt.Rating)
		c.URL = docURL(pt.DocID, pt.Page, -1)
		c.Title = displayTitle(pt.Title, pt.Path)
	}
	return domains, rows
}

func domainOrder(d string) int {
	if i := slices.Index(extract.Domains, d); i >= 0 {
		return i
	}
	return len(extract.Domains)
}

func drawChart(provider, subject string, domains []string, rows []timelineRow) *chart {
	if len(rows) == 0 {
		return nil
	}
	c := &chart{
		Width:  chartLabelW + len(rows)*(chartCellW+chartGap),
		Height: chartHeadH + len(domains)*(chartCellH+chartGap),
		Desc: fmt.Sprintf("Ratings of %s (%s) in %d key questions at %d dates; the same ratings are in the table below.",
			provider, subject, len(domains), len(rows)),
	}
	for j, d := range domains {
		c.Rows = append(c.Rows, chartLabel{X: chartLabelW - 8, Y: chartHeadH + j*(chartCellH+chartGap) + chartCellH/2 + 5, Label: d})
	}
	for i, row := range rows {
		x := chartLabelW + i*(chartCellW+chartGap)
		c.Columns = append(c.Columns, chartLabel{X: x + chartCellW/2, Y: chartHeadH - 10, Label: row.Date})
		for j, cell := range row.Cells {
			if cell.Rating == "" {
				continue
			}
			y := chartHeadH + j*(chartCellH+chartGap)
			title := fmt.Sprintf("%s, %s: %s", domains[j], row.Date, cell.Rating)
			if cell.Previous != "" {
				title += " (previously " + cell.Previous + ")"
			}
			c.Cells = append(c.Cells, chartCell{X: x, Y: y, W: chartCellW, H: chartCellH,
				TX: x + chartCellW/2, TY: y + chartCellH/2 + 5,
				Class: cell.Class, Short: ratingShort(cell.Rating), Title: title})
		}
	}
	return c
}

// mustDos counts the provider's must-do actions by theme and year.
func (s *server) mustDos(ctx context.Context, provNames []string) (*themeTable, error) {
	provider := provNames[0]
	q := index.Query{Providers: provNames, Kinds: []string{string(extract.KindMustDo)}, Limit: index.MaxLimit}
	type key struct{ theme, year string }
	counts := map[key]int{}
	themes := map[string]int{}
	years := map[string]bool{}
	t := &themeTable{}
	for q.Offset = 0; q.Offset < maxMustDos; q.Offset += q.Limit {
		res, err := s.ix.Search(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("must-dos of %s: %w", provider, err)
		}
		for _, h := range res.Hits {
			year := "undated"
			if len(h.Published) >= 4 {
				year = h.Published[:4]
			}
			years[year] = true
			ts := []string{""}
			if h.Finding != nil && len(h.Finding.Themes) > 0 {
				ts = h.Finding.Themes
			}
			for _, th := range ts {
				counts[key{th, year}]++
				themes[th]++
			}
			t.Total++
		}
		if q.Offset+len(res.Hits) >= int(res.Total) || len(res.Hits) == 0 {
			break
		}
		if q.Offset+q.Limit >= maxMustDos {
			t.Capped = true
			break
		}
	}
	if t.Total == 0 {
		return nil, nil
	}
	for y := range years {
		t.Years = append(t.Years, y)
	}
	slices.Sort(t.Years)
	names := make([]string, 0, len(themes))
	for th := range themes {
		names = append(names, th)
	}
	slices.SortFunc(names, func(a, b string) int {
		// Most actions first; actions without a theme last.
		if (a == "") != (b == "") {
			if a == "" {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(themes[b], themes[a]), cmp.Compare(a, b))
	})
	for _, th := range names {
		row := themeRow{Theme: th, Total: themes[th]}
		label := th
		if th == "" {
			label = "(no theme)"
		}
		row.Theme = label
		row.URL = searchURL(append(providerParams(provNames), "kind", string(extract.KindMustDo), "theme", th)...)
		for _, y := range t.Years {
			n := counts[key{th, y}]
			cell := countCell{Count: n}
			if n > 0 && y != "undated" {
				cell.URL = searchURL(append(providerParams(provNames), "kind", string(extract.KindMustDo), "theme", th, "from", y, "to", y)...)
			}
			row.Cells = append(row.Cells, cell)
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// providerParams are search parameters for every name of a provider.
func providerParams(names []string) []string {
	var kv []string
	for _, n := range names {
		kv = append(kv, "provider", n)
	}
	return kv
}

// timeline is every rating of a provider under any of its names, in
// index.Timeline's order, with each subject written one way: the first
// way met, whatever the case of the others. The ratings a provider states
// in its own documents are left out: they are claims, set against these
// ratings on the provider page, not ratings.
func (s *server) timeline(ctx context.Context, names []string) ([]index.TimelinePoint, error) {
	own, err := s.ix.Search(ctx, index.Query{Providers: names, Kinds: []string{string(extract.KindDocument)},
		DocTypes: evidence.ProviderDocTypes, Limit: index.MaxLimit})
	if err != nil {
		return nil, err
	}
	claims := map[string]bool{}
	for _, h := range own.Hits {
		claims[h.DocID] = true
	}
	var points []index.TimelinePoint
	for _, n := range names {
		pts, err := s.ix.Timeline(ctx, n, "")
		if err != nil {
			return nil, err
		}
		for _, pt := range pts {
			if !claims[pt.DocID] {
				points = append(points, pt)
			}
		}
	}
	if len(names) > 1 {
		slices.SortStableFunc(points, func(a, b index.TimelinePoint) int {
			return cmp.Or(cmp.Compare(a.Published, b.Published), cmp.Compare(a.Subject, b.Subject),
				cmp.Compare(domainOrder(a.Domain), domainOrder(b.Domain)), cmp.Compare(a.DocID, b.DocID), cmp.Compare(a.Page, b.Page))
		})
	}
	spelled := map[string]string{}
	for i := range points {
		k := strings.ToLower(strings.Join(strings.Fields(points[i].Subject), " "))
		if first, ok := spelled[k]; ok {
			points[i].Subject = first
		} else {
			spelled[k] = points[i].Subject
		}
	}
	return points, nil
}
