package ocr

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Word is one word Tesseract recognised: where it is in the image (in
// pixels, origin top left), which block, paragraph and line it belongs
// to, and how sure Tesseract is of it (0–100).
type Word struct {
	Page, Block, Par, Line   int
	Left, Top, Width, Height int
	Conf                     float64
	Text                     string
}

// Page is the words Tesseract found on one image (one page of a
// multi-page TIFF), in Tesseract's order.
type Page struct {
	// Number is 1-based.
	Number int
	// Width and Height are the image size in pixels.
	Width, Height int
	Words         []Word
}

// Confidence is the mean confidence of the page's words (0–100), 0
// when it has none.
func (p *Page) Confidence() float64 {
	if len(p.Words) == 0 {
		return 0
	}
	sum := 0.0
	for _, w := range p.Words {
		sum += w.Conf
	}
	return sum / float64(len(p.Words))
}

// ParseTSV reads Tesseract's TSV output (the "tsv" config: a header line,
// then level, page_num, block_num, par_num, line_num, word_num, left,
// top, width, height, conf, text). It keeps the page rows (for their
// size) and the words with text. Rows it cannot read are an error; blank
// lines are not.
func ParseTSV(data []byte) ([]Page, error) {
	var pages []Page
	page := func(n int) *Page {
		if len(pages) == 0 || pages[len(pages)-1].Number != n {
			pages = append(pages, Page{Number: n})
		}
		return &pages[len(pages)-1]
	}
	first := true
	for lineNo := 1; len(data) > 0; lineNo++ {
		var row []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			row, data = data[:i], data[i+1:]
		} else {
			row, data = data, nil
		}
		row = bytes.TrimSuffix(row, []byte("\r"))
		if len(bytes.TrimSpace(row)) == 0 {
			continue
		}
		if first {
			first = false
			if bytes.HasPrefix(row, []byte("level\t")) {
				continue
			}
		}
		f := bytes.SplitN(row, []byte("\t"), 12)
		if len(f) < 11 {
			return nil, fmt.Errorf("ocr: tsv line %d: %d fields, want 12", lineNo, len(f))
		}
		var n [10]int
		for i := range n {
			v, err := strconv.Atoi(string(f[i]))
			if err != nil || v < -1 || v > 1<<24 {
				return nil, fmt.Errorf("ocr: tsv line %d: field %d: bad number %q", lineNo, i+1, f[i])
			}
			n[i] = v
		}
		conf, err := strconv.ParseFloat(string(f[10]), 64)
		if err != nil || conf != conf {
			return nil, fmt.Errorf("ocr: tsv line %d: bad confidence %q", lineNo, f[10])
		}
		text := ""
		if len(f) == 12 {
			text = strings.TrimSpace(strings.ToValidUTF8(string(f[11]), "\uFFFD"))
		}
		switch n[0] {
		case 1:
			p := page(n[1])
			p.Width, p.Height = n[8], n[9]
		case 5:
			if text == "" || conf < 0 {
				continue
			}
			p := page(n[1])
			p.Words = append(p.Words, Word{Page: n[1], Block: n[2], Par: n[3], Line: n[4],
				Left: n[6], Top: n[7], Width: n[8], Height: n[9], Conf: min(conf, 100), Text: text})
		case 2, 3, 4:
		default:
			return nil, fmt.Errorf("ocr: tsv line %d: unknown level %d", lineNo, n[0])
		}
	}
	if first {
		return nil, errors.New("ocr: empty tsv")
	}
	return pages, nil
}

// Line is one line of recognised text in reading order.
type Line struct {
	Text string
	// Top and Bottom are the line's vertical extent in pixels.
	Top, Bottom int
	// Para reports that a paragraph starts with this line.
	Para bool
	// Flow numbers the column (or full-width stretch) the line is in;
	// lines of one flow are read one after the other.
	Flow int
	// Conf is the mean confidence of the line's words.
	Conf float64
}

type box struct{ l, t, r, b int }

func (a box) union(b box) box {
	return box{min(a.l, b.l), min(a.t, b.t), max(a.r, b.r), max(a.b, b.b)}
}

type block struct {
	box   box
	lines []Line
}

