package index

import (
	"strings"

	"github.com/cqcmine/cqcmine/extract"
)

// Filter is one filter a search applies to findings and pages, declared
// once for every layer: the index applies it and counts its facet, the
// web layer reads it from the URL parameter Name and shows it under
// Label, and the command line takes it as the flag Flag() with Help.
// Adding a filter is one entry here (and its Query field).
type Filter struct {
	Name  string   // URL parameter, facet name (see FacetFields) and JSON field
	Label string   // the sidebar's heading
	Help  string   // the command-line flag's usage
	Valid []string // the values accepted; nil accepts any
	// Values is the Query field the filter fills.
	Values func(q *Query) *[]string
	// Pages is set for a filter on what pages have too (the document's
	// provider, type and id); the others only ever match findings.
	Pages  bool
	column int // the table column it checks; -1 for doc_id
}

// Flag is the filter's command-line flag name.
func (f *Filter) Flag() string { return strings.ReplaceAll(f.Name, "_", "-") }

var ratingValues = []string{extract.RatingOutstanding, extract.RatingGood, extract.RatingRequiresImp, extract.RatingInadequate}

// Filters are every filter, in the order the search page shows them.
var Filters = []Filter{
	{Name: "kind", Label: "Kind", Valid: kindValues(),
		Help:   "only findings of these kinds (document, rating, must-do, should-do, quote, undertaking, score, entity); repeat or comma-separate",
		Values: func(q *Query) *[]string { return &q.Kinds }, column: cKind},
	{Name: "rating", Label: "Rating", Valid: ratingValues,
		Help:   "only ratings of these values (outstanding, good, requires improvement, inadequate)",
		Values: func(q *Query) *[]string { return &q.Ratings }, column: cRating},
	{Name: "direction", Label: "Change since last rating", Valid: []string{DirectionImproved, DirectionSame, DirectionDeclined},
		Help:   "only ratings that went this way (improved, same, declined)",
		Values: func(q *Query) *[]string { return &q.Direction }, column: cDirection},
	{Name: "previous", Label: "Previous rating", Valid: ratingValues,
		Help:   "only ratings whose previous rating was one of these",
		Values: func(q *Query) *[]string { return &q.Previous }, column: cPrevious},
	{Name: "domain", Label: "Key question", Valid: extract.Domains,
		Help:   "only these key questions (safe, effective, caring, responsive, well-led, overall)",
		Values: func(q *Query) *[]string { return &q.Domains }, column: cDomain},
	{Name: "subject", Label: "Core service or subject",
		Help:   "only these subjects (core service, location, trust overall)",
		Values: func(q *Query) *[]string { return &q.Subjects }, column: cSubject},
	{Name: "provider", Label: "Provider",
		Help:   "only these providers",
		Values: func(q *Query) *[]string { return &q.Providers }, column: cProvider, Pages: true},
	{Name: "doc_type", Label: "Document type",
		Help:   "only these document types (inspection report, warning notice, press statement, ...)",
		Values: func(q *Query) *[]string { return &q.DocTypes }, column: cDocType, Pages: true},
	{Name: "regulation", Label: "Regulation",
		Help:   `only these regulations ("Regulation 12")`,
		Values: func(q *Query) *[]string { return &q.Regulations }, column: cRegulation},
	{Name: "speaker", Label: "Speaker",
		Help:   "only quotes by these speakers (CQC, trust, patient, other)",
		Values: func(q *Query) *[]string { return &q.Speakers }, column: cSpeaker},
	{Name: "theme", Label: "Theme",
		Help:   `only these themes ("ligature risks", staffing, ...)`,
		Values: func(q *Query) *[]string { return &q.Themes }, column: cTheme},
	{Name: "doc_id", Label: "Document",
		Help:   "only findings and pages of these documents (by id)",
		Values: func(q *Query) *[]string { return &q.DocIDs }, column: -1, Pages: true},
}

// FilterByName returns the filter called name, or nil.
func FilterByName(name string) *Filter {
	for i := range Filters {
		if Filters[i].Name == name {
			return &Filters[i]
		}
	}
	return nil
}

func kindValues() []string {
	kinds := make([]string, len(extract.Kinds))
	for i, k := range extract.Kinds {
		kinds[i] = string(k)
	}
	return kinds
}
