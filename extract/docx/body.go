package docx

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"github.com/cqcmine/cqcmine/extract/text"
)

// The WordprocessingML namespaces (transitional and strict) and the
// markup-compatibility namespace.
const (
	wNS       = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	wStrictNS = "http://purl.oclc.org/ooxml/wordprocessingml/main"
	mcNS      = "http://schemas.openxmlformats.org/markup-compatibility/2006"
)

// maxIndent is the deepest list level shown by indentation.
const maxIndent = 8

// blockKind is what the last block written to the body was; blocks of
// the same kind other than paragraphs sit on consecutive lines.
type blockKind int

const (
	blockNone blockKind = iota
	blockPara
	blockItem
	blockRow
)

// paragraph is an open w:p.
type paragraph struct {
	b       strings.Builder
	list    bool
	level   int
	heading bool
}

// body turns the token stream of a document part into text.
type body struct {
	out  strings.Builder
	last blockKind

	paras  []*paragraph       // open paragraphs, innermost last (text boxes nest)
	rows   [][]string         // open table rows: their finished cells
	cells  []*strings.Builder // open table cells, innermost last
	skip   int                // depth inside skipped content
	run    bool               // inside a run (w:r)
	vanish bool               // the current run is hidden
	inRPr  bool               // inside the run's properties
	inT    bool               // inside w:t

	tbls []*tableBuild // open tables, outermost first
	done []*tableBuild // top-level tables read
}

// readBody returns the text of a document part.
func readBody(ctx context.Context, d *xml.Decoder) (string, error) {
	var bd body
	return bd.read(ctx, d)
}

// read reads a document part into bd and returns its text.
func (bd *body) read(ctx context.Context, d *xml.Decoder) (string, error) {
	for n := 1; ; n++ {
		if n%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return "", err
			}
		}
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			bd.start(t)
		case xml.EndElement:
			bd.end(t)
		case xml.CharData:
			if bd.inT && bd.skip == 0 && !bd.vanish {
				bd.write(string(t))
			}
		}
	}
	return bd.out.String(), nil
}

func isW(n xml.Name) bool { return n.Space == wNS || n.Space == wStrictNS }

// skipped reports whether the element's content is not document text.
func skipped(n xml.Name) bool {
	if n.Space == mcNS {
		return n.Local == "Fallback"
	}
	if !isW(n) {
		return false
	}
	switch n.Local {
	case "delText", "instrText", "delInstrText", "moveFrom", "del", "pPrChange", "rPrChange":
		return true
	}
	return false
}

func (bd *body) start(se xml.StartElement) {
	if bd.skip > 0 || skipped(se.Name) {
		bd.skip++
		return
	}
	if !isW(se.Name) {
		return
	}
	bd.tableStart(se)
	switch se.Name.Local {
	case "p":
		bd.paras = append(bd.paras, &paragraph{})
	case "pStyle":
		if p := bd.para(); p != nil && !bd.run {
			style := strings.ToLower(attr(se, "val"))
			switch {
			case strings.HasPrefix(style, "heading"), style == "title", style == "subtitle":
				p.heading = true
			case strings.HasPrefix(style, "list"):
				p.list = true
			}
		}
	case "numId":
		if p := bd.para(); p != nil && !bd.run {
			p.list = attr(se, "val") != "0"
		}
	case "ilvl":
		if p := bd.para(); p != nil && !bd.run {
			p.level = atoi(attr(se, "val"))
		}
	case "r":
		bd.run, bd.vanish = true, false
	case "rPr":
		bd.inRPr = bd.run
	case "vanish":
		if bd.inRPr {
			v := attr(se, "val")
			bd.vanish = v == "" || v == "1" || v == "true" || v == "on"
		}
	case "t":
		bd.inT = bd.run
	case "tab":
		if bd.run && !bd.vanish {
			bd.write("\t")
		}
	case "br", "cr":
		if bd.run && !bd.vanish {
			bd.write("\n")
		}
	case "noBreakHyphen":
		if bd.run && !bd.vanish {
			bd.write("-")
		}
	case "tr":
		bd.rows = append(bd.rows, nil)
	case "tc":
		bd.cells = append(bd.cells, &strings.Builder{})
	}
}