// Lines lays the page's words out in reading order. Words are grouped
// into lines and paragraphs as Tesseract grouped them, and lines into
// blocks; blocks are ordered by cuts along white space (orderBlocks):
// columns left to right, each top to bottom, under and over full-width
// headings and footers. Lines of nothing but stray marks
// (no letter or digit, low confidence: specks of a scan) are dropped.
func (p *Page) Lines() []Line {
	type key struct{ b, p, l int }
	var blocks []*block
	byNum := map[int]*block{}
	var cur key
	var ws []Word
	flush := func() {
		if len(ws) == 0 {
			return
		}
		defer func() { ws = ws[:0] }()
		var b strings.Builder
		bx := box{ws[0].Left, ws[0].Top, ws[0].Left + ws[0].Width, ws[0].Top + ws[0].Height}
		conf := 0.0
		alnum := false
		for i, w := range ws {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(w.Text)
			bx = bx.union(box{w.Left, w.Top, w.Left + w.Width, w.Top + w.Height})
			conf += w.Conf
			alnum = alnum || strings.IndexFunc(w.Text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
		}
		conf /= float64(len(ws))
		if !alnum && conf < 60 {
			return
		}
		bl := byNum[cur.b]
		if bl == nil {
			bl = &block{box: bx}
			byNum[cur.b] = bl
			blocks = append(blocks, bl)
		}
		para := len(bl.lines) == 0
		if n := len(bl.lines); n > 0 && bl.lines[n-1].Flow != cur.p {
			para = true
		}
		bl.box = bl.box.union(bx)
		// Flow holds the paragraph number until the blocks are ordered.
		bl.lines = append(bl.lines, Line{Text: b.String(), Top: bx.t, Bottom: bx.b, Para: para, Flow: cur.p, Conf: conf})
	}
	for _, w := range p.Words {
		k := key{w.Block, w.Par, w.Line}
		if k != cur {
			flush()
			cur = k
		}
		ws = append(ws, w)
	}
	flush()
	var out []Line
	for flow, col := range orderBlocks(blocks) {
		for _, bl := range col {
			for i, l := range bl.lines {
				l.Flow = flow
				if i == 0 {
					l.Para = true
				}
				out = append(out, l)
			}
		}
	}
	return out
}

// orderBlocks puts blocks in reading order and groups them into flows,
// by cuts along white space. Where a vertical gap runs through all the
// blocks, they are columns, read left to right. Else they are split
// into bands at every horizontal gap, and neighbouring bands are joined
// again while a vertical gap runs through them all (the paragraphs of
// two columns, whose gaps may line up); the groups are read top to
// bottom. Blocks that no cut parts are one flow, top to bottom.
func orderBlocks(blocks []*block) [][]*block {
	if len(blocks) == 0 {
		return nil
	}
	x := func(b *block) (int, int) { return b.box.l, b.box.r }
	y := func(b *block) (int, int) { return b.box.t, b.box.b }
	var flows [][]*block
	if cols := cut(blocks, x); len(cols) > 1 {
		for _, c := range cols {
			flows = append(flows, orderBlocks(c)...)
		}
		return flows
	}
	bands := cut(blocks, y)
	if len(bands) == 1 {
		sort.SliceStable(blocks, func(i, j int) bool { return blocks[i].box.t < blocks[j].box.t })
		return [][]*block{blocks}
	}
	group := bands[0]
	for _, b := range bands[1:] {
		joined := append(append([]*block(nil), group...), b...)
		if len(cut(joined, x)) > 1 {
			group = joined
			continue
		}
		flows = append(flows, orderBlocks(group)...)
		group = b
	}
	return append(flows, orderBlocks(group)...)
}

// cut sorts blocks along one axis (span gives each block's extent on it)
// and splits them at every gap between them.
func cut(blocks []*block, span func(*block) (int, int)) [][]*block {
	bs := append([]*block(nil), blocks...)
	sort.SliceStable(bs, func(i, j int) bool {
		a, _ := span(bs[i])
		b, _ := span(bs[j])
		return a < b
	})
	var parts [][]*block
	prev := 0
	_, reach := span(bs[0])
	for i := 1; i < len(bs); i++ {
		lo, hi := span(bs[i])
		if lo > reach {
			parts = append(parts, bs[prev:i])
			prev = i
		}
		reach = max(reach, hi)
	}
	return append(parts, bs[prev:])
}

// Text is the page's text in reading order: lines joined by line ends,
// paragraphs and flows parted by blank lines, and words broken by a
// hyphen at a line end joined again.
func (p *Page) Text() string {
	return JoinLines(p.Lines())
}

// JoinLines joins lines as Text does.
func JoinLines(lines []Line) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			prev := lines[i-1]
			if !l.Para && l.Flow == prev.Flow && hyphenated(prev.Text, l.Text) {
				s := b.String()
				b.Reset()
				b.WriteString(s[:len(s)-1])
				b.WriteString(l.Text)
				continue
			}
			if l.Para || l.Flow != prev.Flow {
				b.WriteString("\n\n")
			} else {
				b.WriteByte('\n')
			}
		}
		b.WriteString(l.Text)
	}
	return b.String()
}

// hyphenated reports whether prev ends in a word broken by a hyphen that
// next continues: a lower-case letter before the hyphen and a lower-case
// letter starting next.
func hyphenated(prev, next string) bool {
	if !strings.HasSuffix(prev, "-") || len(prev) < 3 {
		return false
	}
	r := []rune(prev)
	before := r[len(r)-2]
	if !unicode.IsLower(before) {
		return false
	}
	for _, c := range next {
		return unicode.IsLower(c)
	}
	return false
}
