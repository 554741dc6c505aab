package hostile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"sync"
	"time"
)

const (
	contentTypesXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`
	relsXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`
	docHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>`
	docTail = `</w:t></w:r></w:p></w:body></w:document>`
)

// DocxBombSize is how many bytes the DOCX bomb's main part inflates to.
const DocxBombSize = 1 << 30

// fixedTime keeps the archives byte-for-byte reproducible.
var fixedTime = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

// docxBomb is a DOCX whose word/document.xml inflates to DocxBombSize
// bytes of spaces inside one run. When lie is set the member's header
// declares a small size, as a hand-made bomb would, so only a reader that
// counts what it inflates stops it.
func docxBomb(lie bool) []byte {
	comp, crc := docxBombPart()
	size := uint64(len(docHead) + DocxBombSize + len(docTail))

	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	plain(zw, "[Content_Types].xml", contentTypesXML)
	plain(zw, "_rels/.rels", relsXML)
	h := &zip.FileHeader{
		Name:               "word/document.xml",
		Method:             zip.Deflate,
		Modified:           fixedTime,
		CRC32:              crc,
		CompressedSize64:   uint64(len(comp)),
		UncompressedSize64: size,
	}
	if lie {
		h.UncompressedSize64 = 4096
	}
	raw, err := zw.CreateRaw(h)
	if err != nil {
		panic(err)
	}
	raw.Write(comp)
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

var (
	docxOnce sync.Once
	docxComp []byte
	docxCRC  uint32
)

// docxBombPart returns the deflated bomb part and its CRC-32, made once
// per process.
func docxBombPart() ([]byte, uint32) {
	docxOnce.Do(func() {
		var comp bytes.Buffer
		crc := crc32.NewIEEE()
		fw, _ := flate.NewWriter(&comp, flate.BestSpeed)
		w := io.MultiWriter(fw, crc)
		io.WriteString(w, docHead)
		if _, err := io.CopyN(w, spaces{}, DocxBombSize); err != nil {
			panic(err)
		}
		io.WriteString(w, docTail)
		fw.Close()
		docxComp, docxCRC = comp.Bytes(), crc.Sum32()
	})
	return docxComp, docxCRC
}

func plain(zw *zip.Writer, name, body string) {
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: fixedTime})
	if err != nil {
		panic(err)
	}
	io.WriteString(w, body)
}

// smallDOCX is a well-formed DOCX with one paragraph.
func smallDOCX() []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	plain(zw, "[Content_Types].xml", contentTypesXML)
	plain(zw, "_rels/.rels", relsXML)
	plain(zw, "word/document.xml", docHead+"The trust must ensure that staff receive safeguarding training."+docTail)
	zw.Close()
	return b.Bytes()
}

// truncatedDOCX is a DOCX cut before its central directory: it no longer
// reads as a zip archive.
func truncatedDOCX() []byte {
	d := smallDOCX()
	return d[:len(d)*2/3]
}

// spaces is an endless reader of spaces.
type spaces struct{}

func (spaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}
