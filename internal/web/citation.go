package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/index"
)

// Citation says where a finding comes from, ready to paste into a board
// paper: who wrote the document, its title, when it was published, the
// page, and the stable link to the evidence view with the finding marked.
type Citation struct {
	// Author is the regulator for the regulator's own documents
	// (inspection reports, notices), the provider for what it publishes
	// itself (press statements, quality accounts, board papers); empty
	// when unknown.
	Author    string `json:"author,omitempty"`
	Title     string `json:"title"`
	Published string `json:"published,omitempty"` // as the document gives it: YYYY-MM-DD, YYYY-MM or YYYY
	Page      int    `json:"page,omitempty"`
	URL       string `json:"url"`
	// Text is the citation written out: `Care Quality Commission,
	// "<title>", published 19 July 2024, p. 26`.
	Text string `json:"text"`
}

// regulatorName is the author of the regulator's documents.
const regulatorName = "Care Quality Commission"

// regulatorDocTypes are the document types the regulator writes; the
// provider writes the others it is named in.
var regulatorDocTypes = map[string]bool{
	"inspection report":  true,
	"warning notice":     true,
	"requirement notice": true,
	"undertakings":       true,
}

// providerDocTypes are the document types in which a provider speaks for
// itself.
var providerDocTypes = map[string]bool{
	"press statement": true,
	"quality account": true,
	"board paper":     true,
}

// docAuthor names who wrote a document of docType about provider.
func docAuthor(docType, provider, title string) string {
	switch {
	case regulatorDocTypes[docType]:
		return regulatorName
	case providerDocTypes[docType] && provider != "":
		return provider
	case strings.Contains(title, regulatorName):
		return regulatorName
	}
	return provider
}

// citeHit is the citation of a search hit; base is the server's address
// ("http://host"), so that the link works where the citation is pasted.
func citeHit(base string, h *index.Hit) Citation {
	c := Citation{
		Author:    docAuthor(h.DocType, h.Provider, h.Title),
		Title:     displayTitle(h.Title, h.Path),
		Published: h.Published,
		Page:      h.Page,
		URL:       base + hitDocURL(h),
	}
	c.Text = citationText(c)
	return c
}

// citeDoc is the citation of page of the document info, or of its
// finding f when f is not nil (f's own page then).
func citeDoc(base string, info *index.DocInfo, page int, f *extract.Finding) Citation {
	h := index.Hit{DocID: info.ID, Path: info.Path, Title: info.Title, Provider: info.Provider,
		DocType: info.DocType, Published: info.Published, Page: page, Finding: f}
	if f != nil {
		h.Page = f.Page
	}
	return citeHit(base, &h)
}

// citationText writes c out: author, quoted title, date, page.
func citationText(c Citation) string {
	var b strings.Builder
	if c.Author != "" {
		b.WriteString(c.Author)
		b.WriteString(", ")
	}
	b.WriteString("“")
	b.WriteString(c.Title)
	b.WriteString("”")
	if d := longDate(c.Published); d != "" {
		b.WriteString(", published ")
		b.WriteString(d)
	} else {
		b.WriteString(", undated")
	}
	if c.Page > 0 {
		b.WriteString(", p. ")
		b.WriteString(strconv.Itoa(c.Page))
	}
	return b.String()
}

// longDate writes YYYY-MM-DD as "19 July 2024", YYYY-MM as "July 2024"
// and YYYY as itself; anything else as given.
func longDate(s string) string {
	for _, layout := range []struct{ in, out string }{
		{time.DateOnly, "2 January 2006"},
		{"2006-01", "January 2006"},
		{"2006", "2006"},
	} {
		if t, err := time.Parse(layout.in, s); err == nil {
			return t.Format(layout.out)
		}
	}
	return s
}

// baseURL is the address the client reached this server at, to make
// links absolute in citations and feeds.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		host = "localhost"
	}
	return scheme + "://" + host
}

// CitedHit is a search hit with its citation, as the JSON API answers it.
type CitedHit struct {
	index.Hit
	Citation *Citation `json:"citation,omitempty"`
}

// CitedResults are index.Results whose hits carry citations.
type CitedResults struct {
	*index.Results
	Hits []CitedHit `json:"hits"`
}

// CiteResults adds a citation to each hit of res, as the JSON API and
// cqcmine search --json give them; base is the address of the server the
// citations' links point at, empty for a path on it. Page hits (a page of
// text, not a finding) are cited too: the page is the evidence.
func CiteResults(base string, res *index.Results) CitedResults {
	out := CitedResults{Results: res, Hits: make([]CitedHit, len(res.Hits))}
	for i := range res.Hits {
		c := citeHit(base, &res.Hits[i])
		out.Hits[i] = CitedHit{Hit: res.Hits[i], Citation: &c}
	}
	return out
}

// citedJSON is f as the findings contract writes it, with its citation
// added as a last field.
func citedJSON(f *extract.Finding, c Citation) ([]byte, error) {
	b, err := json.Marshal(*f)
	if err != nil {
		return nil, err
	}
	cb, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	if len(b) < 2 || b[len(b)-1] != '}' {
		return nil, fmt.Errorf("finding of %s: not a JSON object", f.DocID)
	}
	out := append(b[:len(b)-1:len(b)-1], `,"citation":`...)
	out = append(out, cb...)
	return append(out, '}'), nil
}

// cited is v with h's citation, for a page that shows it beside the hit.
func cited(v hitView, base string, h *index.Hit) hitView {
	c := citeHit(base, h)
	v.Cite = &c
	return v
}
