// Package extract holds cqcmine's data model: a Document is the text of one
// input file, page by page, and a Finding is one piece of evidence tagged in
// it (a rating, a must-do or should-do action, a quote, ...).
//
// Format-specific extractors live in the sub-packages extract/pdf,
// extract/html, extract/docx and extract/text; each turns the bytes of one
// file into Content. The taggers in extract/tag turn a Document into
// Findings. Nothing in this package does I/O.
package extract

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/cqcmine/cqcmine/corpus"
)

// Format is a document's file format, as corpus.Detect tells it.
type Format = corpus.Format

// The formats cqcmine reads.
const (
	FormatUnknown = corpus.FormatUnknown
	FormatPDF     = corpus.FormatPDF
	FormatHTML    = corpus.FormatHTML
	FormatDOCX    = corpus.FormatDOCX
	FormatText    = corpus.FormatText
	FormatImage   = corpus.FormatImage
)

// Page is the text of one page. Number is 1-based; it is 0 for formats
// that have no pages (HTML, DOCX, plain text), whose whole text is one Page.
type Page struct {
	Number int    `json:"number"`
	Text   string `json:"text"`
	// Tables are the tables found on the page, in reading order. They are
	// an addition to Text, which stays the page's full text: each cell
	// points into Text by byte offsets.
	Tables []Table `json:"tables,omitempty"`
	// OCR reports text recognised from a scan of the page (see
	// extract/ocr), and Confidence is then the recogniser's mean word
	// confidence, 0–100.
	OCR        bool    `json:"ocr,omitempty"`
	Confidence float64 `json:"confidence,omitempty"`
}

// Table is one table on a page: a ratings grid, a requirement-notice
// table, any ruled or aligned grid of cells.
type Table struct {
	// Rows and Cols are the table's size in grid positions; a cell may
	// span several.
	Rows int `json:"rows"`
	Cols int `json:"cols"`
	// HeaderRows is how many rows at the top are column headers.
	HeaderRows int `json:"header_rows,omitempty"`
	// Continued reports a table that runs on from the previous page: its
	// first rows continue the last table there and it repeats no header,
	// or repeats the header of the table it continues.
	Continued bool `json:"continued,omitempty"`
	// Start and End are the byte span in the page text that the table's
	// cells cover.
	Start int `json:"start"`
	End   int `json:"end"`
	// Cells in row-major order, each once (a spanning cell sits at its
	// top-left position).
	Cells []Cell `json:"cells"`
}

// Cell is one cell of a Table.
type Cell struct {
	Row     int `json:"row"`
	Col     int `json:"col"`
	RowSpan int `json:"row_span,omitempty"` // 0 or 1: one row
	ColSpan int `json:"col_span,omitempty"` // 0 or 1: one column
	// Text is the cell's text, its lines joined by single spaces; it may
	// differ from Text[Start:End] where the page text interleaves the cell
	// with its neighbours (vertically centred cells).
	Text string `json:"text"`
	// Start and End are the byte offsets in the page text from the first
	// to the last byte of the cell's text; both 0 when the cell is empty.
	Start int `json:"start"`
	End   int `json:"end"`
}

// LabelRow reports whether the table's first row is a row of short labels
// ("Regulated activity | Regulation", "Service | Rating") above at least
// one more row: two or more cells, each at most four words, none a
// sentence, a number or a rating. Extractors that cannot tell header rows
// from markup use it.
func (t *Table) LabelRow() bool {
	if t.Rows < 2 {
		return false
	}
	n := 0
	for _, c := range t.Cells {
		if c.Row != 0 || c.Text == "" {
			continue
		}
		l := strings.ToLower(strings.Trim(c.Text, " *:"))
		if len(strings.Fields(l)) > 4 || len(l) > 40 || strings.HasSuffix(l, ".") || strings.IndexFunc(l, unicode.IsLetter) < 0 {
			return false
		}
		switch l {
		case "good", "outstanding", "inadequate", "requires improvement", "not rated", "yes", "no":
			return false
		}
		n++
	}
	return n >= 2
}

// SetText gives cell c the page text text[s:e] (e > s) and widens the
// table's span to cover it. A table whose End is 0 covers nothing yet.
func (t *Table) SetText(c *Cell, text string, s, e int) {
	c.Start, c.End, c.Text = s, e, text[s:e]
	if t.End == 0 || s < t.Start {
		t.Start = s
	}
	t.End = max(t.End, e)
}

// At returns the cell covering row r and column c, or nil.
func (t *Table) At(r, c int) *Cell {
	for i := range t.Cells {
		x := &t.Cells[i]
		rs, cs := max(x.RowSpan, 1), max(x.ColSpan, 1)
		if r >= x.Row && r < x.Row+rs && c >= x.Col && c < x.Col+cs {
			return x
		}
	}
	return nil
}

