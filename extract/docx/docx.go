// Package docx extracts the text of Word documents (Office Open XML,
// .docx) as one page numbered 0, and the title from the document's core
// properties.
//
// A .docx file is a zip archive. The main part, word/document.xml (or
// the part _rels/.rels names as the office document), is read as an XML
// stream:
//
//   - each paragraph (w:p) becomes a paragraph, separated by a blank line;
//   - a numbered or bulleted paragraph (w:numPr, or a List style) becomes
//     a line starting with "• ", indented two spaces a level; consecutive
//     items are on consecutive lines;
//   - each table row becomes one line, its cells joined with " | "; the
//     paragraphs of a cell are joined with spaces; a top-level table is
//     also kept as an extract.Table (rows, columns, w:gridSpan and
//     w:vMerge spans, w:tblHeader rows) whose cells point into the text;
//   - w:tab becomes a tab, w:br and w:cr a new line;
//   - deleted text, field codes, hidden (w:vanish) runs and the fallback
//     copies of mc:AlternateContent are skipped.
//
// The title is dc:title of docProps/core.xml. The text goes through
// text.Normalize, like every extractor's.
//
// The archive is read with care: at most maxMembers members, no member
// whose declared size is over Limits.MaxStreamBytes, and never more than
// that many bytes decompressed from any member whatever it declares.
//
// BUG(docx): headers, footers, footnotes, endnotes and comments, which are
// other parts of the archive, are not extracted.
package docx

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"golang.org/x/net/html/charset"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/extract/text"
)

// Extractor extracts DOCX files. The zero value is ready to use.
type Extractor struct{}

var _ extract.Extractor = Extractor{}

// maxMembers bounds the number of members of an archive. Word documents
// have tens; a few thousand images is the most a real one carries.
const maxMembers = 10000

// ctxEvery is how many XML tokens are read between checks of the context.
const ctxEvery = 4096

const (
	mainPartName = "word/document.xml"
	corePartName = "docProps/core.xml"
	relsPartName = "_rels/.rels"
)

// Extract reads the text and title of the document in data.
func (Extractor) Extract(ctx context.Context, data []byte, lim extract.Limits) (*extract.Content, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("docx: %w", err)
	}
	if lim.MaxBytes > 0 && int64(len(data)) > lim.MaxBytes {
		return nil, fmt.Errorf("docx: %d bytes is over the %d-byte limit: %w", len(data), lim.MaxBytes, extract.ErrLimit)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		// Insecure names do not matter: nothing is written to disk.
		return nil, fmt.Errorf("docx: not a zip archive: %w", err)
	}
	if len(zr.File) > maxMembers {
		return nil, fmt.Errorf("docx: %d archive members, over the %d allowed: %w", len(zr.File), maxMembers, extract.ErrLimit)
	}
	a := archive{files: make(map[string]*zip.File, len(zr.File)), lim: lim}
	for _, f := range zr.File {
		if _, dup := a.files[strings.ToLower(f.Name)]; !dup {
			a.files[strings.ToLower(f.Name)] = f
		}
	}

	main, err := a.mainPart(ctx)
	if err != nil {
		return nil, err
	}
	var bd body
	raw, err := a.read(ctx, main, bd.read)
	if err != nil {
		return nil, err
	}
	txt := text.Normalize(raw)
	var title string
	if core := a.files[strings.ToLower(corePartName)]; core != nil {
		title, err = a.read(ctx, core, readTitle)
		if errors.Is(err, extract.ErrLimit) || ctx.Err() != nil {
			return nil, err
		}
		// A damaged core.xml costs only the title.
	}
	return &extract.Content{
		Pages: []extract.Page{{Number: 0, Text: txt, Tables: bd.tables(raw, txt)}},
		Title: text.Normalize(strings.Join(strings.Fields(title), " ")),
	}, nil
}

// archive is an opened .docx: its members by lower-cased name.
type archive struct {
	files map[string]*zip.File
	lim   extract.Limits
}

// mainPart returns the main document part: word/document.xml, else the
// target of the office-document relationship in _rels/.rels.
func (a *archive) mainPart(ctx context.Context) (*zip.File, error) {
	if f := a.files[mainPartName]; f != nil {
		return f, nil
	}
	if rels := a.files[relsPartName]; rels != nil {
		target, err := a.read(ctx, rels, readMainTarget)
		if errors.Is(err, extract.ErrLimit) {
			return nil, err
		}
		if f := a.files[strings.ToLower(strings.TrimPrefix(path.Clean("/"+target), "/"))]; target != "" && f != nil {
			return f, nil
		}
	}
	return nil, fmt.Errorf("docx: %s missing", mainPartName)
}

// read decodes member f with parse, never reading more than the stream
// limit from it.
func (a *archive) read(ctx context.Context, f *zip.File, parse func(context.Context, *xml.Decoder) (string, error)) (string, error) {
	max := a.lim.MaxStreamBytes
	if max > 0 && f.UncompressedSize64 > uint64(max) {
		return "", fmt.Errorf("docx: %s declares %d bytes, over the %d-byte stream limit: %w", f.Name, f.UncompressedSize64, max, extract.ErrLimit)
	}
	rc, err := f.Open()
	if err != nil {
		return "", fmt.Errorf("docx: opening %s: %w", f.Name, err)
	}
	defer rc.Close()
	var r io.Reader = rc
	if max > 0 {
		r = &capReader{r: rc, left: max, name: f.Name, max: max}
	}
	d := xml.NewDecoder(r)
	d.CharsetReader = charset.NewReaderLabel
	s, err := parse(ctx, d)
	if err != nil {
		return "", fmt.Errorf("docx: %s: %w", f.Name, err)
	}
	return s, nil
}

// capReader reads from r and fails, wrapping extract.ErrLimit, once more
// than max bytes have come out of it.
type capReader struct {
	r    io.Reader
	left int64
	name string
	max  int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, c.err()
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n, c.err()
	}
	return n, err
}

func (c *capReader) err() error {
	return fmt.Errorf("more than %d bytes decompressed from %s: %w", c.max, c.name, extract.ErrLimit)
}

// readMainTarget returns the target of the office-document relationship
// in a package relationships part.
func readMainTarget(ctx context.Context, d *xml.Decoder) (string, error) {
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return "", nil
			}
			return "", err
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "Relationship" {
			continue
		}
		if strings.HasSuffix(attr(se, "Type"), "/officeDocument") {
			return attr(se, "Target"), nil
		}
	}
}

// readTitle returns the dc:title of a core properties part.
func readTitle(ctx context.Context, d *xml.Decoder) (string, error) {
	const dcNS = "http://purl.org/dc/elements/1.1/"
	var b strings.Builder
	in := false
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return b.String(), nil
			}
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			in = t.Name.Space == dcNS && t.Name.Local == "title"
		case xml.EndElement:
			if in {
				return b.String(), nil
			}
		case xml.CharData:
			if in {
				b.Write(t)
			}
		}
	}
}

// attr returns the value of se's attribute local, in any namespace.
func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
