package web

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/index"
)

// pageRow is a page in an export: the page's whole text with its
// document's facts. Its kind is always "page", so that it stands apart
// from findings in an export of both.
type pageRow struct {
	Doc       string    `json:"doc"`
	DocID     string    `json:"doc_id"`
	Kind      string    `json:"kind"`
	Page      int       `json:"page"`
	Text      string    `json:"text"`
	Provider  string    `json:"provider,omitempty"`
	Title     string    `json:"title,omitempty"`
	DocType   string    `json:"doc_type,omitempty"`
	Published string    `json:"published,omitempty"`
	Citation  *Citation `json:"citation,omitempty"`
}

// PageCSVColumns is the column order of a page-text export's CSV. Each is
// also a column of the findings CSV, which an export of both findings and
// pages uses, leaving a page row's other columns empty.
var PageCSVColumns = []string{"doc", "doc_id", "kind", "page", "text", "provider", "title", "doc_type", "published"}

func newPageRow(h *index.Hit) pageRow {
	return pageRow{Doc: h.Path, DocID: h.DocID, Kind: index.KindPage, Page: h.Page, Text: h.Text,
		Provider: h.Provider, Title: h.Title, DocType: h.DocType, Published: h.Published}
}

// record is the row in the given columns.
func (p pageRow) record(columns []string) []string {
	out := make([]string, len(columns))
	for i, c := range columns {
		switch c {
		case "doc":
			out[i] = p.Doc
		case "doc_id":
			out[i] = p.DocID
		case "kind":
			out[i] = p.Kind
		case "page":
			if p.Page > 0 {
				out[i] = strconv.Itoa(p.Page)
			}
		case "text":
			out[i] = p.Text
		case "provider":
			out[i] = p.Provider
		case "title":
			out[i] = p.Title
		case "doc_type":
			out[i] = p.DocType
		case "published":
			out[i] = p.Published
		}
	}
	return out
}

// exportColumns are the CSV columns of an export of scope.
func exportColumns(scope string) []string {
	if strings.TrimSpace(scope) == index.ScopePages {
		return PageCSVColumns
	}
	return extract.CSVColumns
}

// csvRecord is a hit as a row in columns: a finding's contract row, or a
// page row.
func csvRecord(h *index.Hit, columns []string) []string {
	if h.Finding != nil {
		return extract.CSVRecord(*h.Finding)
	}
	return newPageRow(h).record(columns)
}

// jsonRecord is a hit as a JSON line with its citation: the finding, or
// the page row.
func jsonRecord(h *index.Hit, c Citation) ([]byte, error) {
	if h.Finding != nil {
		return citedJSON(h.Finding, c)
	}
	p := newPageRow(h)
	p.Citation = &c
	return json.Marshal(p)
}
