package index

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"sync"

	"github.com/cqcmine/cqcmine/extract"
)

// Each indexed document has a summary, stored in a head document in each
// bleve index (so that it commits atomically with the bleve documents it
// describes) and loaded into memory at Open: its record's metadata and, per
// finding and page, the values the filters and facets use. The in-memory
// form is a table of rows, one per bleve document, found by the serial
// number each bleve document carries as a doc value.

// Column numbers of the single-valued facet fields, in FacetFields order;
// theme, the last facet, is multi-valued and kept apart.
const (
	cKind = iota
	cRating
	cPrevious
	cDirection
	cDomain
	cSubject
	cProvider
	cDocType
	cYear
	cRegulation
	cSpeaker
	nSingle
	cTheme = nSingle
)

// docEntry is one committed (or queued) document.
type docEntry struct {
	id        string
	path      string
	title     string
	provider  string
	docType   string
	published string
	pageCount int
	// ord is the document's place in table.dlist, 0 until its rows are
	// in the table.
	ord uint32

	// Rows in the findings table: the record and the other findings,
	// fCount rows from fSerial. nums[i] is the finding number of row
	// fSerial+i in its bleve id (-1 for the record).
	fSerial uint32
	nums    []int32
	// Rows in the pages table: one per page, from pSerial.
	pSerial uint32
	pages   []int32
}

// bleveIDs returns the ids of the document's bleve documents: in the
// findings index and in the pages index.
func (d *docEntry) bleveIDs() (findings, pages []string) {
	for _, n := range d.nums {
		if n < 0 {
			findings = append(findings, recordID(d.id))
		} else {
			findings = append(findings, findingID(d.id, int(n)))
		}
	}
	for _, p := range d.pages {
		pages = append(pages, pageID(d.id, int(p)))
	}
	return findings, pages
}

// findingCols is the summary of one finding: its facet values and page.
type findingCols struct {
	num    int32
	page   int32
	vals   [nSingle]string // doc_type and year unused here
	themes []string
}

// findingsSummary is the summary kept in the findings index.
type findingsSummary struct {
	entry    docEntry // id, metadata, fSerial, nums
	findings []findingCols
}

// pagesSummary is the summary kept in the pages index.
type pagesSummary struct {
	provider, docType, published string
	pSerial                      uint32
	pages                        []int32
}

// Summary encoding: a version byte, then uvarints and length-prefixed
// strings. Version 3 added the direction column.
const summaryVersion = 3

type enc struct{ b []byte }

func (e *enc) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) int(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *enc) str(s string)  { e.uint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *enc) strs(s []string) {
	e.uint(uint64(len(s)))
	for _, x := range s {
		e.str(x)
	}
}

type dec struct {
	b   []byte
	err error
}

var errShort = errors.New("summary truncated")

func (d *dec) uint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err, d.b = errShort, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) int() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err, d.b = errShort, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) str() string {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.err, d.b = errShort, nil
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *dec) strs() []string {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.err, d.b = errShort, nil
		return nil
	}
	out := make([]string, 0, n)
	for range n {
		out = append(out, d.str())
	}
	return out
}

// summaryCols are the columns a findings summary keeps per finding.
var summaryCols = []int{cKind, cRating, cPrevious, cDirection, cDomain, cSubject, cProvider, cRegulation, cSpeaker}

