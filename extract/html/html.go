// Package html extracts the visible text of an HTML page, in reading
// order, as one page numbered 0, and the page's <title>.
//
// The page is decoded first: UTF-8 when it is valid UTF-8, else the
// charset its byte-order mark or <meta> declares (Windows-1252 for
// ISO-8859-1 and Latin-1, as browsers do), else Windows-1252. It is then
// parsed with golang.org/x/net/html and rendered as plain text:
//
//   - whitespace is collapsed as a browser would, except inside <pre>;
//   - paragraphs, headings, lists, tables and sectioning elements are
//     separated by a blank line; <div>, <li>, <tr>, <dt>, <dd> and <br>
//     start a new line;
//   - each list item starts with "• " (nested items are indented by two
//     spaces a level);
//   - the cells of a table row are joined with " | " on one line, and
//     each table is also kept as an extract.Table: its rows and columns,
//     rowspan and colspan, header rows (<thead>, rows of <th>, or a
//     first row of short labels) and each cell's byte span in the text;
//   - script, style, noscript, template, svg, math, nav, iframe, form
//     controls, closed dialogs, forms holding no text (search boxes) and
//     anything hidden (the hidden attribute, aria-hidden="true", an inline
//     display:none or visibility:hidden, role="navigation" or
//     role="search") are dropped.
//
// When the page has a <main> element (or role="main") that holds at
// least half of the text, only its text is kept: that drops the site
// chrome (menus, cookie banners, footers) of pages saved from
// cqc.org.uk and trust websites.
//
// The parser refuses pages nested more than 512 elements deep; such a
// page is rendered instead from the token stream, with the same rules
// and end tags implied as far as a token stream allows.
//
// The text goes through text.Normalize, like every extractor's.
package html

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	htmllib "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/extract/text"
)

// Extractor extracts HTML pages. The zero value is ready to use.
type Extractor struct{}

var _ extract.Extractor = Extractor{}

// mainShare is the least share of the page's text that <main> must hold
// for the rest of the page to be dropped.
const mainShare = 0.5

// ctxEvery is how many nodes or tokens are rendered between checks of
// the context.
const ctxEvery = 4096

// Extract renders data as text.
func (Extractor) Extract(ctx context.Context, data []byte, lim extract.Limits) (*extract.Content, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("html: %w", err)
	}
	if lim.MaxBytes > 0 && int64(len(data)) > lim.MaxBytes {
		return nil, fmt.Errorf("html: %d bytes is over the %d-byte limit: %w", len(data), lim.MaxBytes, extract.ErrLimit)
	}
	src := decode(data)
	r := &renderer{ctx: ctx}
	var title string
	doc, err := htmllib.Parse(strings.NewReader(src))
	if err == nil {
		title = findTitle(doc)
		err = r.walk(doc)
	} else {
		// The parser gives up on pages nested too deeply.
		r = &renderer{ctx: ctx, streaming: true}
		title, err = r.stream(src)
	}
	if err != nil {
		return nil, fmt.Errorf("html: %w", err)
	}
	txt := r.result()
	return &extract.Content{
		Pages: []extract.Page{{Number: 0, Text: txt, Tables: r.pageTables}},
		Title: title,
	}, nil
}

// decode returns data as UTF-8 text.
func decode(data []byte) string {
	if utf8.Valid(data) {
		return string(bytes.TrimPrefix(data, []byte("\ufeff")))
	}
	enc, name, _ := charset.DetermineEncoding(data, "")
	if name == "utf-8" {
		// Declared UTF-8 with a few bad bytes: keep the rest.
		return strings.ToValidUTF8(string(data), "\ufffd")
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return strings.ToValidUTF8(string(data), "\ufffd")
	}
	return string(bytes.TrimPrefix(out, []byte("\ufeff")))
}

