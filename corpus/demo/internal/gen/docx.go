package gen

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"time"
)

// buildBoardPaper makes a Word board paper from source/board-paper.txt.
func buildBoardPaper() ([]byte, error) {
	return buildDOCX("board-paper.txt", "CQC inspection report and improvement plan", trustName, boardTime)
}

// buildReport2021 makes the report of the trust's 2021 inspection, as a
// Word document: its whole-trust ratings grid and requirement notices are
// Word tables.
func buildReport2021() ([]byte, error) {
	return buildDOCX("report-2021.txt", trustName+" Inspection report", "Care Quality Commission", report2021)
}

// buildDOCX makes a Word document from a markup source. Headings,
// paragraphs, bullets, tables and ::ratings-grid are supported; a "¶" in a
// table cell starts a new paragraph in the cell.
func buildDOCX(name, title, author string, stamp time.Time) ([]byte, error) {
	src, err := sources.ReadFile("source/" + name)
	if err != nil {
		return nil, fmt.Errorf("read source: %w", err)
	}
	blocks, err := parseMarkup(string(src))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var body strings.Builder
	for _, b := range blocks {
		switch b.kind {
		case blockHeading:
			style := [...]string{"", "Title", "Heading1", "Heading2"}[b.level]
			body.WriteString(wPara(style, false, b.text))
		case blockPara:
			body.WriteString(wPara("", false, b.text))
		case blockBullet:
			body.WriteString(wPara("ListBullet", true, b.text))
		case blockTable:
			body.WriteString(wTable(b.widths, b.rows))
		case blockDirective:
			if b.text != "ratings-grid" || len(b.args) != 1 {
				return nil, fmt.Errorf("%s: line %d: directive %q not supported in DOCX", name, b.line, b.text)
			}
			grid, err := wGrid(b.args[0])
			if err != nil {
				return nil, fmt.Errorf("%s: line %d: %w", name, b.line, err)
			}
			body.WriteString(grid)
		}
	}
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
		body.String() +
		`<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr>` +
		`</w:body></w:document>`

	when := stamp.Format("2006-01-02T15:04:05Z")
	parts := []struct{ name, data string }{
		{"[Content_Types].xml", docxContentTypes},
		{"_rels/.rels", docxRootRels},
		{"docProps/core.xml", fmt.Sprintf(docxCore, xmlEscape(title), xmlEscape(author), when, when)},
		{"word/_rels/document.xml.rels", docxDocRels},
		{"word/document.xml", doc},
		{"word/styles.xml", docxStyles},
		{"word/numbering.xml", docxNumbering},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: stamp})
		if err != nil {
			return nil, fmt.Errorf("docx %s: %w", p.name, err)
		}
		if _, err := w.Write([]byte(p.data)); err != nil {
			return nil, fmt.Errorf("docx %s: %w", p.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("docx: %w", err)
	}
	return buf.Bytes(), nil
}

// wGrid is a ratings grid as a Word table: the heading above it, a header
// row of key questions, and one row per subject; each cell gives the
// rating, its change arrow and its month. The corner cell is blank, and so
// is the label of a whole-trust grid's only row.
func wGrid(name string) (string, error) {
	g, ok := grids[name]
	if !ok {
		return "", fmt.Errorf("unknown ratings grid %q", name)
	}
	widths := []float64{44}
	rows := [][]string{append([]string{""}, keyQuestions...)}
	for range keyQuestions {
		widths = append(widths, 22)
	}
	for _, s := range g.rows {
		row := []string{s.Service}
		for _, mk := range s.Marks {
			if mk.Rating == NotRated {
				row = append(row, "Not rated")
				continue
			}
			row = append(row, mk.Rating.String()+"¶"+arrows[mk.Change]+"¶"+mk.Date)
		}
		rows = append(rows, row)
	}
	return wPara("Heading2", false, g.title) + wTable(widths, rows), nil
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // writes to a strings.Builder cannot fail
	return b.String()
}

// wPara is one paragraph; bullets use numbering definition 1.
func wPara(style string, bullet bool, text string) string {
	var b strings.Builder
	b.WriteString("<w:p>")
	if style != "" || bullet {
		b.WriteString("<w:pPr>")
		if style != "" {
			fmt.Fprintf(&b, `<w:pStyle w:val="%s"/>`, style)
		}
		if bullet {
			b.WriteString(`<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>`)
		}
		b.WriteString("</w:pPr>")
	}
	fmt.Fprintf(&b, `<w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>`, xmlEscape(text))
	return b.String()
}

// wTable is a bordered table; widths are millimetres, the first row bold.
func wTable(widths []float64, rows [][]string) string {
	var b strings.Builder
	b.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>`)
	for _, w := range widths {
		fmt.Fprintf(&b, `<w:gridCol w:w="%d"/>`, int(w*56.7))
	}
	b.WriteString("</w:tblGrid>")
	for r, row := range rows {
		b.WriteString("<w:tr>")
		for c, cell := range row {
			fmt.Fprintf(&b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>`, int(widths[c]*56.7))
			for _, para := range strings.Split(cell, "¶") {
				b.WriteString("<w:p><w:r>")
				if r == 0 {
					b.WriteString("<w:rPr><w:b/></w:rPr>")
				}
				fmt.Fprintf(&b, `<w:t xml:space="preserve">%s</w:t></w:r></w:p>`, xmlEscape(strings.TrimSpace(para)))
			}
			b.WriteString("</w:tc>")
		}
		b.WriteString("</w:tr>")
	}
	b.WriteString("</w:tbl>")
	return b.String()
}

const docxContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`

const docxRootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`

const docxDocRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/></Relationships>`

const docxCore = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>%s</dc:title><dc:creator>%s</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">%s</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">%s</dcterms:modified></cp:coreProperties>`

const docxStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:cs="Arial"/><w:sz w:val="22"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:rPr><w:b/><w:sz w:val="36"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="240"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="28"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="24"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/><w:basedOn w:val="Normal"/></w:style><w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders></w:tblPr></w:style></w:styles>`

const docxNumbering = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>`
