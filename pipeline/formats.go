package pipeline

import (
	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/extract/docx"
	"github.com/cqcmine/cqcmine/extract/html"
	"github.com/cqcmine/cqcmine/extract/ocr"
	"github.com/cqcmine/cqcmine/extract/pdf"
	"github.com/cqcmine/cqcmine/extract/text"
)

// Extractors returns the extractor for every format cqcmine reads, with
// OCR of scanned pages when Tesseract is installed (ocr.ModeAuto). The
// table is explicit so that adding a format is one line here.
func Extractors() map[extract.Format]extract.Extractor {
	return ExtractorsOCR(ocr.ModeAuto)
}

// ExtractorsOCR is Extractors with OCR in the given mode: it applies to
// PDF pages and image files.
func ExtractorsOCR(mode ocr.Mode) map[extract.Format]extract.Extractor {
	eng := ocr.New(mode)
	return map[extract.Format]extract.Extractor{
		extract.FormatPDF:   pdf.Extractor{OCR: eng},
		extract.FormatHTML:  html.Extractor{},
		extract.FormatDOCX:  docx.Extractor{},
		extract.FormatText:  text.Extractor{},
		extract.FormatImage: ocr.ImageExtractor{Engine: eng},
	}
}
