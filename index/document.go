package index

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/cqcmine/cqcmine/extract"
)

// ErrNotFound is wrapped by the error Document returns for an unknown id.
var ErrNotFound = errors.New("document not in the index")

// DocInfo is one indexed document: its metadata, pages and findings.
type DocInfo struct {
	ID        string `json:"id"`
	Path      string `json:"path"`
	Title     string `json:"title,omitempty"`
	Provider  string `json:"provider,omitempty"`
	DocType   string `json:"doc_type,omitempty"`
	Published string `json:"published,omitempty"`
	// PageCount is the document's page count as its record gives it.
	PageCount int `json:"page_count"`
	// Pages are the indexed pages, in page order.
	Pages []extract.Page `json:"pages"`
	// Findings starts with the document's record (its KindDocument
	// finding), then the others in the order they were added.
	Findings []extract.Finding `json:"findings"`
}

// Document returns the committed document id, or an error wrapping
// ErrNotFound.
func (ix *Index) Document(ctx context.Context, id string) (*DocInfo, error) {
	recs, err := ix.records(ctx, []string{id})
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", id, err)
	}
	rec := recs[id]
	if rec == nil {
		return nil, fmt.Errorf("document %s: %w", id, ErrNotFound)
	}
	info := &DocInfo{ID: id, Path: rec.Doc, Title: rec.Title, Provider: rec.Provider,
		DocType: rec.DocType, Published: rec.Published, PageCount: rec.Pages}

	pages, err := ix.all(ctx, docQuery(id, typePage), fText)
	if err != nil {
		return nil, fmt.Errorf("document %s: pages: %w", id, err)
	}
	for _, h := range pages {
		_, suffix := splitID(h.ID)
		n, _ := strconv.Atoi(suffix[1:])
		text, _ := h.Fields[fText].(string)
		info.Pages = append(info.Pages, extract.Page{Number: n, Text: text})
	}
	slices.SortFunc(info.Pages, func(a, b extract.Page) int { return a.Number - b.Number })

	findings, err := ix.all(ctx, docQuery(id, typeFinding), fFinding)
	if err != nil {
		return nil, fmt.Errorf("document %s: findings: %w", id, err)
	}
	type numbered struct {
		n int
		f extract.Finding
	}
	var list []numbered
	for _, h := range findings {
		_, suffix := splitID(h.ID)
		n := -1 // the record first
		if suffix != "d" {
			n, _ = strconv.Atoi(suffix[1:])
		}
		f, err := decodeFinding(h.Fields[fFinding])
		if err != nil {
			return nil, fmt.Errorf("document %s: %s: %w", id, h.ID, err)
		}
		list = append(list, numbered{n, *f})
	}
	slices.SortFunc(list, func(a, b numbered) int { return a.n - b.n })
	for _, x := range list {
		info.Findings = append(info.Findings, x.f)
	}
	return info, nil
}

// hitFields is the id and stored fields of one bleve document.
type hitFields struct {
	ID     string
	Fields map[string]any
}

// all returns every bleve document q matches, with the given stored
// fields, sorted by bleve id.
func (ix *Index) all(ctx context.Context, q query.Query, fields ...string) ([]hitFields, error) {
	// Count first: the collector's memory grows with the size asked for.
	req := bleve.NewSearchRequestOptions(q, 0, 0, false)
	req.Score = "none"
	count, err := ix.idx.SearchInContext(ctx, req)
	if err != nil || count.Total == 0 {
		return nil, err
	}
	const page = 10000
	var out []hitFields
	for from := 0; ; from += page {
		req := bleve.NewSearchRequestOptions(q, min(page, int(count.Total)+1), from, false)
		req.Fields = fields
		req.Score = "none"
		req.SortBy([]string{"_id"})
		res, err := ix.idx.SearchInContext(ctx, req)
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			out = append(out, hitFields{h.ID, h.Fields})
		}
		if len(res.Hits) < req.Size {
			return out, nil
		}
	}
}

