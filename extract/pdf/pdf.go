// Package pdf extracts page text from PDF files.
//
// It uses github.com/ledongthuc/pdf (imported as pdflib) to read the file
// structure only: objects, streams, fonts and their CMaps. Text layout is
// rebuilt here from glyph positions: the content streams are interpreted
// with the full text state (Tc, Tw, Tz, TL, Ts, Tm, CTM, q/Q), glyph
// widths come from the fonts (/Widths, CID /W and /DW, Type3 FontMatrix),
// Form XObjects are followed, and spaces, lines, paragraphs and two-column
// reading order are worked out from the positions. Running headers,
// footers and page numbers are dropped, words hyphenated at a line end are
// joined, and ligatures, odd spaces and private-use bullets are
// normalised.
//
// Tables are found on pages that draw boxes or lines, and are returned in
// extract.Page.Tables beside the unchanged page text. The grid comes from
// the graphics: filled rectangles (cell backgrounds; the thin ones that
// browsers draw as borders count as lines) and straight stroked lines,
// with the transformation matrix applied. Edges closer than 2.5 points
// are one edge; edges that cross or touch make one table; the distinct
// edge positions of a table make a fine grid whose neighbouring cells
// are one cell where no edge parts them (a span). Each word goes to the
// cell holding the centre of its box, so a vertically centred cell whose
// first line sits above its row label's baseline is still one cell, and
// its words are joined in reading order. Cell offsets point into the
// page text: words are followed through layout, normalisation and the
// joining of hyphenated words. A cell spanning columns is split again
// where its words keep a column gap on two lines or more. A table needs
// text in two columns. Where graphics give no columns, white space does:
// a stack of three or more horizontal rules across the same width is a
// table whose columns are the strips every word between the rules leaves
// free, and a run of three or more lines, each in three or more chunks
// of words parted by wide gaps that line up, is a table of one row per
// line. Header rows are the top rows of short labels that are
// key-question or requirement-notice column names, or are drawn on a
// colour no lower row uses (a caption row above them counts with them).
// A table at the top of a page with the column boundaries of the table
// that ended the previous page is Continued. Limits: rows that neither
// graphics nor rules separate stay one cell (a column with one
// background for all its rows, a white-space table whose cells wrap over
// several lines); thick strokes (3 points or more) are not edges; header
// rows in other styles are not recognised; text in directions other than
// the page's main one is left out of tables.
//
// Fonts whose codes are CIDs (Identity-H/V) get the text that no ToUnicode
// map gives them from the embedded font program (sfnt.go, cff.go).
//
// Every call into the library runs under recover: a page that cannot be
// read is left empty and the rest of the document is kept. Files the
// library rejects although they are readable (a PDF 2.0 or otherwise odd
// header, junk before the header, a broken cross-reference table) are
// repaired in memory before giving up. A document whose pages carry
// (almost) no text returns *extract.NeedsOCRError.
//
// Encrypted files that open with an empty password (RC4 and AES of the
// standard security handler, revisions 2 to 6) are decrypted into a plain
// copy first. Limits: stream filters other than Flate and ASCII85, and
// predefined CJK CMaps are not supported. A stream that asks for a huge allocation can still
// exhaust memory inside the library; callers that read untrusted files
// should run the extractor in a child process with a memory cap.
package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	pdflib "github.com/ledongthuc/pdf"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/extract/ocr"
)

// Extractor reads PDF files. The zero value is ready to use.
type Extractor struct {
	// KeepFurniture keeps running headers, footers and page numbers.
	KeepFurniture bool
	// OCR recognises pages without a text layer (see scan.go); nil
	// leaves them empty, and a document with no text at all needs OCR.
	OCR *ocr.Engine
}

var _ extract.Extractor = Extractor{}

// pageRef is one leaf of the page tree with its inherited attributes.
type pageRef struct {
	v   pdflib.Value
	res pdflib.Value
	box [4]float64
	err error // the page could not be loaded
}

