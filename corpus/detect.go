package corpus

import (
	"archive/zip"
	"bytes"
)

// Format is a document's file format, detected from its content.
type Format string

// The formats cqcmine reads.
const (
	FormatUnknown Format = ""
	FormatPDF     Format = "pdf"
	FormatHTML    Format = "html"
	FormatDOCX    Format = "docx"
	FormatText    Format = "text"
	// FormatImage is a scanned page or photograph (PNG, JPEG, TIFF): its
	// text is recognised by OCR.
	FormatImage Format = "image"
)

// Detect tells a document's format from its bytes. It returns
// FormatUnknown for content cqcmine does not read (other image formats,
// other archives, binary files).
func Detect(data []byte) Format {
	head := data
	if len(head) > 1024 {
		head = head[:1024]
	}
	// PDF readers accept junk before the header within the first KiB.
	if bytes.Contains(head, []byte("%PDF-")) {
		return FormatPDF
	}
	if isImage(data) {
		return FormatImage
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		if isDOCX(data) {
			return FormatDOCX
		}
		return FormatUnknown
	}
	text := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	text = bytes.TrimLeft(text, " \t\r\n")
	if looksHTML(text) {
		return FormatHTML
	}
	if isText(data) {
		return FormatText
	}
	return FormatUnknown
}

// isImage reports a PNG, JPEG or TIFF file by its signature.
func isImage(data []byte) bool {
	for _, sig := range []string{"\x89PNG\r\n\x1a\n", "\xff\xd8\xff", "II*\x00", "MM\x00*"} {
		if bytes.HasPrefix(data, []byte(sig)) {
			return true
		}
	}
	return false
}

func isDOCX(data []byte) bool {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			return true
		}
	}
	return false
}

var htmlStarts = [][]byte{
	[]byte("<!doctype html"), []byte("<html"), []byte("<head"), []byte("<body"),
	[]byte("<meta"), []byte("<title"),
}

func looksHTML(head []byte) bool {
	lower := bytes.ToLower(head)
	// Skip an XML declaration or comments before the root element.
	for bytes.HasPrefix(lower, []byte("<?xml")) || bytes.HasPrefix(lower, []byte("<!--")) {
		end := []byte("?>")
		if bytes.HasPrefix(lower, []byte("<!--")) {
			end = []byte("-->")
		}
		i := bytes.Index(lower, end)
		if i < 0 {
			return false
		}
		lower = bytes.TrimLeft(lower[i+len(end):], " \t\r\n")
	}
	for _, s := range htmlStarts {
		if bytes.HasPrefix(lower, s) {
			return true
		}
	}
	return false
}

// isText reports whether data reads as text: valid UTF-8, or a single-byte
// encoding (Windows-1252) with no control bytes but tab, line ends and
// form feed.
func isText(data []byte) bool {
	sample := data
	if len(sample) > 64<<10 {
		sample = sample[:64<<10]
	}
	if len(sample) == 0 {
		return true
	}
	ctrl := 0
	for _, c := range sample {
		if c == 0 {
			return false
		}
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' {
			ctrl++
		}
	}
	if ctrl*100 > len(sample) {
		return false
	}
	// Valid UTF-8 or single-byte text: the text extractor decodes the
	// latter as Windows-1252.
	return true
}
