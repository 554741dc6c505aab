package web

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/index"
	"github.com/cqcmine/cqcmine/index/evidence"
)

// providerNames groups the index's provider names into providers.
func (s *server) providerNames(ctx context.Context) ([]evidence.Provider, error) {
	names, err := s.ix.Providers(ctx)
	if err != nil {
		return nil, err
	}
	return evidence.Names(names), nil
}

// findProvider is the provider name is one of the names of; ok is false
// when the index has no such provider.
func (s *server) findProvider(ctx context.Context, name string) (evidence.Provider, bool, error) {
	if name == "" {
		return evidence.Provider{}, false, nil
	}
	ps, err := s.providerNames(ctx)
	if err != nil {
		return evidence.Provider{}, false, err
	}
	p, ok := evidence.Find(ps, name)
	return p, ok, nil
}

// providerFindings reads the findings of the given kinds about a
// provider (under any of its names), each with its document's title,
// type and date copied in, and a citation of each.
func (s *server) providerFindings(ctx context.Context, base string, p evidence.Provider, kinds ...extract.Kind) ([]extract.Finding, map[findingKey]Citation, error) {
	hits, err := evidence.ProviderHits(ctx, s.ix, p, kinds...)
	if err != nil {
		return nil, nil, err
	}
	out := make([]extract.Finding, len(hits))
	cites := make(map[findingKey]Citation, len(hits))
	for i := range hits {
		h := &hits[i]
		f := evidence.WithDoc(h)
		f.Title = displayTitle(h.Title, h.Path)
		out[i] = f
		cites[keyOf(&f)] = citeHit(base, h)
	}
	return out, cites, nil
}

// findingKey names a finding by its place.
type findingKey struct {
	doc, kind        string
	page, start, end int
}

func keyOf(f *extract.Finding) findingKey {
	return findingKey{f.DocID, string(f.Kind), f.Page, f.Start, f.End}
}

// recurring is the provider's recurring actions.
func (s *server) recurring(ctx context.Context, base string, p evidence.Provider) ([]evidence.Group, map[findingKey]Citation, error) {
	fs, cites, err := s.providerFindings(ctx, base, p, extract.KindMustDo, extract.KindShouldDo)
	if err != nil {
		return nil, nil, err
	}
	return evidence.Recurring(fs), cites, nil
}

// claims is the provider's claims about its ratings, judged.
func (s *server) claims(ctx context.Context, base string, p evidence.Provider) ([]evidence.Claim, map[findingKey]Citation, error) {
	fs, cites, err := s.providerFindings(ctx, base, p, extract.KindRating)
	if err != nil {
		return nil, nil, err
	}
	return evidence.Claims(fs), cites, nil
}

// apiProvider resolves the {name} of an API path, answering 404 itself.
func (s *server) apiProvider(w http.ResponseWriter, r *http.Request) (evidence.Provider, bool) {
	p, ok, err := s.findProvider(r.Context(), r.PathValue("name"))
	if err != nil {
		s.failAPI(w, r, err)
		return p, false
	}
	if !ok {
		s.apiError(w, http.StatusNotFound, "no provider of this name in the index")
	}
	return p, ok
}

// handleAPIRecurring answers the provider's []evidence.Group: must-dos
// and should-dos raised in documents of different dates.
func (s *server) handleAPIRecurring(w http.ResponseWriter, r *http.Request) {
	p, ok := s.apiProvider(w, r)
	if !ok {
		return
	}
	groups, _, err := s.recurring(r.Context(), baseURL(r), p)
	if err != nil {
		s.failAPI(w, r, err)
		return
	}
	if groups == nil {
		groups = []evidence.Group{}
	}
	s.writeJSON(w, http.StatusOK, groups)
}

// handleAPIClaims answers the provider's []evidence.Claim: its own
// statements of its ratings beside the regulator's.
func (s *server) handleAPIClaims(w http.ResponseWriter, r *http.Request) {
	p, ok := s.apiProvider(w, r)
	if !ok {
		return
	}
	claims, cites, err := s.claims(r.Context(), baseURL(r), p)
	if err != nil {
		s.failAPI(w, r, err)
		return
	}
	out := make([]citedClaim, len(claims))
	for i, c := range claims {
		out[i].Claim = c
		if ct, ok := cites[keyOf(&c.Claim)]; ok {
			out[i].ClaimCitation = &ct
		}
		if c.Finding != nil {
			if ct, ok := cites[keyOf(c.Finding)]; ok {
				out[i].FindingCitation = &ct
			}
		}
	}
	s.writeJSON(w, http.StatusOK, out)
}

// citedClaim is a claim as the API answers it: with the citations of
// both sides, which give their documents' titles and dates (the findings
// contract leaves those to the document's own record).
type citedClaim struct {
	evidence.Claim
	ClaimCitation   *Citation `json:"claim_citation,omitempty"`
	FindingCitation *Citation `json:"finding_citation,omitempty"`
}

// Views of the provider page's evidence sections.

type recurringView struct {
	Theme, Regulation string
	Still             bool
	Dates             int
	First, Latest     string
	Occurrences       []occurrenceView
	SearchURL         string
}

type occurrenceView struct {
	Published, Title, Kind, Text, URL string
	Page                              int
	Cite                              *Citation
}