// Extract returns the text of each page of the PDF in data.
func (e Extractor) Extract(ctx context.Context, data []byte, lim extract.Limits) (*extract.Content, error) {
	if lim.MaxBytes > 0 && int64(len(data)) > lim.MaxBytes {
		return nil, fmt.Errorf("pdf: file of %d bytes exceeds %d: %w", len(data), lim.MaxBytes, extract.ErrLimit)
	}
	if lim.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, lim.Timeout)
		defer cancel()
	}
	fixed := fixHeader(data)
	if encrypted(fixed) {
		dec, err := decryptPDF(ctx, fixed)
		switch {
		case err == nil:
			fixed = dec
		case errors.Is(err, errPassword), ctx.Err() != nil:
			return nil, fmt.Errorf("pdf: open: %w", err)
		}
		// Otherwise the library has its own try.
	}
	c, err := e.extract(ctx, fixed, lim)
	if needsClean(err) {
		if cl, cerr := cleanPDF(ctx, fixed); cerr == nil {
			if c2, err2 := e.extract(ctx, cl, lim); err2 == nil || extract.IsNeedsOCR(err2) {
				return c2, err2
			}
		}
	}
	return c, err
}

// extract reads a file whose header is fixed and which is not encrypted
// (any more).
func (e Extractor) extract(ctx context.Context, fixed []byte, lim extract.Limits) (*extract.Content, error) {
	var r *pdflib.Reader
	var openErr error
	switch {
	case !saneXref(fixed):
		openErr = errors.New("cross-reference table declares too many objects")
	case prevLoop(fixed):
		openErr = errors.New("cross-reference /Prev chain loops")
	case extendsLoop(fixed):
		openErr = errors.New("object stream /Extends chain loops")
	default:
		r, openErr = openReader(ctx, fixed)
	}
	rebuilt := false
	if openErr != nil {
		if !repairable(openErr) {
			return nil, fmt.Errorf("pdf: open: %w", openErr)
		}
		rb := rebuildXref(fixed)
		if rb == nil {
			return nil, fmt.Errorf("pdf: open: %w", openErr)
		}
		var err error
		if r, err = openReader(ctx, rb); err != nil {
			return nil, fmt.Errorf("pdf: open: %w (after rebuilding the cross-reference table: %v)", openErr, err)
		}
		rebuilt = true
	}
	probe := pageProbe(lim.MaxPages) // one page past the limit shows a cut
	pages, walkErr := walkPages(r, probe)
	if !rebuilt && (walkErr != nil || len(pages) == 0 || brokenPages(pages)) {
		if rb := rebuildXref(fixed); rb != nil {
			if r2, err := openReader(ctx, rb); err == nil {
				if p2, err2 := walkPages(r2, probe); err2 == nil && len(p2) >= len(pages) {
					r, pages, walkErr = r2, p2, nil
				}
			}
		}
	}
	if len(pages) == 0 {
		if r2, p2 := scanPages(ctx, fixed, probe); len(p2) > 0 {
			r, pages = r2, p2
		}
	}
	if len(pages) == 0 {
		if walkErr != nil {
			return nil, fmt.Errorf("pdf: page tree: %w", walkErr)
		}
		return nil, errors.New("pdf: document has no pages")
	}
	pages, cut := cutPages(r, pages, lim.MaxPages)

	doc := &docState{
		fonts:  make(map[uint64]*font),
		forms:  make(map[uint64][]byte),
		maxStr: lim.MaxStreamBytes,
	}
	all := make([][]line, len(pages))
	gfx := make([]pageGraphics, len(pages))
	var firstErr error
	failed := 0
	for i, p := range pages {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("pdf: page %d: %w", i+1, err)
		}
		lines, g, err := doc.page(p)
		if err != nil {
			if errors.Is(err, extract.ErrLimit) {
				return nil, fmt.Errorf("pdf: page %d: %w", i+1, err)
			}
			if len(lines) == 0 {
				failed++
				if firstErr == nil {
					firstErr = fmt.Errorf("pdf: page %d: %w", i+1, err)
				}
			}
		}
		all[i], gfx[i] = lines, g
	}
	if failed == len(pages) && firstErr != nil {
		return nil, firstErr
	}
	alnum := 0
	for _, lines := range all {
		for _, l := range lines {
			for _, ch := range l.text {
				if unicode.IsLetter(ch) || unicode.IsDigit(ch) {
					alnum++
				}
			}
		}
	}
	scan := e.recognise(ctx, fixed, pages, all, gfx, alnum < 4*len(pages))
	if alnum < 4*len(pages) && scan.found == 0 {
		return nil, scan.needsOCR(ctx, len(pages))
	}
	if !e.KeepFurniture {
		removeFurniture(all)
	}
	c := &extract.Content{Pages: make([]extract.Page, len(pages)), Title: title(r), Cut: cut}
	var ts tableState
	for i, lines := range all {
		if !gfx[i].words {
			c.Pages[i] = extract.Page{Number: i + 1, Text: joinLines(lines, nil)}
			ts.lastXs = nil
			continue
		}
		offs := make([]int, len(lines))
		text := joinLines(lines, offs)
		c.Pages[i] = extract.Page{Number: i + 1, Text: text, Tables: pageTables(lines, offs, text, gfx[i], &ts)}
	}
	scan.mark(c)
	return c, nil
}

