package html

import (
	"context"
	"strings"

	htmllib "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/extract/text"
)

// renderer turns a stream of enter, text and leave events into plain
// text. Breaks and spaces are kept pending and written only before the
// next word, so that empty elements leave no blank lines and no line
// ends in a space.
type renderer struct {
	ctx   context.Context
	err   error
	nodes int

	// streaming is set when the events come from the tokenizer, where a
	// node's children are not known when it is entered.
	streaming bool

	out    strings.Builder
	brk    int    // pending break: 1 new line, 2 blank line
	space  bool   // pending space
	prefix string // pending list-item marker

	pre   int   // depth in <pre>
	cell  int   // depth in table cells: breaks there become spaces
	li    int   // depth in list items
	lists int   // depth in lists, for indentation
	rows  []row // open table rows, outermost first

	tables     []*tableBuild // open tables, outermost first
	doneTables []*tableBuild // tables rendered, innermost first
	pageTables []extract.Table

	main      *htmllib.Node // the first <main> or role="main"
	inMain    bool
	mainStart int // offset of main's first word in out, or -1
	mainEnd   int
}

// maxIndent is the deepest list nesting shown by indentation.
const maxIndent = 8

// row is an open table row: how many cells it has started and the index
// of the last cell whose text has been written (-1 for none).
type row struct {
	cells, last int
}

// tick counts a node and checks the context every ctxEvery nodes.
func (r *renderer) tick() error {
	r.nodes++
	if r.nodes%ctxEvery == 0 && r.err == nil {
		r.err = r.ctx.Err()
	}
	return r.err
}

// enter handles the start of n and reports whether its children are to
// be rendered.
func (r *renderer) enter(n *htmllib.Node) bool {
	if !r.streaming && r.tick() != nil {
		return false
	}
	switch n.Type {
	case htmllib.DocumentNode:
		return true
	case htmllib.TextNode:
		r.text(n.Data)
		return false
	case htmllib.ElementNode:
	default:
		return false
	}
	if r.hidden(n) {
		return false
	}
	r.enterTable(n)
	switch n.DataAtom {
	case atom.Br:
		r.lineBreak()
	case atom.Li:
		r.block(1)
		r.li++
		if r.cell == 0 {
			r.prefix = strings.Repeat("  ", min(max(r.lists-1, 0), maxIndent)) + text.Bullet
		}
	case atom.Ul, atom.Ol, atom.Menu:
		r.block(2)
		r.lists++
	case atom.Tr:
		r.block(1)
		r.rows = append(r.rows, row{last: -1})
	case atom.Td, atom.Th:
		if len(r.rows) > 0 {
			r.rows[len(r.rows)-1].cells++
		}
		r.cell++
	case atom.Pre:
		r.block(2)
		r.pre++
	default:
		r.block(blockLevel[n.DataAtom])
	}
	if r.main == nil && (n.DataAtom == atom.Main || attr(n, "role") == "main") {
		r.main, r.inMain, r.mainStart = n, true, -1
	}
	return true
}

// leave handles the end of an element that enter let in.
func (r *renderer) leave(n *htmllib.Node) {
	if n.Type != htmllib.ElementNode {
		return
	}
	r.leaveTable(n)
	switch n.DataAtom {
	case atom.Br:
	case atom.Li:
		r.li--
		r.prefix = ""
		r.block(1)
	case atom.Ul, atom.Ol, atom.Menu:
		r.lists--
		r.block(2)
	case atom.Tr:
		if len(r.rows) > 0 {
			r.rows = r.rows[:len(r.rows)-1]
		}
		r.block(1)
	case atom.Td, atom.Th:
		r.cell--
	case atom.Pre:
		r.pre--
		r.block(2)
	default:
		r.block(blockLevel[n.DataAtom])
	}
	if n == r.main {
		r.inMain = false
		r.mainEnd = r.out.Len()
	}
}

// hidden reports whether n and its content are not to be rendered.
func (r *renderer) hidden(n *htmllib.Node) bool {
	if dropped[n.DataAtom] {
		return true
	}
	switch n.DataAtom {
	case atom.Dialog:
		if !hasAttr(n, "open") {
			return true
		}
	case atom.Form:
		if !r.streaming && !holdsText(n) {
			return true
		}
	}
	if hasAttr(n, "hidden") || strings.EqualFold(attr(n, "aria-hidden"), "true") {
		return true
	}
	switch role, _, _ := strings.Cut(attr(n, "role"), " "); role {
	case "navigation", "search":
		return true
	}
	if style := attr(n, "style"); style != "" {
		s := strings.ToLower(strings.Join(strings.Fields(style), ""))
		if strings.Contains(s, "display:none") || strings.Contains(s, "visibility:hidden") {
			return true
		}
	}
	return false
}