// encode writes the document's metadata, then a table of the distinct
// values its findings use, then each finding as numbers into that table.
func (s *findingsSummary) encode() []byte {
	e := &enc{b: []byte{summaryVersion}}
	d := &s.entry
	for _, x := range []string{d.path, d.title, d.provider, d.docType, d.published} {
		e.str(x)
	}
	e.uint(uint64(d.pageCount))
	e.uint(uint64(d.fSerial))
	strs := map[string]uint64{"": 0}
	table := []string{""}
	ref := func(v string) uint64 {
		i, ok := strs[v]
		if !ok {
			i = uint64(len(table))
			strs[v] = i
			table = append(table, v)
		}
		return i
	}
	body := &enc{}
	for i := range s.findings {
		f := &s.findings[i]
		body.int(int64(f.num))
		body.int(int64(f.page))
		for _, c := range summaryCols {
			body.uint(ref(f.vals[c]))
		}
		body.uint(uint64(len(f.themes)))
		for _, th := range f.themes {
			body.uint(ref(th))
		}
	}
	e.uint(uint64(len(s.findings)))
	e.strs(table[1:])
	e.b = append(e.b, body.b...)
	return e.b
}

// scanFindingsSummary decodes a findings summary: it returns the document
// and calls fn per finding with the summary's table of values, the
// finding's number and page, and the table indexes of its column values
// (in summaryCols order) and themes, valid during the call. The document
// passed to fn has its metadata and serials but not yet all its numbers.
func scanFindingsSummary(id string, b []byte, fn func(d *docEntry, i int, table []string, num, page int32, refs []uint64, themes []uint64) error) (*docEntry, error) {
	if len(b) == 0 || b[0] != summaryVersion {
		return nil, fmt.Errorf("summary of %s: unknown encoding", id)
	}
	dd := &dec{b: b[1:]}
	d := &docEntry{id: id}
	for _, p := range []*string{&d.path, &d.title, &d.provider, &d.docType, &d.published} {
		*p = dd.str()
	}
	d.pageCount = int(dd.uint())
	d.fSerial = uint32(dd.uint())
	n := dd.uint()
	table := append([]string{""}, dd.strs()...)
	if n > uint64(len(dd.b)) {
		return nil, fmt.Errorf("summary of %s: %w", id, errShort)
	}
	d.nums = make([]int32, n)
	refs := make([]uint64, len(summaryCols))
	var themes []uint64
	for i := range d.nums {
		num := int32(dd.int())
		page := int32(dd.int())
		for j := range refs {
			refs[j] = dd.uint()
		}
		nt := dd.uint()
		if nt > uint64(len(dd.b)) {
			return nil, fmt.Errorf("summary of %s: %w", id, errShort)
		}
		themes = themes[:0]
		for range nt {
			themes = append(themes, dd.uint())
		}
		if dd.err != nil {
			break
		}
		for _, r := range refs {
			if r >= uint64(len(table)) {
				return nil, fmt.Errorf("summary of %s: value %d out of range", id, r)
			}
		}
		for _, r := range themes {
			if r >= uint64(len(table)) {
				return nil, fmt.Errorf("summary of %s: value %d out of range", id, r)
			}
		}
		d.nums[i] = num
		if err := fn(d, i, table, num, page, refs, themes); err != nil {
			return nil, err
		}
	}
	if dd.err != nil {
		return nil, fmt.Errorf("summary of %s: %w", id, dd.err)
	}
	return d, nil
}

// findingsSerials reads the first serial and the number of findings of a
// findings summary.
func findingsSerials(id string, b []byte) (first, n uint32, err error) {
	if len(b) == 0 || b[0] != summaryVersion {
		return 0, 0, fmt.Errorf("summary of %s: unknown encoding", id)
	}
	dd := &dec{b: b[1:]}
	for range 5 {
		dd.str()
	}
	dd.uint()
	first = uint32(dd.uint())
	n = uint32(dd.uint())
	if dd.err != nil {
		return 0, 0, fmt.Errorf("summary of %s: %w", id, dd.err)
	}
	return first, n, nil
}

