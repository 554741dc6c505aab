package web

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cqcmine/cqcmine/index"
)

// feedEntries is the number of findings an Atom feed holds: the newest.
const feedEntries = 50

// undatedFeed is the updated time of a feed without a dated finding.
var undatedFeed = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// atomNS is the Atom namespace (RFC 4287).
const atomNS = "http://www.w3.org/2005/Atom"

// atomFeed and its parts are the Atom elements a feed writes.
type atomFeed struct {
	XMLName xml.Name    `xml:"feed"`
	NS      string      `xml:"xmlns,attr"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Title      string         `xml:"title"`
	ID         string         `xml:"id"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published,omitempty"`
	Links      []atomLink     `xml:"link"`
	Author     *atomPerson    `xml:"author,omitempty"`
	Categories []atomCategory `xml:"category"`
	Summary    atomText       `xml:"summary"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

// handleFeed answers the search in the URL as an Atom feed of its newest
// matching findings, so that a feed reader (or a bridge to email) tells
// its reader when new documents add a match. It takes the search page's
// parameters; the order is always newest first and the scope findings.
func (s *server) handleFeed(w http.ResponseWriter, r *http.Request) {
	st, err := s.parseWholeSearch(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := st.q
	q.Scope = index.ScopeFindings
	q.Sort = index.SortDate
	q.Limit, q.Offset = feedEntries, 0
	res, err := s.search(r.Context(), st, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := buildFeed(baseURL(r), st, res)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(b)
	}
}

// buildFeed writes res as an Atom document. An entry's id is a tag URI
// made from the finding's place, so that it stays the same whatever
// address the server is reached at; its link is the evidence view.
// Entries take their document's publication date; an undated one the
// feed's newest.
func buildFeed(base string, st *searchState, res *index.Results) ([]byte, error) {
	self := st.exportURL("/feed.atom")
	f := atomFeed{
		NS:     atomNS,
		Title:  "cqcmine: " + describeSearch(st),
		ID:     base + self,
		Author: atomPerson{Name: "cqcmine"},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: base + self},
			{Rel: "alternate", Type: "text/html", Href: base + st.exportURL("/")},
		},
	}
	// The feed is as new as its newest dated finding; an undated finding
	// takes that date too, so that it does not look updated at every
	// fetch.
	var newest time.Time
	for i := range res.Hits {
		if d, ok := feedDate(res.Hits[i].Published); ok && d.After(newest) {
			newest = d
		}
	}
	if newest.IsZero() {
		newest = undatedFeed
	}
	for i := range res.Hits {
		h := &res.Hits[i]
		if h.Finding == nil {
			continue
		}
		c := citeHit(base, h)
		date, ok := feedDate(h.Published)
		if !ok {
			date = newest
		}
		e := atomEntry{
			Title:   entryTitle(h),
			ID:      findingTag(h),
			Updated: date.Format(time.RFC3339),
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: c.URL}},
			Summary: atomText{Type: "text", Text: h.Finding.Text + "\n\n" + c.Text + ".\n" + c.URL},
			Categories: []atomCategory{
				{Term: h.Kind, Label: kindLabel(h.Kind)},
			},
		}
		if ok {
			e.Published = e.Updated
		}
		if c.Author != "" {
			e.Author = &atomPerson{Name: c.Author}
		}
		for _, t := range h.Finding.Themes {
			e.Categories = append(e.Categories, atomCategory{Term: t})
		}
		f.Entries = append(f.Entries, e)
	}
	f.Updated = newest.UTC().Format(time.RFC3339)
	b, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("atom feed: %w", err)
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
}

// feedDate reads a publication date (YYYY-MM-DD, YYYY-MM or YYYY) as the
// start of its day, month or year in UTC.
func feedDate(s string) (time.Time, bool) {
	for _, layout := range []string{time.DateOnly, "2006-01", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// findingTag is a finding's id as a tag URI (RFC 4151): its document,
// page, place on the page and kind.
func findingTag(h *index.Hit) string {
	f := h.Finding
	return fmt.Sprintf("tag:cqcmine,2024:finding/%s/%d/%d-%d/%s", h.DocID, h.Page, f.Start, f.End, f.Kind)
}

// entryTitle is a finding's headline: its kind, what it is about and the
// document.
func entryTitle(h *index.Hit) string {
	f := h.Finding
	parts := []string{kindLabel(h.Kind)}
	for _, p := range []string{f.Subject, f.Domain, f.Rating, f.Regulation, f.QualityStatement} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " · ") + " — " + displayTitle(h.Title, h.Path)
}

// describeSearch puts a search in words for a feed's title.
func describeSearch(st *searchState) string {
	var parts []string
	if st.q.Text != "" {
		parts = append(parts, strconv.Quote(st.q.Text))
	}
	for _, f := range index.Filters {
		if vs := st.vals[f.Name]; len(vs) > 0 {
			parts = append(parts, strings.ToLower(f.Label)+" "+strings.Join(vs, " or "))
		}
	}
	if st.q.From != 0 {
		parts = append(parts, "from "+strconv.Itoa(st.q.From))
	}
	if st.q.To != 0 {
		parts = append(parts, "to "+strconv.Itoa(st.q.To))
	}
	if st.recurring {
		parts = append(parts, "actions raised again")
	}
	if len(parts) == 0 {
		return "all new findings"
	}
	return strings.Join(parts, ", ")
}