// brokenPages reports whether most pages failed to load, a sign of a bad
// cross-reference table.
func brokenPages(pages []pageRef) bool {
	bad := 0
	for _, p := range pages {
		if p.err != nil {
			bad++
		}
	}
	return bad > 0 && bad*2 >= len(pages)
}

// newReader opens data with the library, turning its panics into errors.
func newReader(data []byte) (*pdflib.Reader, error) {
	return openReader(context.Background(), data)
}

// openReader opens data with the library, turning its panics into
// errors. Every later read of the file stops once ctx is done.
func openReader(ctx context.Context, data []byte) (r *pdflib.Reader, err error) {
	defer func() {
		if x := recover(); x != nil {
			r, err = nil, fmt.Errorf("%v", x)
		}
	}()
	return pdflib.NewReader(ctxReaderAt{ctx, bytes.NewReader(data)}, int64(len(data)))
}

// repairable reports whether an open error may go away with a rebuilt
// cross-reference table (it will not for encryption problems).
func repairable(err error) bool {
	s := err.Error()
	return !strings.Contains(s, "encrypt") && !strings.Contains(s, "password") && !strings.Contains(s, "invalid header")
}

// fixHeader returns data with a header the library accepts: it wants
// "%PDF-1.[0-7]" and a line end at offset 0. PDF 2.0, a trailing space
// and junk before the header are all readable files. The input is copied
// only when it has to change.
func fixHeader(data []byte) []byte {
	head := data[:min(len(data), 1024)]
	i := bytes.Index(head, []byte("%PDF-"))
	if i < 0 {
		return data
	}
	ok := func(b []byte) bool {
		return len(b) > 9 && b[5] == '1' && b[6] == '.' && b[7] >= '0' && b[7] <= '7' && (b[8] == '\n' || b[8] == '\r')
	}
	if i == 0 && ok(data) {
		return data
	}
	if len(data) < 16 {
		return data
	}
	out := make([]byte, len(data))
	copy(out, data)
	if i > 0 && i < 9 {
		out = out[i:] // too little room to keep offsets: assume they count from the header
	}
	// Overwrite the first line, keeping every later offset in place: the
	// old header (and any junk) becomes part of a comment line.
	copy(out, "%PDF-1.7\n")
	if i >= 9 && out[9] != '%' {
		out[9] = '%'
	}
	return out
}