func decodeFindingsSummary(id string, b []byte) (*findingsSummary, error) {
	s := &findingsSummary{}
	d, err := scanFindingsSummary(id, b, func(_ *docEntry, _ int, table []string, num, page int32, refs, themes []uint64) error {
		c := findingCols{num: num, page: page}
		for j, col := range summaryCols {
			c.vals[col] = table[refs[j]]
		}
		for _, th := range themes {
			c.themes = append(c.themes, table[th])
		}
		s.findings = append(s.findings, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.entry = *d
	return s, nil
}

func (s *pagesSummary) encode() []byte {
	e := &enc{b: []byte{summaryVersion}}
	e.str(s.provider)
	e.str(s.docType)
	e.str(s.published)
	e.uint(uint64(s.pSerial))
	e.uint(uint64(len(s.pages)))
	for _, p := range s.pages {
		e.int(int64(p))
	}
	return e.b
}

func decodePagesSummary(id string, b []byte) (*pagesSummary, error) {
	if len(b) == 0 || b[0] != summaryVersion {
		return nil, fmt.Errorf("page summary of %s: unknown encoding", id)
	}
	dd := &dec{b: b[1:]}
	s := &pagesSummary{provider: dd.str(), docType: dd.str(), published: dd.str(), pSerial: uint32(dd.uint())}
	n := dd.uint()
	if n > uint64(len(dd.b)) {
		return nil, fmt.Errorf("page summary of %s: %w", id, errShort)
	}
	s.pages = make([]int32, n)
	for i := range s.pages {
		s.pages[i] = int32(dd.int())
	}
	if dd.err != nil {
		return nil, fmt.Errorf("page summary of %s: %w", id, dd.err)
	}
	return s, nil
}

// dateKey turns a contract date into yyyymmdd, 0 when it does not parse,
// and returns its year.
func dateKey(published string) (key, year int32) {
	t := parsePublished(published)
	if t == nil {
		return 0, 0
	}
	y := int32(t.Year())
	return y*10000 + int32(t.Month())*100 + int32(t.Day()), y
}

// Page texts are stored once per document, in the pages index, as one
// blob: a uvarint page count, then per page its number (varint), the
// length of its compressed text (uvarint) and the text compressed with
// DEFLATE, each page apart so that a snippet decompresses one page.

var flatePool = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(io.Discard, flate.BestSpeed)
	return w
}}

// inflater is a reusable DEFLATE reader.
type inflater struct {
	r   io.ReadCloser
	src bytes.Reader
	buf bytes.Buffer
}

var inflatePool = sync.Pool{New: func() any { return &inflater{} }}

// inflate decompresses comp.
func inflate(comp []byte) (string, error) {
	z := inflatePool.Get().(*inflater)
	defer inflatePool.Put(z)
	z.src.Reset(comp)
	if z.r == nil {
		z.r = flate.NewReader(&z.src)
	} else if err := z.r.(flate.Resetter).Reset(&z.src, nil); err != nil {
		return "", err
	}
	z.buf.Reset()
	if _, err := z.buf.ReadFrom(z.r); err != nil {
		return "", err
	}
	return z.buf.String(), nil
}

func encodePages(pages []extract.Page) ([]byte, error) {
	e := &enc{}
	e.uint(uint64(len(pages)))
	w := flatePool.Get().(*flate.Writer)
	defer flatePool.Put(w)
	var buf bytes.Buffer
	for _, p := range pages {
		buf.Reset()
		w.Reset(&buf)
		if _, err := io.WriteString(w, p.Text); err != nil {
			return nil, fmt.Errorf("compress page %d: %w", p.Number, err)
		}
		if err := w.Close(); err != nil {
			return nil, fmt.Errorf("compress page %d: %w", p.Number, err)
		}
		e.int(int64(p.Number))
		e.uint(uint64(buf.Len()))
		e.b = append(e.b, buf.Bytes()...)
	}
	// Pages recognised from a scan follow, as page number and confidence
	// in tenths; a blob without them (written before OCR) reads the same.
	ocrd := 0
	for _, p := range pages {
		if p.OCR {
			ocrd++
		}
	}
	if ocrd > 0 {
		e.uint(uint64(ocrd))
		for _, p := range pages {
			if p.OCR {
				e.int(int64(p.Number))
				e.uint(uint64(math.Round(max(p.Confidence, 0) * 10)))
			}
		}
	}
	return e.b, nil
}

// decodePages returns the pages of a blob that keep accepts (all when keep
// is nil).
func decodePages(b []byte, keep func(int) bool) ([]extract.Page, error) {
	if len(b) == 0 {
		return nil, nil // a document without pages
	}
	d := &dec{b: b}
	n := d.uint()
	var out []extract.Page
	for i := uint64(0); i < n && d.err == nil; i++ {
		num := int(d.int())
		size := d.uint()
		if size > uint64(len(d.b)) {
			return nil, errShort
		}
		comp := d.b[:size]
		d.b = d.b[size:]
		if keep != nil && !keep(num) {
			continue
		}
		text, err := inflate(comp)
		if err != nil {
			return nil, fmt.Errorf("decompress page %d: %w", num, err)
		}
		out = append(out, extract.Page{Number: num, Text: text})
	}
	if d.err == nil && len(d.b) > 0 {
		m := d.uint()
		for i := uint64(0); i < m && d.err == nil; i++ {
			num, conf := int(d.int()), float64(d.uint())/10
			for k := range out {
				if out[k].Number == num {
					out[k].OCR, out[k].Confidence = true, conf
				}
			}
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	return out, nil
}

// Bleve documents.

func metaFields(typ string, d *docEntry, serial uint32) map[string]any {
	m := map[string]any{fType: typ, fDocID: d.id, fSerial: formatSerial(serial)}
	setStr(m, fProvider, d.provider)
	setStr(m, fDocType, d.docType)
	if t := parsePublished(d.published); t != nil {
		m[fYear] = float64(t.Year())
		m[fYearTerm] = strconv.Itoa(t.Year())
	}
	return m
}

func setStr(d map[string]any, k, v string) {
	if v != "" {
		d[k] = v
	}
}

func formatSerial(s uint32) string { return strconv.FormatUint(uint64(s), 36) }

func parseSerial(b []byte) (uint32, bool) {
	v, err := strconv.ParseUint(string(b), 36, 32)
	return uint32(v), err == nil
}

func findingDoc(d *docEntry, serial uint32, f *extract.Finding, page func(int) (string, bool)) (map[string]any, error) {
	m := metaFields(typeFinding, d, serial)
	setStr(m, fProvider, f.Provider)
	setStr(m, fText, f.Text)
	setStr(m, fKind, string(f.Kind))
	setStr(m, fRating, f.Rating)
	setStr(m, fPrevious, f.Previous)
	setStr(m, fDirection, FindingDirection(f))
	setStr(m, fDomain, f.Domain)
	setStr(m, fSubject, f.Subject)
	setStr(m, fRegulation, f.Regulation)
	setStr(m, fSpeaker, f.Speaker)
	if len(f.Themes) > 0 {
		m[fTheme] = f.Themes
	}
	stored, err := encodeFinding(d, f, page)
	if err != nil {
		return nil, err
	}
	m[fFinding] = stored
	return m, nil
}

func findingColsOf(num int32, f *extract.Finding) findingCols {
	c := findingCols{num: num, page: int32(f.Page), themes: f.Themes}
	c.vals[cKind] = string(f.Kind)
	c.vals[cRating] = f.Rating
	c.vals[cPrevious] = f.Previous
	c.vals[cDirection] = FindingDirection(f)
	c.vals[cDomain] = f.Domain
	c.vals[cSubject] = f.Subject
	c.vals[cProvider] = f.Provider
	c.vals[cRegulation] = f.Regulation
	c.vals[cSpeaker] = f.Speaker
	return c
}

// headDoc is the bleve document holding a summary.
func headDoc(summary []byte) map[string]any {
	return map[string]any{fType: typeHead, fHead: "1", fSummary: string(summary)}
}