// findTitle returns the text of the document's first <title>.
func findTitle(doc *htmllib.Node) string {
	var title *htmllib.Node
	walk(doc, func(n *htmllib.Node) bool {
		if title != nil || n.Type != htmllib.ElementNode && n.Type != htmllib.DocumentNode {
			return false
		}
		if n.DataAtom == atom.Title && n.Namespace == "" {
			title = n
			return false
		}
		return n.Namespace == "" // not into svg or math
	}, nil)
	if title == nil {
		return ""
	}
	var b strings.Builder
	for c := title.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == htmllib.TextNode {
			b.WriteString(c.Data)
		}
	}
	return collapse(b.String())
}

// collapse returns s with its whitespace runs made single spaces,
// trimmed and normalised.
func collapse(s string) string {
	return text.Normalize(strings.Join(strings.FieldsFunc(s, isSpace), " "))
}

// walk visits the tree under root in document order without recursion,
// so that its depth costs no stack. enter is called on each node and
// says whether to visit its children; leave, when not nil, is called
// after the children of every node whose enter returned true.
func walk(root *htmllib.Node, enter func(*htmllib.Node) bool, leave func(*htmllib.Node)) {
	n := root
	for {
		if enter(n) {
			if n.FirstChild != nil {
				n = n.FirstChild
				continue
			}
			if leave != nil {
				leave(n)
			}
		}
		for n != root && n.NextSibling == nil {
			n = n.Parent
			if leave != nil {
				leave(n)
			}
		}
		if n == root {
			return
		}
		n = n.NextSibling
	}
}

// walk renders the tree under doc.
func (r *renderer) walk(doc *htmllib.Node) error {
	walk(doc, func(n *htmllib.Node) bool {
		if r.err != nil {
			return false
		}
		return r.enter(n)
	}, r.leave)
	return r.err
}

// stream renders src from the tokenizer, for pages the parser refuses.
// It returns the page's title.
func (r *renderer) stream(src string) (string, error) {
	z := htmllib.NewTokenizer(strings.NewReader(src))
	var (
		title     string
		open      []*htmllib.Node
		skip      string // name of the element being skipped
		skipDepth int
	)
	for {
		tt := z.Next()
		if tt == htmllib.ErrorToken {
			if err := z.Err(); !errors.Is(err, io.EOF) {
				return "", err
			}
			break
		}
		if r.tick() != nil {
			return "", r.err
		}
		tok := z.Token()
		if tt == htmllib.StartTagToken && tok.DataAtom == atom.Title && (skip == "" || skip == "head") {
			if z.Next() == htmllib.TextToken && title == "" {
				title = collapse(string(z.Text()))
			}
			continue
		}
		if skip != "" {
			if skip == "head" && tt == htmllib.StartTagToken && !inHead[tok.DataAtom] {
				skip = "" // the head ends where the body starts
			} else {
				switch {
				case tt == htmllib.StartTagToken && tok.Data == skip:
					skipDepth++
				case tt == htmllib.EndTagToken && tok.Data == skip:
					if skipDepth--; skipDepth == 0 {
						skip = ""
					}
				}
				continue
			}
		}
		switch tt {
		case htmllib.TextToken:
			r.text(tok.Data)
		case htmllib.StartTagToken, htmllib.SelfClosingTagToken:
			n := &htmllib.Node{Type: htmllib.ElementNode, DataAtom: tok.DataAtom, Data: tok.Data, Attr: tok.Attr}
			open = r.closeImplied(open, n)
			void := tt == htmllib.SelfClosingTagToken || voidElements[n.DataAtom]
			if !r.enter(n) {
				if !void {
					skip, skipDepth = n.Data, 1
				}
				continue
			}
			if void {
				r.leave(n)
				continue
			}
			open = append(open, n)
		case htmllib.EndTagToken:
			if tok.DataAtom == atom.Br {
				r.lineBreak()
				continue
			}
			for i := len(open) - 1; i >= 0; i-- {
				if open[i].Data == tok.Data {
					open = r.closeTo(open, i)
					break
				}
			}
		}
	}
	r.closeTo(open, 0)
	return title, r.err
}

// closeTo leaves the open elements from index i up and returns the rest.
func (r *renderer) closeTo(open []*htmllib.Node, i int) []*htmllib.Node {
	for j := len(open) - 1; j >= i; j-- {
		r.leave(open[j])
	}
	return open[:i]
}