// records returns the records (KindDocument findings) of the given
// documents that are in the index.
func (ix *Index) records(ctx context.Context, docIDs []string) (map[string]*extract.Finding, error) {
	ids := make([]string, len(docIDs))
	for i, id := range docIDs {
		ids[i] = recordID(id)
	}
	hits, err := ix.all(ctx, bleve.NewDocIDQuery(ids), fFinding)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*extract.Finding, len(hits))
	for _, h := range hits {
		f, err := decodeFinding(h.Fields[fFinding])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", h.ID, err)
		}
		id, _ := splitID(h.ID)
		out[id] = f
	}
	return out, nil
}

// TimelinePoint is one rating of a provider in one document.
type TimelinePoint struct {
	// Published is the document's publication date (YYYY-MM-DD, YYYY-MM
	// or YYYY), empty when unknown.
	Published string `json:"published"`
	DocID     string `json:"doc_id"`
	Path      string `json:"path"`
	Title     string `json:"title,omitempty"`
	Page      int    `json:"page"`
	Subject   string `json:"subject"`
	Domain    string `json:"domain"`
	Rating    string `json:"rating"`
	Previous  string `json:"previous,omitempty"`
	Direction string `json:"direction,omitempty"`
}

// Timeline returns every rating of provider (of one subject, when subject
// is not empty) in the committed documents, oldest first; undated ratings
// come first. Within a date, points are ordered by subject, domain (in
// extract.Domains order), document and page.
func (ix *Index) Timeline(ctx context.Context, provider, subject string) ([]TimelinePoint, error) {
	if provider == "" {
		return nil, errors.New("timeline: no provider")
	}
	conj := []query.Query{termQuery(fType, typeFinding), termQuery(fKind, string(extract.KindRating)), termQuery(fProvider, provider)}
	if subject != "" {
		conj = append(conj, termQuery(fSubject, subject))
	}
	hits, err := ix.all(ctx, bleve.NewConjunctionQuery(conj...), fFinding)
	if err != nil {
		return nil, fmt.Errorf("timeline %s: %w", provider, err)
	}
	var points []TimelinePoint
	var docIDs []string
	for _, h := range hits {
		f, err := decodeFinding(h.Fields[fFinding])
		if err != nil {
			return nil, fmt.Errorf("timeline %s: %s: %w", provider, h.ID, err)
		}
		docID, _ := splitID(h.ID)
		docIDs = append(docIDs, docID)
		points = append(points, TimelinePoint{DocID: docID, Page: f.Page, Subject: f.Subject,
			Domain: f.Domain, Rating: f.Rating, Previous: f.Previous, Direction: Direction(f.Rating, f.Previous)})
	}
	slices.Sort(docIDs)
	recs, err := ix.records(ctx, slices.Compact(docIDs))
	if err != nil {
		return nil, fmt.Errorf("timeline %s: %w", provider, err)
	}
	for i := range points {
		if r := recs[points[i].DocID]; r != nil {
			points[i].Published, points[i].Path, points[i].Title = r.Published, r.Doc, r.Title
		}
	}
	slices.SortFunc(points, func(a, b TimelinePoint) int {
		return cmp.Or(
			cmp.Compare(a.Published, b.Published),
			cmp.Compare(a.Subject, b.Subject),
			cmp.Compare(domainRank(a.Domain), domainRank(b.Domain)),
			cmp.Compare(a.Domain, b.Domain),
			cmp.Compare(a.DocID, b.DocID),
			cmp.Compare(a.Page, b.Page),
		)
	})
	return points, nil
}

func domainRank(d string) int {
	if i := slices.Index(extract.Domains, d); i >= 0 {
		return i
	}
	return len(extract.Domains)
}

// Providers returns every provider of a committed document, sorted.
func (ix *Index) Providers(ctx context.Context) ([]string, error) {
	n, err := ix.idx.DocCount()
	if err != nil {
		return nil, fmt.Errorf("providers: %w", err)
	}
	req := bleve.NewSearchRequestOptions(termQuery(fType, typeFinding), 0, 0, false)
	req.AddFacet("p", bleve.NewFacetRequest(fProvider, int(n)+1))
	req.Score = "none"
	res, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("providers: %w", err)
	}
	var out []string
	if fr := res.Facets["p"]; fr != nil && fr.Terms != nil {
		for _, t := range fr.Terms.Terms() {
			out = append(out, t.Term)
		}
	}
	slices.Sort(out)
	return out, nil
}
