package gen

import (
	"fmt"
	"strconv"
	"strings"
)

// The demo documents are written in a small line-based markup:
//
//	# Heading          level-1 heading; starts a new page
//	## Heading || Good ↓  level-2 heading, optionally with a rating badge
//	### Heading        level-3 heading
//	- item             bullet; indented lines continue it
//	::table 40 60 70   a table whose rows follow as "| a | b | c" lines;
//	                   the numbers are column widths in millimetres
//	::name args        a directive the renderer draws itself (cover, grids)
//	// note            a comment, ignored
//
// Any other run of non-blank lines is one paragraph.

type blockKind int

const (
	blockPara blockKind = iota
	blockHeading
	blockBullet
	blockTable
	blockDirective
)

type block struct {
	kind   blockKind
	level  int    // heading level, 1 to 3
	text   string // paragraph, heading or bullet text; directive name
	badge  string // heading rating badge
	args   []string
	widths []float64
	rows   [][]string
	line   int
}

// parseMarkup turns markup source into blocks. It reports the first line it
// cannot make sense of.
func parseMarkup(src string) ([]block, error) {
	var (
		blocks []block
		cur    *block // the paragraph, bullet or table being filled
	)
	flush := func() {
		if cur != nil {
			blocks = append(blocks, *cur)
			cur = nil
		}
	}
	for i, raw := range strings.Split(src, "\n") {
		n := i + 1
		line := strings.TrimRight(raw, " \t\r")
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			flush()
		case strings.HasPrefix(trimmed, "//"):
		case strings.HasPrefix(line, "#"):
			flush()
			level := len(line) - len(strings.TrimLeft(line, "#"))
			if level > 3 {
				return nil, fmt.Errorf("line %d: heading level %d, want 1 to 3", n, level)
			}
			text, badge, _ := strings.Cut(strings.TrimSpace(line[level:]), "||")
			text = strings.TrimSpace(text)
			if text == "" {
				return nil, fmt.Errorf("line %d: empty heading", n)
			}
			blocks = append(blocks, block{kind: blockHeading, level: level, text: text, badge: strings.TrimSpace(badge), line: n})
		case strings.HasPrefix(line, "::"):
			flush()
			fields := strings.Fields(line[2:])
			if len(fields) == 0 {
				return nil, fmt.Errorf("line %d: empty directive", n)
			}
			if fields[0] != "table" {
				blocks = append(blocks, block{kind: blockDirective, text: fields[0], args: fields[1:], line: n})
				continue
			}
			if len(fields) < 2 {
				return nil, fmt.Errorf("line %d: table needs column widths", n)
			}
			tb := block{kind: blockTable, line: n}
			for _, f := range fields[1:] {
				w, err := strconv.ParseFloat(f, 64)
				if err != nil || !(w > 0 && w <= 500) {
					return nil, fmt.Errorf("line %d: bad column width %q", n, f)
				}
				tb.widths = append(tb.widths, w)
			}
			cur = &tb
		case strings.HasPrefix(trimmed, "|"):
			if cur == nil || cur.kind != blockTable {
				return nil, fmt.Errorf("line %d: table row outside a table", n)
			}
			cells := strings.Split(trimmed[1:], "|")
			if len(cells) != len(cur.widths) {
				return nil, fmt.Errorf("line %d: %d cells, table has %d columns", n, len(cells), len(cur.widths))
			}
			for j := range cells {
				cells[j] = strings.TrimSpace(cells[j])
			}
			cur.rows = append(cur.rows, cells)
		case strings.HasPrefix(line, "- "):
			flush()
			cur = &block{kind: blockBullet, text: strings.TrimSpace(line[2:]), line: n}
		default:
			switch {
			case cur == nil:
				cur = &block{kind: blockPara, text: trimmed, line: n}
			case cur.kind == blockTable:
				return nil, fmt.Errorf("line %d: text inside a table; rows start with |", n)
			case cur.kind == blockBullet && line == trimmed:
				// An unindented line after a bullet starts a paragraph.
				flush()
				cur = &block{kind: blockPara, text: trimmed, line: n}
			default:
				cur.text += " " + trimmed
			}
		}
	}
	flush()
	for _, b := range blocks {
		if b.kind == blockTable && len(b.rows) == 0 {
			return nil, fmt.Errorf("line %d: table has no rows", b.line)
		}
	}
	return blocks, nil
}