func recurringViews(provider evidence.Provider, groups []evidence.Group, cites map[findingKey]Citation) []recurringView {
	var out []recurringView
	for _, g := range groups {
		v := recurringView{Theme: g.Theme, Regulation: g.Regulation, Still: g.StillRaised, Dates: g.Dates,
			First: g.First, Latest: g.Latest}
		kv := []string{"kind", string(extract.KindMustDo), "kind", string(extract.KindShouldDo), "recurring", "1"}
		for _, n := range provider.Names {
			kv = append(kv, "provider", n)
		}
		if g.Theme != "" {
			kv = append(kv, "theme", g.Theme)
		}
		v.SearchURL = searchURL(kv...)
		for _, o := range g.Occurrences {
			f := extract.Finding{DocID: o.DocID, Kind: extract.Kind(o.Kind), Page: o.Page, Start: o.Start, End: o.End}
			ov := occurrenceView{Published: o.Published, Title: o.Title, Kind: o.Kind, Text: o.Text, Page: o.Page,
				URL: hitDocURL(&index.Hit{DocID: o.DocID, Page: o.Page, Finding: &f})}
			if ov.Published == "" {
				ov.Published = "undated"
			}
			if c, ok := cites[keyOf(&f)]; ok {
				ov.Cite = &c
			}
			v.Occurrences = append(v.Occurrences, ov)
		}
		out = append(out, v)
	}
	return out
}

type claimView struct {
	Verdict, Reason string
	Claim, Finding  *occurrenceView
	Subject, Domain string
	Rating, Against string
}

func claimViews(claims []evidence.Claim, cites map[findingKey]Citation) []claimView {
	var out []claimView
	occ := func(f *extract.Finding) *occurrenceView {
		if f == nil {
			return nil
		}
		v := &occurrenceView{Published: f.Published, Title: f.Title, Kind: string(f.Kind), Text: f.Text, Page: f.Page,
			URL: hitDocURL(&index.Hit{DocID: f.DocID, Page: f.Page, Finding: f})}
		if c, ok := cites[keyOf(f)]; ok {
			v.Cite = &c
		}
		return v
	}
	for _, c := range claims {
		v := claimView{Verdict: c.Verdict, Reason: c.Reason, Subject: c.Claim.Subject, Domain: c.Claim.Domain,
			Rating: c.Claim.Rating, Claim: occ(&c.Claim), Finding: occ(c.Finding)}
		if c.Finding != nil {
			v.Against = c.Finding.Rating
		}
		out = append(out, v)
	}
	return out
}

// scoreRow is one quality statement's score in one document.
type scoreRow struct {
	Domain, Statement, Subject string
	Score                      int
	Published, Title, URL      string
	Cite                       *Citation
}

// scoreRows are the provider's single assessment framework scores: by
// key question (in extract.Domains order), quality statement, then
// newest first.
func (s *server) scoreRows(ctx context.Context, base string, p evidence.Provider) ([]scoreRow, error) {
	fs, cites, err := s.providerFindings(ctx, base, p, extract.KindScore)
	if err != nil {
		return nil, err
	}
	var out []scoreRow
	for i := range fs {
		f := &fs[i]
		r := scoreRow{Domain: f.Domain, Statement: f.QualityStatement, Subject: f.Subject, Score: f.Score,
			Published: f.Published, Title: f.Title, URL: hitDocURL(&index.Hit{DocID: f.DocID, Page: f.Page, Finding: f})}
		if r.Domain == "" {
			r.Domain = "(theme)"
		}
		if c, ok := cites[keyOf(f)]; ok {
			r.Cite = &c
		}
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(a, b scoreRow) int {
		return cmp.Or(cmp.Compare(domainOrder(a.Domain), domainOrder(b.Domain)), cmp.Compare(a.Domain, b.Domain),
			cmp.Compare(a.Statement, b.Statement), cmp.Compare(b.Published, a.Published), cmp.Compare(a.Subject, b.Subject))
	})
	return out, nil
}

// providerFacts are what the provider's documents say about it: its ODS
// codes and its locations (the places its ratings name).
func (s *server) providerFacts(ctx context.Context, p evidence.Provider, subjects []string) (ods, locations []string, err error) {
	res, err := s.ix.Search(ctx, index.Query{Providers: p.Names, Kinds: []string{string(extract.KindDocument)}, Limit: index.MaxLimit})
	if err != nil {
		return nil, nil, fmt.Errorf("documents of %s: %w", p.Name, err)
	}
	for _, h := range res.Hits {
		if f := h.Finding; f != nil && f.ODSCode != "" && !slices.Contains(ods, f.ODSCode) {
			ods = append(ods, f.ODSCode)
		}
	}
	for _, sub := range subjects {
		if i := strings.LastIndex(sub, " ("); i > 0 && strings.HasSuffix(sub, ")") {
			loc := sub[i+2 : len(sub)-1]
			if !strings.HasPrefix(loc, "including") && !slices.Contains(locations, loc) {
				locations = append(locations, loc)
			}
		}
	}
	slices.Sort(ods)
	slices.Sort(locations)
	return ods, locations, nil
}

// splitODS parts ODS codes into the provider's and its sites': a site's
// code extends its provider's ("RZ901" under "RZ9").
func splitODS(codes []string) (provider, sites []string) {
	for _, c := range codes {
		if slices.ContainsFunc(codes, func(p string) bool { return p != c && strings.HasPrefix(c, p) }) {
			sites = append(sites, c)
		} else {
			provider = append(provider, c)
		}
	}
	return provider, sites
}