// holdsText reports whether a form holds paragraphs, headings, lists or
// tables: a page wrapped in one form, not a search box.
func holdsText(form *htmllib.Node) bool {
	found := false
	walk(form, func(n *htmllib.Node) bool {
		if found {
			return false
		}
		if n.Type == htmllib.ElementNode && textual[n.DataAtom] {
			found = true
		}
		return n.Type == htmllib.ElementNode
	}, nil)
	return found
}

// attr returns the trimmed value of n's attribute key, or "".
func attr(n *htmllib.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return strings.TrimSpace(a.Val)
		}
	}
	return ""
}

func hasAttr(n *htmllib.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return true
		}
	}
	return false
}

// block asks for a break of the given level before the next word.
func (r *renderer) block(level int) {
	if level == 0 {
		return
	}
	if r.cell > 0 {
		r.space = true
		return
	}
	if r.li > 0 {
		level = 1 // keep a list item's paragraphs together
	}
	r.brk = max(r.brk, level)
}

// lineBreak handles <br>: a new line, a blank line after two.
func (r *renderer) lineBreak() {
	if r.cell > 0 {
		r.space = true
		return
	}
	if r.brk < 2 {
		r.brk++
	}
}

// text renders the content of a text node.
func (r *renderer) text(s string) {
	if r.pre > 0 && r.cell == 0 {
		if s != "" {
			r.flush()
			r.out.WriteString(s)
		}
		return
	}
	for s != "" {
		i := strings.IndexFunc(s, isSpace)
		if i < 0 {
			r.word(s)
			return
		}
		if i > 0 {
			r.word(s[:i])
		}
		r.space = true
		s = strings.TrimLeftFunc(s[i:], isSpace)
	}
}

// word writes one word after whatever is pending.
func (r *renderer) word(w string) {
	if r.prefix != "" && isBulletGlyph(w) {
		return // a list item that spells out its own bullet
	}
	r.flush()
	s := r.out.Len()
	r.out.WriteString(w)
	if len(r.tables) > 0 {
		r.cellWord(s, r.out.Len())
	}
}

// flush writes the pending break, row separators, space and list marker.
func (r *renderer) flush() {
	if r.brk > 0 {
		if r.out.Len() > 0 {
			r.out.WriteString("\n\n"[:r.brk])
		}
		r.brk, r.space = 0, false
	}
	if r.inMain && r.mainStart < 0 {
		r.mainStart = r.out.Len()
	}
	for i := range r.rows {
		rw := &r.rows[i]
		c := rw.cells - 1
		if c <= rw.last {
			continue
		}
		if rw.last < 0 {
			r.writeSpace()
			r.out.WriteString(strings.Repeat("| ", c))
		} else {
			r.out.WriteString(strings.Repeat(" |", c-rw.last) + " ")
		}
		rw.last, r.space = c, false
	}
	r.writeSpace()
	if r.prefix != "" {
		r.out.WriteString(r.prefix)
		r.prefix = ""
	}
}

// writeSpace writes the pending space unless at the start of a line.
func (r *renderer) writeSpace() {
	if !r.space {
		return
	}
	r.space = false
	if s := r.out.String(); s != "" && s[len(s)-1] != '\n' && s[len(s)-1] != ' ' {
		r.out.WriteByte(' ')
	}
}

// result returns the rendered text: main's when it holds most of it. It
// keeps the tables read from that text in r.pageTables.
func (r *renderer) result() string {
	raw := r.out.String()
	all := raw
	lo, hi := 0, len(raw)
	if r.main != nil && r.mainStart >= 0 {
		end := r.mainEnd
		if r.inMain { // never closed
			end = len(all)
		}
		if end >= r.mainStart {
			m := strings.TrimSpace(all[r.mainStart:end])
			if float64(len(m)) >= mainShare*float64(len(strings.TrimSpace(all))) {
				all = m
				lo, hi = r.mainStart, end
			}
		}
	}
	final := squeezeBlankLines(text.Normalize(strings.TrimSpace(all)))
	r.pageTables = r.finishTables(raw, lo, hi, final)
	return final
}

// squeezeBlankLines leaves at most one blank line between lines: runs of
// line ends, which <pre> text next to block breaks can produce, become
// two.
func squeezeBlankLines(s string) string {
	if !strings.Contains(s, "\n\n\n") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			run++
			if run > 2 {
				continue
			}
		} else {
			run = 0
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// isBulletGlyph reports whether w is a bullet an author typed into a
// list item.
func isBulletGlyph(w string) bool {
	switch w {
	case "•", "·", "●", "▪", "■", "◦", "-", "–", "*":
		return true
	}
	return false
}
