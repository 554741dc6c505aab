package extract

import (
	"strconv"
	"strings"
)

// CSVColumns is the findings contract as CSV: one column per field of
// Finding, in a fixed order. A field that a finding's kind does not have
// is an empty cell, as is an unknown value; themes are joined with ";".
// Columns are only ever added at the end, so a spreadsheet built on an
// older export keeps working.
var CSVColumns = []string{
	"doc", "doc_id", "kind", "page", "start", "end", "text",
	"subject", "domain", "rating", "previous", "regulation", "speaker", "speaker_name",
	"provider", "title", "doc_type", "published", "inspected_from", "inspected_to", "pages", "themes",
	"entity_type",
	"ods_code", "regulator", "direction", "date", "quality_statement", "score", "why",
	"ocr_pages", "ocr_confidence", "ocr_low_pages",
}

// CSVRecord is f as a row in CSVColumns order.
func CSVRecord(f Finding) []string {
	num := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	start := ""
	if f.End > 0 {
		start = strconv.Itoa(f.Start)
	}
	conf, low := "", make([]string, len(f.OCRLowPages))
	if f.OCRPages > 0 {
		conf = strconv.FormatFloat(f.OCRConfidence, 'f', -1, 64)
	}
	for i, n := range f.OCRLowPages {
		low[i] = strconv.Itoa(n)
	}
	return []string{
		f.Doc, f.DocID, string(f.Kind), num(f.Page), start, num(f.End), f.Text,
		f.Subject, f.Domain, f.Rating, f.Previous, f.Regulation, f.Speaker, f.SpeakerName,
		f.Provider, f.Title, f.DocType, f.Published, f.InspectedFrom, f.InspectedTo, num(f.Pages),
		strings.Join(f.Themes, ";"), f.EntityType,
		f.ODSCode, f.Regulator, f.Direction, f.Date, f.QualityStatement, num(f.Score), f.Why,
		num(f.OCRPages), conf, strings.Join(low, ";"),
	}
}
