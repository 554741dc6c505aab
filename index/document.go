package index

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"

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
	defer runtime.KeepAlive(ix) // d's lists may lie in the column file's mapping (colmap.go)
	ix.tab.mu.RLock()
	d := ix.tab.docs[id]
	ix.tab.mu.RUnlock()
	if d == nil {
		return nil, fmt.Errorf("document %s: %w", id, ErrNotFound)
	}
	info := &DocInfo{ID: id, Path: d.path, Title: d.title, Provider: d.provider,
		DocType: d.docType, Published: d.published, PageCount: d.pageCount}

	if len(d.pages) > 0 {
		var blob []byte
		err := ix.stored(ctx, ix.px, []uint32{d.pSerial}, fPages, func(_ int, v []byte) { blob = slices.Clone(v) })
		if err != nil {
			return nil, fmt.Errorf("document %s: pages: %w", id, err)
		}
		if info.Pages, err = decodePages(blob, nil); err != nil {
			return nil, fmt.Errorf("document %s: pages: %w", id, err)
		}
	}
	slices.SortFunc(info.Pages, func(a, b extract.Page) int { return a.Number - b.Number })
	pageOf := func(n int) (string, bool) {
		for _, p := range info.Pages {
			if p.Number == n {
				return p.Text, true
			}
		}
		return "", false
	}

	fids, _ := d.bleveIDs()
	serials := make([]uint32, len(d.nums))
	for i := range serials {
		serials[i] = d.fSerial + uint32(i)
	}
	stored := make([]string, len(serials))
	err := ix.stored(ctx, ix.fx, serials, fFinding, func(i int, v []byte) { stored[i] = string(v) })
	if err != nil {
		return nil, fmt.Errorf("document %s: findings: %w", id, err)
	}
	type numbered struct {
		n int32
		f extract.Finding
	}
	var list []numbered
	for i, fid := range fids {
		v := stored[i]
		if v == "" {
			continue
		}
		f, err := decodeFinding(v, d, pageOf)
		if err != nil {
			return nil, fmt.Errorf("document %s: %s: %w", id, fid, err)
		}
		list = append(list, numbered{d.nums[i], *f})
	}
	slices.SortFunc(list, func(a, b numbered) int { return cmp.Compare(a.n, b.n) })
	for _, x := range list {
		info.Findings = append(info.Findings, x.f)
	}
	return info, nil
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
	// Direction is FindingDirection of the rating.
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
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("timeline %s: %w", provider, err)
	}
	t := ix.tab
	t.mu.RLock()
	kind, okKind := t.dicts[cKind].lookup(string(extract.KindRating))
	prov, okProv := t.dicts[cProvider].lookup(provider)
	subj, okSubj := t.dicts[cSubject].lookup(subject)
	var points []TimelinePoint
	if okKind && okProv && (subject == "" || okSubj) {
		c := &t.f
		for i := range c.n {
			s := uint32(i)
			if !c.isLive(s) || c.v[cKind][s] != kind || c.v[cProvider][s] != prov || (subject != "" && c.v[cSubject][s] != subj) {
				continue
			}
			d := t.dlist[c.doc[s]]
			rating, previous := t.dicts[cRating].value(c.v[cRating][s]), t.dicts[cPrevious].value(c.v[cPrevious][s])
			points = append(points, TimelinePoint{Published: d.published, DocID: d.id, Path: d.path,
				Title: d.title, Page: int(c.page[s]), Subject: t.dicts[cSubject].value(c.v[cSubject][s]),
				Domain: t.dicts[cDomain].value(c.v[cDomain][s]), Rating: rating, Previous: previous,
				Direction: t.dicts[cDirection].value(c.v[cDirection][s])})
		}
	}
	t.mu.RUnlock()
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

// Providers returns every provider of a committed document's findings,
// sorted.
func (ix *Index) Providers(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("providers: %w", err)
	}
	t := ix.tab
	t.mu.RLock()
	seen := make([]bool, len(t.dicts[cProvider].vals))
	var out []string
	c := &t.f
	for i := range c.n {
		s := uint32(i)
		if p := c.v[cProvider][s]; p != 0 && int(p) < len(seen) && !seen[p] && c.isLive(s) {
			seen[p] = true
			out = append(out, t.dicts[cProvider].value(p))
		}
	}
	t.mu.RUnlock()
	slices.Sort(out)
	return out, nil
}
