package pipeline

import (
	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/extract/docx"
	"github.com/cqcmine/cqcmine/extract/html"
	"github.com/cqcmine/cqcmine/extract/pdf"
	"github.com/cqcmine/cqcmine/extract/text"
)

// Extractors returns the extractor for every format cqcmine reads. The
// table is explicit so that adding a format is one line here.
func Extractors() map[extract.Format]extract.Extractor {
	return map[extract.Format]extract.Extractor{
		extract.FormatPDF:  pdf.Extractor{},
		extract.FormatHTML: html.Extractor{},
		extract.FormatDOCX: docx.Extractor{},
		extract.FormatText: text.Extractor{},
	}
}