// Content is what an Extractor gets out of a file.
type Content struct {
	Pages []Page `json:"pages"`
	// Title is the document's own title (PDF Info, HTML <title>, DOCX core
	// properties), when it has one.
	Title string `json:"title,omitempty"`
	// Cut is set when a limit stopped the extractor before the end of the
	// document: Pages are then only its first part.
	Cut *Cut `json:"cut,omitempty"`
}

// Cut says how a limit shortened a document's content.
type Cut struct {
	// Limit names the limit in words ("page limit").
	Limit string `json:"limit"`
	// Unit is what was counted ("pages").
	Unit string `json:"unit"`
	// Kept of Total units were extracted; Total is 0 when the document
	// does not say how many it has (more than Kept).
	Kept  int `json:"kept"`
	Total int `json:"total,omitempty"`
}

// String is the cut as a report gives it: "first 5000 of 10000 pages
// (page limit)".
func (c *Cut) String() string {
	if c.Total > c.Kept {
		return fmt.Sprintf("first %d of %d %s (%s)", c.Kept, c.Total, c.Unit, c.Limit)
	}
	return fmt.Sprintf("first %d of more than %d %s (%s)", c.Kept, c.Kept, c.Unit, c.Limit)
}

// Paged reports whether the content has real page numbers.
func (c *Content) Paged() bool {
	return len(c.Pages) > 0 && c.Pages[0].Number > 0
}

// OCRConfidenceFloor is the mean word confidence below which a page's
// recognised text is flagged as doubtful (see extract/ocr).
const OCRConfidenceFloor = 70.0

// OCRSummary counts the pages whose text was recognised from a scan and
// returns the mean confidence of those that gave text and the numbers of
// those below OCRConfidenceFloor (a blank scanned page is neither).
func (c *Content) OCRSummary() (pages int, confidence float64, low []int) {
	n := 0
	for _, p := range c.Pages {
		if !p.OCR {
			continue
		}
		pages++
		if strings.TrimSpace(p.Text) == "" {
			continue
		}
		n++
		confidence += p.Confidence
		if p.Confidence < OCRConfidenceFloor {
			low = append(low, p.Number)
		}
	}
	if n > 0 {
		confidence /= float64(n)
	}
	return pages, confidence, low
}

// Text returns the whole text, pages separated by form feeds.
func (c *Content) Text() string {
	n := 0
	for _, p := range c.Pages {
		n += len(p.Text) + 1
	}
	b := make([]byte, 0, n)
	for i, p := range c.Pages {
		if i > 0 {
			b = append(b, '\f')
		}
		b = append(b, p.Text...)
	}
	return string(b)
}

// Document is one input file and its extracted content.
type Document struct {
	// Path is the file's path as found on disk (or its name in an
	// embedded corpus).
	Path string
	// ID is the lower-case hex SHA-256 of the file's bytes.
	ID     string
	Format Format
	Size   int64
	Content
}

// Limits bound the work spent on one document. A zero field means no limit.
type Limits struct {
	// MaxBytes is the largest input file read.
	MaxBytes int64
	// MaxPages is the largest page count extracted.
	MaxPages int
	// MaxStreamBytes bounds the decompressed size of any one stream (PDF
	// content streams, DOCX zip members): it stops decompression bombs.
	// Text is small: 64 MiB of page content is tens of thousands of pages.
	MaxStreamBytes int64
	// Timeout bounds the time spent on one document.
	Timeout time.Duration
}

// DefaultLimits are the limits used when none are given.
var DefaultLimits = Limits{
	MaxBytes:       512 << 20,
	MaxPages:       5000,
	MaxStreamBytes: 64 << 20,
	Timeout:        2 * time.Minute,
}

// Extractor turns the bytes of one file into page text. Implementations
// must honour ctx and lim, and return an error rather than panic on bad
// input; the pipeline recovers panics anyway.
type Extractor interface {
	Extract(ctx context.Context, data []byte, lim Limits) (*Content, error)
}

// NeedsOCRError reports a document that has pages but no text layer (a
// scan). It is a status, not a crash: the pipeline records it as needs-ocr.
type NeedsOCRError struct {
	Pages int
	// Reason says why OCR did not run (Tesseract missing: how to
	// install it; OCR turned off).
	Reason string
}

func (e *NeedsOCRError) Error() string {
	s := fmt.Sprintf("no text layer on any of %d pages: needs OCR", e.Pages)
	if e.Pages == 1 {
		s = "no text layer on its page: needs OCR"
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// ErrLimit is wrapped by errors that report an exceeded Limits field.
var ErrLimit = errors.New("limit exceeded")

// IsNeedsOCR reports whether err says the document needs OCR.
func IsNeedsOCR(err error) bool {
	var e *NeedsOCRError
	return errors.As(err, &e)
}
