package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/cqcmine/cqcmine/extract"
)

// SchemaVersion is the version of the index layout: the two bleve
// indexes and their mappings, the bleve document ids, the stored fields and
// the document summaries. An index written with another version must be
// rebuilt.
//
// Version 2 keeps findings and pages in separate bleve indexes, stores page
// text compressed once per document and counts facets from summaries held
// in memory.
//
// Version 3 stores the page blob with a document's first page, reads
// stored fields by serial, and keeps a column file beside the two indexes.
//
// Version 4 keeps each finding's direction in the summaries, so that a
// rating whose ratings grid shows the change by an arrow counts in the
// direction facet as one with a previous rating does.
//
// Version 5 analyses text with the text analyser (stems without a doubled
// last consonant, so that "staff" and "staffing" meet), keeps each text's
// words as written in a words field for fuzzy, prefix and wildcard
// searches, and keeps positions of page text for phrases.
const SchemaVersion = 5

// schemaKey is the internal key holding SchemaVersion, in both indexes.
var schemaKey = []byte("cqcmine.schema")

// The bleve indexes inside an index directory.
const (
	findingsDir = "findings"
	pagesDir    = "pages"
)

// The kinds of bleve document, in the "type" field.
const (
	typePage    = "page"
	typeFinding = "finding"
	typeHead    = "head" // a document's summary
)