// walkPages collects the leaves of the page tree, guarding against
// cycles, and stops after max pages (0: no limit).
func walkPages(r *pdflib.Reader, max int) (pages []pageRef, err error) {
	defer func() {
		if x := recover(); x != nil {
			err = fmt.Errorf("%v", x)
		}
	}()
	root := r.Trailer().Key("Root")
	if root.Kind() != pdflib.Dict {
		return nil, errors.New("no document catalog")
	}
	top := root.Key("Pages")
	if top.Kind() != pdflib.Dict {
		return nil, errors.New("no page tree")
	}
	visited := make(map[uint64]bool)
	nodes := 0
	var walk func(node pdflib.Value, res pdflib.Value, box [4]float64, depth int)
	walk = func(node pdflib.Value, res pdflib.Value, box [4]float64, depth int) {
		if depth > 64 || nodes > 1_000_000 || (max > 0 && len(pages) >= max) {
			return
		}
		nodes++
		if id, ok := objID(node); ok {
			if visited[id] {
				return
			}
			visited[id] = true
		}
		if v := node.Key("Resources"); v.Kind() == pdflib.Dict {
			res = v
		}
		if mb := node.Key("MediaBox"); mb.Len() == 4 {
			for i := range box {
				box[i] = mb.Index(i).Float64()
			}
			if box[0] > box[2] {
				box[0], box[2] = box[2], box[0]
			}
			if box[1] > box[3] {
				box[1], box[3] = box[3], box[1]
			}
		}
		kids := node.Key("Kids")
		typ := node.Key("Type").Name()
		if typ == "Page" || (typ != "Pages" && kids.Kind() != pdflib.Array) {
			pages = append(pages, pageRef{v: node, res: res, box: box})
			return
		}
		for i := 0; i < kids.Len(); i++ {
			if max > 0 && len(pages) >= max {
				return
			}
			func() {
				defer func() {
					if x := recover(); x != nil {
						pages = append(pages, pageRef{err: fmt.Errorf("loading page: %v", x)})
					}
				}()
				kid := kids.Index(i)
				if kid.Kind() != pdflib.Dict {
					return
				}
				walk(kid, res, box, depth+1)
			}()
		}
	}
	walk(top, pdflib.Value{}, [4]float64{0, 0, 612, 792}, 0)
	return pages, nil
}

// page extracts the lines of one page and, when it draws what may be
// tables, the graphics to find them from.
func (d *docState) page(p pageRef) (lines []line, g pageGraphics, err error) {
	if p.err != nil {
		return nil, g, p.err
	}
	defer func() {
		if x := recover(); x != nil {
			err = fmt.Errorf("%v", x)
		}
	}()
	in := &interp{doc: d}
	data, cerr := in.contents(p.v)
	if errors.Is(cerr, extract.ErrLimit) {
		return nil, g, cerr
	}
	rerr := in.run(data, p.res, identity)
	// Words are followed through layout only where the graphics may
	// make tables (or, found by pageLines, the text is aligned as one).
	g = pageGrids(in.shapes, p.box, mainDir(in.glyphs))
	track := len(g.grids) > 0 || len(g.stacks) > 0
	lines, _, g.words = pageLines(in.glyphs, p.box, track)
	switch {
	case rerr != nil:
		return lines, g, rerr
	case cerr != nil && len(in.glyphs) == 0:
		return nil, g, cerr
	case in.err != nil && len(in.glyphs) == 0:
		return nil, g, in.err
	}
	return lines, g, nil
}

// title returns the document title from the Info dictionary.
func title(r *pdflib.Reader) (t string) {
	defer func() {
		if recover() != nil {
			t = ""
		}
	}()
	t = r.Trailer().Key("Info").Key("Title").Text()
	t = strings.Join(strings.Fields(normalize(t)), " ")
	return t
}

var pageNumberRE = regexp.MustCompile(`(?i)^(?:(?:page|p\.|pg\.?)\s*)?(?:\d{1,4}|[ivxlc]{1,7})(?:\s*(?:of|/)\s*\d{1,4})?$|^[-–—]\s*\d{1,4}\s*[-–—]$`)

// furnitureKey is the text of a line with numbers masked, so that "Page 3
// of 9" and "Page 4 of 9" match.
func furnitureKey(s string) string {
	var b strings.Builder
	digit := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsDigit(r) {
			if !digit {
				b.WriteByte('#')
			}
			digit = true
			continue
		}
		digit = false
		if unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// removeFurniture drops page numbers and lines that repeat at the top or
// bottom of most pages.
func removeFurniture(pages [][]line) {
	counts := make(map[string]int)
	for _, lines := range pages {
		seen := make(map[string]bool)
		for i := range lines {
			l := &lines[i]
			if l.zone == 0 || l.brk {
				continue
			}
			if pageNumberRE.MatchString(strings.TrimSpace(l.text)) {
				l.gone = true
				continue
			}
			k := furnitureKey(l.text)
			if k != "" && !seen[k] {
				seen[k] = true
				counts[k]++
			}
		}
	}
	if len(pages) < 2 {
		return
	}
	need := max(2, (len(pages)+1)/2)
	for _, lines := range pages {
		for i := range lines {
			l := &lines[i]
			if l.zone != 0 && !l.brk && counts[furnitureKey(l.text)] >= need {
				l.gone = true
			}
		}
	}
}