func (bd *body) end(ee xml.EndElement) {
	if bd.skip > 0 {
		bd.skip--
		return
	}
	if !isW(ee.Name) {
		return
	}
	switch ee.Name.Local {
	case "p":
		if len(bd.paras) > 0 {
			p := bd.paras[len(bd.paras)-1]
			bd.paras = bd.paras[:len(bd.paras)-1]
			bd.endPara(p)
		}
	case "r":
		bd.run, bd.vanish, bd.inRPr, bd.inT = false, false, false, false
	case "rPr":
		bd.inRPr = false
	case "t":
		bd.inT = false
	case "tc":
		if len(bd.cells) > 0 {
			c := bd.cells[len(bd.cells)-1]
			bd.cells = bd.cells[:len(bd.cells)-1]
			if len(bd.rows) > 0 {
				bd.rows[len(bd.rows)-1] = append(bd.rows[len(bd.rows)-1], c.String())
			}
		}
	case "tr":
		if len(bd.rows) > 0 {
			cells := bd.rows[len(bd.rows)-1]
			bd.rows = bd.rows[:len(bd.rows)-1]
			if line, offs := joinCells(cells); line != "" {
				bd.rowWritten(bd.emit(line, blockRow), offs)
			}
		}
	case "tbl":
		bd.tableEnd()
	}
}

// para returns the innermost open paragraph, or nil.
func (bd *body) para() *paragraph {
	if len(bd.paras) == 0 {
		return nil
	}
	return bd.paras[len(bd.paras)-1]
}

// write adds run text to the innermost open paragraph.
func (bd *body) write(s string) {
	if p := bd.para(); p != nil {
		p.b.WriteString(s)
	}
}

// endPara writes a finished paragraph to its cell or to the body.
func (bd *body) endPara(p *paragraph) {
	s := strings.TrimSpace(p.b.String())
	if s == "" {
		return
	}
	if p.list && !p.heading && len(bd.cells) == 0 {
		bd.emit(strings.Repeat("  ", min(max(p.level, 0), maxIndent))+text.Bullet+s, blockItem)
		return
	}
	bd.emit(s, blockPara)
}

// emit writes a block: into the innermost open cell, joined by a space,
// or to the body after the break its kind asks for. It returns the
// block's offset in the body, or -1 when it went into a cell.
func (bd *body) emit(s string, kind blockKind) int {
	if len(bd.cells) > 0 {
		c := bd.cells[len(bd.cells)-1]
		if c.Len() > 0 {
			c.WriteByte(' ')
		}
		c.WriteString(strings.ReplaceAll(s, "\n", " "))
		return -1
	}
	if bd.out.Len() > 0 {
		if kind == bd.last && kind != blockPara {
			bd.out.WriteString("\n")
		} else {
			bd.out.WriteString("\n\n")
		}
	}
	at := bd.out.Len()
	bd.out.WriteString(s)
	bd.last = kind
	return at
}

// joinCells joins a row's cells with " | ", writing an empty cell as a
// bare "|" and dropping empty cells at the end; it returns "" for a row
// with no text. offs holds each cell's span in the line, {-1, -1} for an
// empty cell.
func joinCells(cells []string) (string, [][2]int) {
	offs := make([][2]int, len(cells))
	for i := range offs {
		offs[i] = [2]int{-1, -1}
	}
	for len(cells) > 0 && strings.TrimSpace(cells[len(cells)-1]) == "" {
		cells = cells[:len(cells)-1]
	}
	var b strings.Builder
	for i, c := range cells {
		c = strings.TrimSpace(c)
		if i > 0 {
			b.WriteString(" |")
			if c != "" {
				b.WriteByte(' ')
			}
		}
		if c != "" {
			offs[i] = [2]int{b.Len(), b.Len() + len(c)}
		}
		b.WriteString(c)
	}
	line := b.String()
	lead := len(line) - len(strings.TrimLeft(line, " "))
	for i := range offs {
		if offs[i][0] >= 0 {
			offs[i][0] -= lead
			offs[i][1] -= lead
		}
	}
	return line[lead:], offs
}

// atoi parses a small non-negative number, 0 on anything else.
func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' || n > 1000 {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}
