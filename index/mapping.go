package index

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/cqcmine/cqcmine/extract"
)

// SchemaVersion is the version of the index layout: the mapping, the bleve
// document ids and the stored fields. An index written with another version
// must be rebuilt.
const SchemaVersion = 1

// schemaKey is the internal key holding SchemaVersion.
var schemaKey = []byte("cqcmine.schema")

// The two kinds of bleve document, in the "type" field.
const (
	typePage    = "page"
	typeFinding = "finding"
)

// Field names in the index. The facet fields are keywords with doc values.
const (
	fType       = "type"
	fDocID      = "doc_id"
	fText       = "text"
	fPage       = "page"
	fProvider   = "provider"
	fDocType    = "doc_type"
	fYear       = "year"      // numeric, for ranges
	fYearTerm   = "year_term" // keyword, for the year facet
	fPublished  = "published"
	fKind       = "kind"
	fRating     = "rating"
	fPrevious   = "previous"
	fDirection  = "direction"
	fDomain     = "domain"
	fSubject    = "subject"
	fRegulation = "regulation"
	fSpeaker    = "speaker"
	fTheme      = "theme"
	fFinding    = "finding_json" // the whole finding, stored only
)

// Directions of a rating against the previous one.
const (
	DirectionImproved = "improved"
	DirectionSame     = "same"
	DirectionDeclined = "declined"
)

// FacetFields lists the facets Search computes, by the names Facet.Field
// reports, in display order.
var FacetFields = []string{
	"kind", "rating", "previous", "direction", "domain", "subject",
	"provider", "doc_type", "year", "regulation", "speaker", "theme",
}

// facetIndexField maps a facet name to the index field counted.
func facetIndexField(name string) string {
	if name == "year" {
		return fYearTerm
	}
	return name
}

// newMapping builds the explicit index mapping: nothing is indexed that is
// not named here, and there is no _all field (unqualified query terms go to
// "text").
func newMapping() *mapping.IndexMappingImpl {
	kw := func(docValues bool) *mapping.FieldMapping {
		fm := bleve.NewKeywordFieldMapping()
		fm.Analyzer = keyword.Name
		fm.Store = false
		fm.IncludeInAll = false
		fm.IncludeTermVectors = false
		fm.DocValues = docValues
		return fm
	}
	text := func(store bool) *mapping.FieldMapping {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = en.AnalyzerName
		fm.Store = store
		fm.IncludeInAll = false
		fm.IncludeTermVectors = true // phrases and highlighting
		fm.DocValues = false
		return fm
	}
	num := func(store bool) *mapping.FieldMapping {
		fm := bleve.NewNumericFieldMapping()
		fm.Store = store
		fm.IncludeInAll = false
		fm.DocValues = false
		return fm
	}
	date := bleve.NewDateTimeFieldMapping()
	date.Store = false
	date.IncludeInAll = false
	date.DocValues = true // sort by date

	stored := bleve.NewTextFieldMapping()
	stored.Index = false
	stored.Store = true
	stored.IncludeInAll = false
	stored.IncludeTermVectors = false
	stored.DocValues = false

	// meta adds the document metadata carried by pages and findings alike.
	meta := func(dm *mapping.DocumentMapping) {
		dm.AddFieldMappingsAt(fType, kw(false))
		dm.AddFieldMappingsAt(fDocID, kw(false))
		dm.AddFieldMappingsAt(fPage, num(true))
		dm.AddFieldMappingsAt(fProvider, kw(true))
		dm.AddFieldMappingsAt(fDocType, kw(true))
		dm.AddFieldMappingsAt(fYear, num(false))
		dm.AddFieldMappingsAt(fYearTerm, kw(true))
		dm.AddFieldMappingsAt(fPublished, date)
		dm.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	}

	page := bleve.NewDocumentStaticMapping()
	meta(page)
	page.AddFieldMappingsAt(fText, text(true))

	finding := bleve.NewDocumentStaticMapping()
	meta(finding)
	finding.AddFieldMappingsAt(fText, text(false))
	for _, f := range []string{fKind, fRating, fPrevious, fDirection, fDomain, fSubject, fRegulation, fSpeaker, fTheme} {
		finding.AddFieldMappingsAt(f, kw(true))
	}
	finding.AddFieldMappingsAt(fFinding, stored)

	im := bleve.NewIndexMapping()
	im.TypeField = fType
	im.DefaultType = "none"
	im.DefaultMapping = bleve.NewDocumentDisabledMapping()
	im.DefaultAnalyzer = en.AnalyzerName
	im.DefaultField = fText
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	im.AddDocumentMapping(typePage, page)
	im.AddDocumentMapping(typeFinding, finding)
	return im
}