// Field names in the indexes.
const (
	fType       = "type"
	fDocID      = "doc_id"
	fText       = "text"
	fWords      = "words"  // the text's words as written, for fuzzy, prefix and wildcard
	fSerial     = "serial" // row number in the in-memory columns, with doc values
	fProvider   = "provider"
	fDocType    = "doc_type"
	fYear       = "year"      // numeric, for ranges
	fYearTerm   = "year_term" // keyword, for the year facet
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
	fHead       = "head"         // "1" in every head document
	fSummary    = "summary"      // a head document's summary, stored only
	fPages      = "pages"        // a document's page texts, stored only, with its first page
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

func kwMapping() *mapping.FieldMapping {
	fm := bleve.NewKeywordFieldMapping()
	fm.Analyzer = keyword.Name
	fm.Store = false
	fm.IncludeInAll = false
	fm.IncludeTermVectors = false
	fm.DocValues = false
	return fm
}

// textMapping maps the text by analyzer, under the field name fWords for
// the words analyser.
func textMapping(analyzer string, termVectors bool) *mapping.FieldMapping {
	fm := bleve.NewTextFieldMapping()
	fm.Analyzer = analyzer
	if analyzer == AnalyzerWords {
		fm.Name = fWords
	}
	fm.Store = false
	fm.IncludeInAll = false
	fm.IncludeTermVectors = termVectors
	fm.DocValues = false
	return fm
}

func storedMapping() *mapping.FieldMapping {
	fm := bleve.NewTextFieldMapping()
	fm.Index = false
	fm.Store = true
	fm.IncludeInAll = false
	fm.IncludeTermVectors = false
	fm.DocValues = false
	return fm
}

// metaMappings adds the fields every page and finding carries: the
// document, its metadata, and the serial that finds its row in the
// in-memory columns (the only field with doc values).
func metaMappings(dm *mapping.DocumentMapping) {
	dm.AddFieldMappingsAt(fDocID, kwMapping())
	serial := kwMapping()
	serial.DocValues = true
	dm.AddFieldMappingsAt(fSerial, serial)
	dm.AddFieldMappingsAt(fProvider, kwMapping())
	dm.AddFieldMappingsAt(fDocType, kwMapping())
	year := bleve.NewNumericFieldMapping()
	year.Store = false
	year.IncludeInAll = false
	year.DocValues = false
	dm.AddFieldMappingsAt(fYear, year)
	dm.AddFieldMappingsAt(fYearTerm, kwMapping())
	dm.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
}

func baseMapping() *mapping.IndexMappingImpl {
	im := bleve.NewIndexMapping()
	im.TypeField = fType
	im.DefaultType = "none"
	im.DefaultMapping = bleve.NewDocumentDisabledMapping()
	im.DefaultAnalyzer = AnalyzerText
	im.DefaultField = fText
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	return im
}

// headMapping maps the head documents, one per document in each index,
// which hold its summary.
func headMapping() *mapping.DocumentMapping {
	head := bleve.NewDocumentStaticMapping()
	head.AddFieldMappingsAt(fHead, kwMapping())
	head.AddFieldMappingsAt(fSummary, storedMapping())
	head.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	return head
}

// findingsMapping maps the findings index: every finding (and each
// document's record) with its text, analysed by the text analyser and by
// the words analyser, with term vectors for phrases and highlighting, its
// keyword fields, and the whole finding as stored JSON. Facets are counted
// from the in-memory columns, so no facet field carries doc values.
func findingsMapping() *mapping.IndexMappingImpl {
	finding := bleve.NewDocumentStaticMapping()
	metaMappings(finding)
	finding.AddFieldMappingsAt(fText, textMapping(AnalyzerText, true), textMapping(AnalyzerWords, true))
	for _, f := range []string{fKind, fRating, fPrevious, fDirection, fDomain, fSubject, fRegulation, fSpeaker, fTheme} {
		finding.AddFieldMappingsAt(f, kwMapping())
	}
	finding.AddFieldMappingsAt(fFinding, storedMapping())
	im := baseMapping()
	im.AddDocumentMapping(typeFinding, finding)
	im.AddDocumentMapping(typeHead, headMapping())
	return im
}

// pagesMapping maps the pages index: each page's text, analysed by the
// text analyser with term vectors (their positions make phrases exact)
// and by the words analyser without, and without a stored copy (snippets
// re-analyse the text kept once per document, compressed, in a blob
// stored with its first page), and its document's metadata.
func pagesMapping() *mapping.IndexMappingImpl {
	page := bleve.NewDocumentStaticMapping()
	metaMappings(page)
	page.AddFieldMappingsAt(fText, textMapping(AnalyzerText, true), textMapping(AnalyzerWords, false))
	page.AddFieldMappingsAt(fPages, storedMapping())
	im := baseMapping()
	im.AddDocumentMapping(typePage, page)
	im.AddDocumentMapping(typeHead, headMapping())
	return im
}

// Bleve document ids: one record per document (its KindDocument finding),
// one per page, one per other finding. A document's id never contains the
// suffix, so the last '#' splits it.
func recordID(docID string) string         { return docID + "#d" }
func pageID(docID string, page int) string { return docID + "#p" + strconv.Itoa(page) }
func findingID(docID string, i int) string { return docID + "#f" + strconv.Itoa(i) }
func headID(docID string) string           { return docID + "#s" }
func splitID(id string) (docID, suffix string) {
	i := strings.LastIndexByte(id, '#')
	if i < 0 {
		return id, ""
	}
	return id[:i], id[i+1:]
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

// FindingDirection is the change since the last rating of a rating
// finding: Direction of its rating and previous rating, or, when it has
// no previous rating, what its ratings grid's arrow shows (up or up two:
// improved; down or down two: declined; same). It is "" when neither
// tells, and for other kinds.
func FindingDirection(f *extract.Finding) string {
	if f.Kind != extract.KindRating {
		return ""
	}
	if d := Direction(f.Rating, f.Previous); d != "" {
		return d
	}
	switch f.Direction {
	case extract.DirectionUp, extract.DirectionUpTwo:
		return DirectionImproved
	case extract.DirectionDown, extract.DirectionDownTwo:
		return DirectionDeclined
	case extract.DirectionSame:
		return DirectionSame
	}
	return ""
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

// A stored finding is one flag byte, 'a' plus the bits below, then the
// finding's JSON without the parts the index can give back: its document
// id, and (when flagged) its path, provider and text.
const (
	derivedPath     = 1 << iota // Doc is the document's path
	derivedProvider             // Provider is the document's provider
	derivedText                 // Text is page[Start:End]
)

// encodeFinding returns the stored form of f, a finding of d; page gives
// the text of a page of d.
func encodeFinding(d *docEntry, f *extract.Finding, page func(int) (string, bool)) (string, error) {
	g := *f
	bits := 0
	g.DocID = ""
	if g.Doc == d.path {
		g.Doc = ""
		bits |= derivedPath
	}
	if g.Provider != "" && g.Provider == d.provider {
		g.Provider = ""
		bits |= derivedProvider
	}
	if p, ok := page(g.Page); ok && g.Text != "" && g.Start >= 0 && g.Start < g.End && g.End <= len(p) && p[g.Start:g.End] == g.Text {
		g.Text = ""
		bits |= derivedText
	}
	b, err := json.Marshal((*storedFinding)(&g))
	if err != nil {
		return "", fmt.Errorf("encode finding: %w", err)
	}
	return string(rune('a'+bits)) + string(b), nil
}

// decodeFinding reads a stored finding of d; page gives the text of a
// page of d, needed when the finding's text is derived from it.
func decodeFinding(s string, d *docEntry, page func(int) (string, bool)) (*extract.Finding, error) {
	if s == "" {
		return nil, errors.New("stored finding is empty")
	}
	bits := int(s[0]) - 'a'
	var f storedFinding
	if err := json.Unmarshal([]byte(s[1:]), &f); err != nil {
		return nil, fmt.Errorf("decode stored finding: %w", err)
	}
	f.DocID = d.id
	if bits&derivedPath != 0 {
		f.Doc = d.path
	}
	if bits&derivedProvider != 0 {
		f.Provider = d.provider
	}
	if bits&derivedText != 0 {
		p, ok := page(f.Page)
		if !ok || f.Start < 0 || f.End > len(p) || f.Start > f.End {
			return nil, fmt.Errorf("decode stored finding: its page %d is missing", f.Page)
		}
		f.Text = p[f.Start:f.End]
	}
	return (*extract.Finding)(&f), nil
}
