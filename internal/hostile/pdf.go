package hostile

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"fmt"
	"io"
	"strings"
	"sync"
)

// pdfObj is one indirect object of a generated PDF: its body between
// "N 0 obj" and "endobj".
type pdfObj struct {
	num  int
	body string
}

// buildPDF writes objs with a classic cross-reference table and a trailer
// holding extra (more trailer keys). It returns the file and the offset
// of its "xref" keyword.
func buildPDF(objs []pdfObj, extra string) (data []byte, xrefAt int) {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	size := 0
	offsets := map[int]int{}
	for _, o := range objs {
		offsets[o.num] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", o.num, o.body)
		size = max(size, o.num+1)
	}
	xrefAt = b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", size)
	for n := 1; n < size; n++ {
		if off, ok := offsets[n]; ok {
			fmt.Fprintf(&b, "%010d 00000 n \n", off)
		} else {
			b.WriteString("0000000000 65535 f \n")
		}
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n", size, extra, xrefAt)
	return b.Bytes(), xrefAt
}

// streamObj is the body of a stream object holding data as it is, with
// the given extra dictionary entries and a correct /Length.
func streamObj(dict string, data []byte) string {
	return fmt.Sprintf("<< /Length %d%s >>\nstream\n%s\nendstream", len(data), dict, data)
}

// pdfLine escapes s for a PDF literal string.
func pdfLine(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`)
	return "(" + r.Replace(s) + ")"
}

// pageText is the text of the well-formed base PDF: enough words for the
// extractor to take it for a text page.
var pageText = []string{
	"Harrowfield Community Hospital inspection report",
	"We rated the service as requires improvement overall.",
	"The trust must ensure that medicines are stored securely (Regulation 12).",
	"The trust should review staffing on the night shift.",
	"Staff were kind and treated patients with dignity and respect.",
}

// contentStream returns a page content stream that shows lines of text.
func contentStream(lines []string) []byte {
	var b bytes.Buffer
	b.WriteString("BT\n/F1 11 Tf\n14 TL\n72 740 Td\n")
	for _, l := range lines {
		fmt.Fprintf(&b, "%s Tj T*\n", pdfLine(l))
	}
	b.WriteString("ET")
	return b.Bytes()
}

const (
	catalogObj = "<< /Type /Catalog /Pages 2 0 R >>"
	pagesObj   = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
	fontObj    = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
)

// pageObj is a page whose content stream is object 5, with extra
// dictionary entries.
func pageObj(extra string) string {
	return "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R" + extra + " >>"
}

// baseObjs are the objects of a small, well-formed one-page PDF with the
// page content given.
func baseObjs(content string) []pdfObj {
	return []pdfObj{
		{1, catalogObj},
		{2, pagesObj},
		{3, pageObj("")},
		{4, fontObj},
		{5, content},
	}
}

// basePDF is a small, well-formed one-page PDF with a text layer.
func basePDF() []byte {
	data, _ := buildPDF(baseObjs(streamObj("", contentStream(pageText))), "")
	return data
}

// truncations cuts the base PDF at several points: inside the header,
// inside the catalog, inside the content stream, and just before the
// cross-reference table.
func truncations() []Case {
	full := basePDF()
	i := bytes.Index(full, []byte("stream\n"))
	cuts := []struct {
		name string
		at   int
		want string
	}{
		// Too short to be anything but a header: no objects at all.
		{"pdf-truncated-header.pdf", 12, Failed},
		// Only the start of the catalog survives.
		{"pdf-truncated-catalog.pdf", bytes.Index(full, []byte("/Pages 2")), Failed},
		// The page exists but its content stream stops before any text.
		{"pdf-truncated-stream.pdf", i + len("stream\nBT\n/F1"), NeedsOCR},
	}
	var cs []Case
	for _, c := range cuts {
		cut := full[:c.at]
		cs = append(cs, Case{Name: c.name, Want: c.want, gen: func() []byte { return cut }})
	}
	// Every object is whole; only the cross-reference table and trailer
	// are lost. The extractor rebuilds the table and keeps the text.
	xref := bytes.LastIndex(full, []byte("xref\n0 "))
	cs = append(cs, Case{Name: "pdf-truncated-xref.pdf", Want: OK, gen: func() []byte { return full[:xref] }})
	return cs
}

// prevLoop is the base PDF whose trailer's /Prev points at its own
// cross-reference table, so that following /Prev never ends.
func prevLoop() []byte {
	objs := baseObjs(streamObj("", contentStream(pageText)))
	// The offset of the table does not depend on the trailer, so build
	// once to learn it and again with the loop.
	_, at := buildPDF(objs, "")
	data, at2 := buildPDF(objs, fmt.Sprintf(" /Prev %d", at))
	if at2 != at {
		panic("hostile: xref moved")
	}
	return data
}

// selfKids is a PDF whose page tree root lists itself as its only kid;
// its one page, left out of the tree, is found by scanning the file.
func selfKids() []byte {
	objs := baseObjs(streamObj("", contentStream(pageText)))
	objs[1].body = "<< /Type /Pages /Kids [2 0 R] /Count 1 >>"
	data, _ := buildPDF(objs, "")
	return data
}

// pagesCycle is a PDF whose page tree root lists itself before its one
// real page: the cycle must be cut and the page kept.
func pagesCycle() []byte {
	objs := baseObjs(streamObj("", contentStream(pageText)))
	objs[1].body = "<< /Type /Pages /Kids [2 0 R 3 0 R 2 0 R] /Count 2 >>"
	data, _ := buildPDF(objs, "")
	return data
}

// selfRef is a PDF whose page contents, resources and font are objects
// that are references to themselves.
func selfRef() []byte {
	objs := []pdfObj{
		{1, catalogObj},
		{2, pagesObj},
		{3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources 6 0 R /Contents 5 0 R >>"},
		{5, "5 0 R"},
		{6, "6 0 R"},
	}
	data, _ := buildPDF(objs, "")
	return data
}

// formLoop is a PDF whose page draws a form XObject that draws itself.
func formLoop() []byte {
	form := streamObj(" /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /X 6 0 R >> /Font << /F1 4 0 R >> >>",
		[]byte("/X Do BT /F1 11 Tf 72 700 Td (Looping form text) Tj ET"))
	objs := []pdfObj{
		{1, catalogObj},
		{2, pagesObj},
		{3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /X 6 0 R >> >> /Contents 5 0 R >>"},
		{4, fontObj},
		{5, streamObj("", []byte("/X Do"))},
		{6, form},
	}
	data, _ := buildPDF(objs, "")
	return data
}

// objStmLoop is a PDF whose page lives in an object stream that
// /Extends itself, so that a search for an object not in it never ends.
func objStmLoop() []byte {
	inner := "3 0 "
	body := "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
	stm := streamObj(fmt.Sprintf(" /Type /ObjStm /N 1 /First %d /Extends 7 0 R", len(inner)), []byte(inner+body))
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	off := map[int]int{}
	put := func(n int, body string) {
		off[n] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", n, body)
	}
	put(1, catalogObj)
	put(7, stm)
	// A cross-reference stream that says object 2 (the page tree) is in
	// object stream 7, where it is not.
	var x bytes.Buffer
	row := func(t byte, f2 uint32, f3 uint16) {
		x.WriteByte(t)
		x.Write([]byte{byte(f2 >> 24), byte(f2 >> 16), byte(f2 >> 8), byte(f2)})
		x.Write([]byte{byte(f3 >> 8), byte(f3)})
	}
	row(0, 0, 65535)
	row(1, uint32(off[1]), 0)
	row(2, 7, 0)
	for n := 3; n < 7; n++ {
		row(0, 0, 0)
	}
	row(1, uint32(off[7]), 0)
	xrefAt := b.Len()
	row(1, uint32(xrefAt), 0)
	fmt.Fprintf(&b, "8 0 obj\n%s\nendobj\nstartxref\n%d\n%%%%EOF\n",
		streamObj(" /Type /XRef /Size 9 /W [1 4 2] /Root 1 0 R", x.Bytes()), xrefAt)
	return b.Bytes()
}

// nested returns n opening and n closing delimiters around a number.
func nested(open, close string, n int) string {
	return strings.Repeat(open, n) + "1" + strings.Repeat(close, n)
}

// deepArrays is a PDF whose page dictionary holds an array nested 10,000
// deep.
func deepArrays() []byte {
	objs := baseObjs(streamObj("", contentStream(pageText)))
	objs[2].body = pageObj(" /Deep " + nested("[", "]", 10000))
	data, _ := buildPDF(objs, "")
	return data
}

// deepDicts is a PDF whose page dictionary holds dictionaries nested
// 10,000 deep.
func deepDicts() []byte {
	objs := baseObjs(streamObj("", contentStream(pageText)))
	objs[2].body = pageObj(" /Deep " + strings.Repeat("<< /A ", 10000) + "1" + strings.Repeat(" >>", 10000))
	data, _ := buildPDF(objs, "")
	return data
}

// deepContent is a PDF whose content stream shows text through a TJ
// array nested 10,000 deep, after a page of ordinary text.
func deepContent() []byte {
	content := string(contentStream(pageText)) + "\nBT /F1 11 Tf 72 100 Td " + nested("[", "]", 10000) + " TJ ET\n" +
		strings.Repeat("q ", 10000) + strings.Repeat("Q ", 10000)
	data, _ := buildPDF(baseObjs(streamObj("", []byte(content))), "")
	return data
}

// wrongLength returns the base PDF with its content stream compressed
// and its /Length replaced by length (a PDF object, e.g. "12" or "-5").
func wrongLength(length string) []byte {
	z := zlibBytes(contentStream(pageText))
	body := fmt.Sprintf("<< /Length %s /Filter /FlateDecode >>\nstream\n%s\nendstream", length, z)
	data, _ := buildPDF(baseObjs(body), "")
	return data
}

// compressedLen is the length of the base page's compressed content.
func compressedLen() int { return len(zlibBytes(contentStream(pageText))) }

func zlibBytes(b []byte) []byte {
	var out bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&out, flate.BestCompression)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// BombSize is how many bytes the decompression bombs inflate to.
const BombSize = 4 << 30

var (
	bombOnce  sync.Once
	bombInner []byte // zlib of BombSize zeros
	bombOuter []byte // zlib of bombInner
)

// bombs returns BombSize zeros compressed once and twice. They are made
// once per process: compressing 4 GiB takes a few seconds.
func bombs() (inner, outer []byte) {
	bombOnce.Do(func() {
		var b bytes.Buffer
		zw, _ := zlib.NewWriterLevel(&b, flate.BestSpeed)
		if _, err := io.CopyN(zw, zeros{}, BombSize); err != nil {
			panic(err)
		}
		zw.Close()
		bombInner = b.Bytes()
		bombOuter = zlibBytes(bombInner)
	})
	return bombInner, bombOuter
}

// flateBomb is a PDF whose page content is a stream compressed twice
// with Flate that inflates to BombSize bytes.
func flateBomb() []byte {
	_, outer := bombs()
	objs := baseObjs(fmt.Sprintf("<< /Length %d /Filter [/FlateDecode /FlateDecode] >>\nstream\n%s\nendstream", len(outer), outer))
	data, _ := buildPDF(objs, "")
	return data
}

// formBombs is a page of text that also draws eight distinct form
// XObjects, each a stream that inflates to BombSize bytes: a limit on
// each stream alone would still let the eight add up.
func formBombs() []byte {
	_, outer := bombs()
	const n = 8
	var names, draws strings.Builder
	objs := []pdfObj{{1, catalogObj}, {2, pagesObj}, {4, fontObj}}
	for k := range n {
		fmt.Fprintf(&names, " /B%d %d 0 R", k, 10+k)
		fmt.Fprintf(&draws, "/B%d Do\n", k)
		objs = append(objs, pdfObj{10 + k, fmt.Sprintf(
			"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Length %d /Filter [/FlateDecode /FlateDecode] >>\nstream\n%s\nendstream",
			len(outer), outer)})
	}
	objs = append(objs,
		pdfObj{3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> /XObject <<" +
			names.String() + " >> >> /Contents 5 0 R >>"},
		pdfObj{5, streamObj("", append(contentStream(pageText), "\n"+draws.String()...))})
	sortObjs(objs)
	data, _ := buildPDF(objs, "")
	return data
}

func sortObjs(objs []pdfObj) {
	for i := 1; i < len(objs); i++ {
		for j := i; j > 0 && objs[j].num < objs[j-1].num; j-- {
			objs[j], objs[j-1] = objs[j-1], objs[j]
		}
	}
}