// closeImplied closes the open elements that the start of n ends: an
// open <p> before a block, the previous list item, cell or row.
func (r *renderer) closeImplied(open []*htmllib.Node, n *htmllib.Node) []*htmllib.Node {
	if len(open) == 0 {
		return open
	}
	if open[len(open)-1].DataAtom == atom.P && blockLevel[n.DataAtom] > 0 {
		open = r.closeTo(open, len(open)-1)
	}
	var closes, within []atom.Atom
	switch n.DataAtom {
	case atom.Li:
		closes, within = []atom.Atom{atom.Li}, []atom.Atom{atom.Ul, atom.Ol}
	case atom.Dt, atom.Dd:
		closes, within = []atom.Atom{atom.Dt, atom.Dd}, []atom.Atom{atom.Dl}
	case atom.Td, atom.Th:
		closes, within = []atom.Atom{atom.Td, atom.Th}, []atom.Atom{atom.Tr, atom.Table}
	case atom.Tr:
		closes, within = []atom.Atom{atom.Tr}, []atom.Atom{atom.Table}
	default:
		return open
	}
	for i := len(open) - 1; i >= 0; i-- {
		a := open[i].DataAtom
		if contains(within, a) {
			break
		}
		if contains(closes, a) {
			return r.closeTo(open, i)
		}
	}
	return open
}

func contains(as []atom.Atom, a atom.Atom) bool {
	for _, x := range as {
		if x == a {
			return true
		}
	}
	return false
}

// blockLevel is the break an element makes before and after itself: 2
// for a blank line, 1 for a new line. Elements not listed are inline.
var blockLevel = map[atom.Atom]int{
	atom.P: 2, atom.H1: 2, atom.H2: 2, atom.H3: 2, atom.H4: 2, atom.H5: 2, atom.H6: 2,
	atom.Blockquote: 2, atom.Pre: 2, atom.Table: 2, atom.Ul: 2, atom.Ol: 2, atom.Dl: 2,
	atom.Section: 2, atom.Article: 2, atom.Main: 2, atom.Aside: 2, atom.Header: 2,
	atom.Footer: 2, atom.Figure: 2, atom.Hr: 2, atom.Address: 2, atom.Details: 2,
	atom.Fieldset: 2, atom.Form: 2, atom.Center: 2, atom.Hgroup: 2, atom.Menu: 2,
	atom.Div: 1, atom.Li: 1, atom.Tr: 1, atom.Dt: 1, atom.Dd: 1, atom.Caption: 1,
	atom.Figcaption: 1, atom.Summary: 1, atom.Legend: 1, atom.Body: 1,
}

// dropped are the elements whose content is never visible text.
var dropped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Svg: true, atom.Math: true, atom.Nav: true, atom.Head: true, atom.Title: true,
	atom.Iframe: true, atom.Object: true, atom.Embed: true, atom.Canvas: true,
	atom.Input: true, atom.Button: true, atom.Select: true, atom.Textarea: true,
	atom.Option: true, atom.Datalist: true, atom.Audio: true, atom.Video: true,
	atom.Map: true, atom.Noembed: true, atom.Noframes: true,
}

// voidElements have no end tag.
var voidElements = map[atom.Atom]bool{
	atom.Area: true, atom.Base: true, atom.Br: true, atom.Col: true, atom.Embed: true,
	atom.Hr: true, atom.Img: true, atom.Input: true, atom.Link: true, atom.Meta: true,
	atom.Source: true, atom.Track: true, atom.Wbr: true,
}

// inHead are the elements that may stand in <head>.
var inHead = map[atom.Atom]bool{
	atom.Meta: true, atom.Link: true, atom.Title: true, atom.Style: true,
	atom.Script: true, atom.Base: true, atom.Noscript: true, atom.Template: true,
}

// textual are the elements whose presence shows a <form> holds content
// rather than a search box.
var textual = map[atom.Atom]bool{
	atom.P: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Article: true, atom.Main: true,
	atom.Section: true, atom.Table: true, atom.Ul: true, atom.Ol: true,
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\f', '\u00a0':
		return true
	}
	return false
}