// Bleve document ids: one record per document (its KindDocument finding),
// one per page, one per other finding. A document's id never contains the
// suffix, so the last '#' splits it.
func recordID(docID string) string         { return docID + "#d" }
func pageID(docID string, page int) string { return docID + "#p" + strconv.Itoa(page) }
func findingID(docID string, i int) string { return docID + "#f" + strconv.Itoa(i) }
func splitID(id string) (docID, suffix string) {
	i := strings.LastIndexByte(id, '#')
	if i < 0 {
		return id, ""
	}
	return id[:i], id[i+1:]
}

// docMeta is the document metadata indexed with every page and finding.
type docMeta struct {
	docID     string
	provider  string
	docType   string
	published *time.Time
}

func (m *docMeta) fields(typ string) map[string]any {
	d := map[string]any{fType: typ, fDocID: m.docID}
	setStr(d, fProvider, m.provider)
	setStr(d, fDocType, m.docType)
	if m.published != nil {
		d[fPublished] = *m.published
		d[fYear] = float64(m.published.Year())
		d[fYearTerm] = strconv.Itoa(m.published.Year())
	}
	return d
}

func setStr(d map[string]any, k, v string) {
	if v != "" {
		d[k] = v
	}
}

// parsePublished reads the contract's date forms: YYYY-MM-DD, YYYY-MM or
// YYYY. It returns nil for anything else.
func parsePublished(s string) *time.Time {
	for _, layout := range []string{"2006-01-02", "2006-01", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return &t
		}
	}
	return nil
}

// ratingRank orders CQC ratings from worst to best; 0 is unknown.
func ratingRank(r string) int {
	switch strings.ToLower(r) {
	case extract.RatingInadequate:
		return 1
	case extract.RatingRequiresImp:
		return 2
	case extract.RatingGood:
		return 3
	case extract.RatingOutstanding:
		return 4
	}
	return 0
}

// Direction compares a rating with the previous one: improved, same or
// declined, or "" when either is unknown.
func Direction(rating, previous string) string {
	r, p := ratingRank(rating), ratingRank(previous)
	switch {
	case r == 0 || p == 0:
		return ""
	case r > p:
		return DirectionImproved
	case r < p:
		return DirectionDeclined
	}
	return DirectionSame
}

// storedFinding is extract.Finding without its contract MarshalJSON, so
// that every field round-trips through the stored JSON.
type storedFinding extract.Finding

func findingFields(m *docMeta, f *extract.Finding) (map[string]any, error) {
	d := m.fields(typeFinding)
	if f.Provider != "" {
		d[fProvider] = f.Provider
	}
	d[fPage] = float64(f.Page)
	setStr(d, fText, f.Text)
	setStr(d, fKind, string(f.Kind))
	setStr(d, fRating, f.Rating)
	setStr(d, fPrevious, f.Previous)
	setStr(d, fDirection, Direction(f.Rating, f.Previous))
	setStr(d, fDomain, f.Domain)
	setStr(d, fSubject, f.Subject)
	setStr(d, fRegulation, f.Regulation)
	setStr(d, fSpeaker, f.Speaker)
	if len(f.Themes) > 0 {
		d[fTheme] = f.Themes
	}
	b, err := json.Marshal((*storedFinding)(f))
	if err != nil {
		return nil, fmt.Errorf("encode finding: %w", err)
	}
	d[fFinding] = string(b)
	return d, nil
}

func pageFields(m *docMeta, p *extract.Page) map[string]any {
	d := m.fields(typePage)
	d[fPage] = float64(p.Number)
	d[fText] = p.Text
	return d
}

func decodeFinding(v any) (*extract.Finding, error) {
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("stored finding is %T, not a string", v)
	}
	var f storedFinding
	if err := json.Unmarshal([]byte(s), &f); err != nil {
		return nil, fmt.Errorf("decode stored finding: %w", err)
	}
	return (*extract.Finding)(&f), nil
}
