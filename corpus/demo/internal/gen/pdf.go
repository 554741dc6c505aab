package gen

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
)

// Page geometry and type sizes, in millimetres and points.
const (
	marginLeft   = 20.0
	marginRight  = 20.0
	marginTop    = 20.0
	marginBottom = 22.0
	bodySize     = 10.5
	bodyLeading  = 5.2
	font         = "Helvetica"
)

type rgb struct{ r, g, b int }

var (
	inkColour     = rgb{33, 33, 33}
	headingColour = rgb{61, 38, 107}
	ruleColour    = rgb{150, 150, 150}
	headerFill    = rgb{225, 225, 232}
	greyInk       = rgb{95, 95, 95}
)

// ratingFill is the cell colour for each rating.
func ratingFill(r Rating) rgb {
	switch r {
	case Outstanding:
		return rgb{205, 221, 242}
	case Good:
		return rgb{212, 236, 207}
	case RequiresImprovement:
		return rgb{253, 228, 189}
	case Inadequate:
		return rgb{246, 203, 203}
	}
	return rgb{240, 240, 240}
}

// pdfDoc draws markup blocks onto A4 pages with the PDF core fonts.
type pdfDoc struct {
	f      *fpdf.Fpdf
	tr     func(string) string
	footer func(page int) (left, right string)
	// directives draws "::name" blocks; each is specific to a document.
	directives map[string]func(args []string) error
	err        error
}

type pdfMeta struct {
	title, subject, author string
	created                time.Time
}

func newPDF(meta pdfMeta) *pdfDoc {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(true)
	f.SetCatalogSort(true)
	f.SetCreationDate(meta.created)
	f.SetModificationDate(meta.created)
	f.SetTitle(meta.title, true)
	f.SetSubject(meta.subject, true)
	f.SetAuthor(meta.author, true)
	f.SetCreator("cqcmine demo corpus generator", true)
	f.SetProducer("go-pdf/fpdf", true)
	f.SetLang("en-GB")
	f.SetMargins(marginLeft, marginTop, marginRight)
	f.SetAutoPageBreak(true, marginBottom)
	f.AliasNbPages("{nb}")
	f.SetCellMargin(0)
	d := &pdfDoc{f: f, tr: f.UnicodeTranslatorFromDescriptor("")}
	f.SetFooterFunc(d.drawFooter)
	return d
}

// text converts UTF-8 to the core fonts' cp1252, failing on any character
// the fonts cannot show rather than printing a stand-in.
func (d *pdfDoc) text(s string) string {
	for _, r := range s {
		if r >= 0x80 && d.tr(string(r)) == "." && d.err == nil {
			d.err = fmt.Errorf("character %q in %q is not in the PDF core fonts", r, s)
		}
	}
	return d.tr(s)
}

func (d *pdfDoc) setFont(style string, size float64, c rgb) {
	d.f.SetFont(font, style, size)
	d.f.SetTextColor(c.r, c.g, c.b)
}

func (d *pdfDoc) width() float64 {
	w, _ := d.f.GetPageSize()
	return w - marginLeft - marginRight
}

func (d *pdfDoc) bottom() float64 {
	_, h := d.f.GetPageSize()
	return h - marginBottom
}

// atTop reports whether nothing has been written on the current page yet.
func (d *pdfDoc) atTop() bool {
	return d.f.PageNo() > 0 && d.f.GetY() <= marginTop+0.5
}

// need starts a new page unless h millimetres are left on this one.
func (d *pdfDoc) need(h float64) {
	if d.f.PageNo() == 0 || d.f.GetY()+h > d.bottom() {
		d.f.AddPage()
	}
}

func (d *pdfDoc) drawFooter() {
	if d.footer == nil {
		return
	}
	left, right := d.footer(d.f.PageNo())
	if left == "" && right == "" {
		return
	}
	_, h := d.f.GetPageSize()
	d.f.SetDrawColor(ruleColour.r, ruleColour.g, ruleColour.b)
	d.f.SetLineWidth(0.2)
	d.f.Line(marginLeft, h-16, marginLeft+d.width(), h-16)
	d.f.SetXY(marginLeft, h-15)
	d.setFont("", 8, greyInk)
	d.f.CellFormat(d.width()-30, 5, d.text(left), "", 0, "L", false, 0, "")
	d.f.CellFormat(30, 5, d.text(right), "", 0, "R", false, 0, "")
}

// render draws blocks in order.
func (d *pdfDoc) render(blocks []block) error {
	for _, b := range blocks {
		var err error
		switch b.kind {
		case blockHeading:
			err = d.heading(b.level, b.text, b.badge)
		case blockPara:
			d.paragraph(b.text)
		case blockBullet:
			d.bullet(b.text)
		case blockTable:
			d.table(b.widths, b.rows, nil)
		case blockDirective:
			fn, ok := d.directives[b.text]
			if !ok {
				err = fmt.Errorf("unknown directive %q", b.text)
				break
			}
			err = fn(b.args)
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", b.line, err)
		}
		if d.err != nil {
			return fmt.Errorf("line %d: %w", b.line, d.err)
		}
		if err := d.f.Error(); err != nil {
			return fmt.Errorf("line %d: %w", b.line, err)
		}
	}
	return nil
}

func (d *pdfDoc) bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := d.f.Output(&buf); err != nil {
		return nil, fmt.Errorf("write pdf: %w", err)
	}
	if d.err != nil {
		return nil, d.err
	}
	return buf.Bytes(), nil
}

func (d *pdfDoc) heading(level int, text, badge string) error {
	f := d.f
	switch level {
	case 1:
		if !d.atTop() {
			f.AddPage()
		}
		d.setFont("B", 18, headingColour)
		f.Bookmark(d.text(text), 0, -1)
		f.MultiCell(d.width(), 8.5, d.text(text), "", "L", false)
		f.SetDrawColor(headingColour.r, headingColour.g, headingColour.b)
		f.SetLineWidth(0.6)
		y := f.GetY() + 1
		f.Line(marginLeft, y, marginLeft+d.width(), y)
		f.SetY(y + 5)
	case 2:
		d.need(32)
		f.Ln(2)
		d.setFont("B", 13.5, headingColour)
		f.Bookmark(d.text(text), 1, -1)
		if badge == "" {
			f.MultiCell(d.width(), 6.5, d.text(text), "", "L", false)
			f.Ln(2)
			break
		}
		mark, err := parseMark(badge)
		if err != nil {
			return err
		}
		y := f.GetY()
		f.MultiCell(d.width()-62, 6.5, d.text(text), "", "L", false)
		d.badge(marginLeft+d.width()-58, y-0.5, 58, 8, mark)
		f.SetY(max(f.GetY(), y+8) + 2.5)
	default:
		d.need(22)
		f.Ln(1)
		d.setFont("B", 11.5, inkColour)
		f.MultiCell(d.width(), 5.8, d.text(text), "", "L", false)
		f.Ln(1)
	}
	return nil
}

func (d *pdfDoc) paragraph(text string) {
	d.need(2 * bodyLeading)
	d.setFont("", bodySize, inkColour)
	d.f.MultiCell(d.width(), bodyLeading, d.text(text), "", "L", false)
	d.f.Ln(2.4)
}

func (d *pdfDoc) bullet(text string) {
	f := d.f
	d.need(2 * bodyLeading)
	d.setFont("", bodySize, inkColour)
	f.SetX(marginLeft + 2)
	f.CellFormat(5, bodyLeading, d.text("•"), "", 0, "L", false, 0, "")
	f.SetLeftMargin(marginLeft + 7)
	f.MultiCell(d.width()-7, bodyLeading, d.text(text), "", "L", false)
	f.SetLeftMargin(marginLeft)
	f.SetX(marginLeft)
	f.Ln(1.4)
}

// cellPainter draws the inside of one table cell; the table has already
// filled and bordered it. It returns false to fall back to plain text.
type cellPainter func(row, col int, x, y, w, h float64) bool

// table draws a grid with a shaded header row, repeating the header on
// each new page. Widths are in millimetres; heights fit the wrapped text.
// minHeight, when set, gives a minimum height per body row.
func (d *pdfDoc) table(widths []float64, rows [][]string, paint cellPainter, minHeight ...float64) {
	const pad, lead, size = 1.6, 4.2, 8.8
	f := d.f
	lines := func(row []string, bold bool) ([][]string, float64) {
		style := ""
		if bold {
			style = "B"
		}
		d.setFont(style, size, inkColour)
		out := make([][]string, len(row))
		hmax := 0.0
		for i, cell := range row {
			for _, l := range f.SplitLines([]byte(d.text(cell)), widths[i]-2*pad) {
				out[i] = append(out[i], string(l))
			}
			hmax = max(hmax, float64(len(out[i]))*lead+2*pad)
		}
		return out, hmax
	}
	drawRow := func(r int, row []string, header bool) {
		cells, h := lines(row, header)
		if !header && len(minHeight) > 0 {
			h = max(h, minHeight[0])
		}
		if f.GetY()+h > d.bottom() {
			f.AddPage()
			if !header && r > 0 {
				hc, hh := lines(rows[0], true)
				d.drawCells(widths, rows[0], hc, hh, pad, lead, size, true, 0, nil)
			}
			cells, h = lines(row, header)
			if !header && len(minHeight) > 0 {
				h = max(h, minHeight[0])
			}
		}
		d.drawCells(widths, row, cells, h, pad, lead, size, header, r, paint)
	}
	d.need(14)
	for r, row := range rows {
		drawRow(r, row, r == 0)
	}
	f.SetX(marginLeft)
	f.Ln(4)
}

func (d *pdfDoc) drawCells(widths []float64, row []string, cells [][]string, h, pad, lead, size float64, header bool, r int, paint cellPainter) {
	f := d.f
	x, y := marginLeft, f.GetY()
	f.SetDrawColor(ruleColour.r, ruleColour.g, ruleColour.b)
	f.SetLineWidth(0.25)
	for c, w := range widths {
		if header {
			f.SetFillColor(headerFill.r, headerFill.g, headerFill.b)
			f.Rect(x, y, w, h, "FD")
		} else {
			f.Rect(x, y, w, h, "D")
		}
		if header || paint == nil || !paint(r, c, x, y, w, h) {
			style := ""
			if header {
				style = "B"
			}
			d.setFont(style, size, inkColour)
			for i, l := range cells[c] {
				f.SetXY(x+pad, y+pad+float64(i)*lead)
				f.CellFormat(w-2*pad, lead, l, "", 0, "L", false, 0, "")
			}
		}
		x += w
	}
	f.SetXY(marginLeft, y+h)
}

// parseMark reads "Requires improvement ↓" and the like.
func parseMark(s string) (Mark, error) {
	s = strings.TrimSpace(s)
	mark := Mark{Change: Same}
	for _, a := range []struct {
		sym string
		c   Change
	}{{"↑↑", UpTwo}, {"↓↓", DownTwo}, {"↑", UpOne}, {"↓", DownOne}, {"→", Same}} {
		if rest, ok := strings.CutSuffix(s, a.sym); ok {
			mark.Change, s = a.c, strings.TrimSpace(rest)
			break
		}
	}
	for r := Inadequate; r <= Outstanding; r++ {
		if strings.EqualFold(s, r.String()) {
			mark.Rating = r
			return mark, nil
		}
	}
	return mark, fmt.Errorf("unknown rating %q", s)
}

// badge draws a rating box with its change arrow.
func (d *pdfDoc) badge(x, y, w, h float64, mark Mark) {
	f := d.f
	fill := ratingFill(mark.Rating)
	f.SetFillColor(fill.r, fill.g, fill.b)
	f.SetDrawColor(ruleColour.r, ruleColour.g, ruleColour.b)
	f.SetLineWidth(0.25)
	f.Rect(x, y, w, h, "FD")
	d.setFont("B", 10, inkColour)
	f.SetXY(x+2, y)
	f.CellFormat(w-12, h, d.text(mark.Rating.String()), "", 0, "L", false, 0, "")
	d.arrow(x+w-6, y+h/2, h*0.55, mark.Change)
}

// arrow draws the change symbol centred on (cx, cy), size mm tall.
func (d *pdfDoc) arrow(cx, cy, size float64, c Change) {
	f := d.f
	f.SetDrawColor(inkColour.r, inkColour.g, inkColour.b)
	f.SetFillColor(inkColour.r, inkColour.g, inkColour.b)
	f.SetLineWidth(0.35)
	half, head := size/2, size*0.32
	one := func(x float64, up bool) {
		f.Line(x, cy-half+head*0.5, x, cy+half-head*0.5)
		tip, base := cy-half, cy-half+head
		if !up {
			tip, base = cy+half, cy+half-head
		}
		f.Polygon([]fpdf.PointType{{X: x, Y: tip}, {X: x - head*0.6, Y: base}, {X: x + head*0.6, Y: base}}, "F")
	}
	switch c {
	case UpOne, DownOne:
		one(cx, c == UpOne)
	case UpTwo, DownTwo:
		one(cx-head*0.7, c == UpTwo)
		one(cx+head*0.7, c == UpTwo)
	default:
		f.Line(cx-half+head*0.5, cy, cx+half-head*0.5, cy)
		f.Polygon([]fpdf.PointType{{X: cx + half, Y: cy}, {X: cx + half - head, Y: cy - head*0.6}, {X: cx + half - head, Y: cy + head*0.6}}, "F")
	}
}

// ratingsGrid draws one of the grids named in grids.
func (d *pdfDoc) ratingsGrid(name string) error {
	g, ok := grids[name]
	if !ok {
		return fmt.Errorf("unknown ratings grid %q", name)
	}
	d.need(40)
	d.setFont("B", 11.5, inkColour)
	d.f.MultiCell(d.width(), 6, d.text(g.title), "", "L", false)
	d.f.Ln(1.5)
	widths := []float64{44, 21, 21, 21, 21, 21, 21}
	rows := [][]string{append([]string{""}, keyQuestions...)}
	for _, s := range g.rows {
		row := []string{s.Service}
		for _, mk := range s.Marks {
			row = append(row, mk.Rating.String())
		}
		rows = append(rows, row)
	}
	paint := func(r, c int, x, y, w, h float64) bool {
		if c == 0 {
			return false
		}
		mk := g.rows[r-1].Marks[c-1]
		fill := ratingFill(mk.Rating)
		d.f.SetFillColor(fill.r, fill.g, fill.b)
		d.f.Rect(x, y, w, h, "FD")
		d.setFont("", 8, inkColour)
		label := mk.Rating.String()
		lines := []string{label}
		if d.f.GetStringWidth(label) > w-2 {
			lines = strings.Fields(label)
		}
		ty := y + 1.5
		for _, l := range lines {
			d.f.SetXY(x, ty)
			d.f.CellFormat(w, 3.6, d.text(l), "", 0, "C", false, 0, "")
			ty += 3.6
		}
		d.setFont("", 7, greyInk)
		dw := d.f.GetStringWidth(mk.Date)
		start := x + (w-dw-4.5)/2
		d.arrow(start+1.4, y+h-3.4, 2.8, mk.Change)
		d.f.SetXY(start+4.5, y+h-5.2)
		d.f.CellFormat(dw+1, 3.6, mk.Date, "", 0, "L", false, 0, "")
		return true
	}
	d.table(widths, rows, paint, 15)
	return nil
}

// ratingKey draws the legend of change arrows used in the grids.
func (d *pdfDoc) ratingKey() {
	f := d.f
	d.need(20)
	d.setFont("B", 9, inkColour)
	f.CellFormat(d.width(), 5, "Rating change since last inspection", "", 1, "L", false, 0, "")
	x, y := marginLeft, f.GetY()+1
	for _, c := range []Change{Same, UpOne, UpTwo, DownOne, DownTwo} {
		d.arrow(x+3, y+2.5, 3.4, c)
		d.setFont("", 8.5, inkColour)
		label := strings.ToUpper(c.String()[:1]) + c.String()[1:]
		f.SetXY(x+6, y)
		f.CellFormat(28, 5, label, "", 0, "L", false, 0, "")
		x += 34
	}
	f.SetXY(marginLeft, y+7)
	d.setFont("", 8.5, inkColour)
	f.MultiCell(d.width(), 4.2, d.text("Month Year = date the last rating was published. Services we did not inspect this time keep the date of the inspection that rated them."), "", "L", false)
	f.Ln(3)
}

// ratingsSummary draws the overall trust rating and a line per key question.
func (d *pdfDoc) ratingsSummary() {
	f := d.f
	labels := []string{"Are services safe?", "Are services effective?", "Are services caring?", "Are services responsive?", "Are services well-led?"}
	d.need(80)
	row := func(label string, mk Mark, bold bool, size float64) {
		y := f.GetY()
		style := ""
		if bold {
			style = "B"
		}
		d.setFont(style, size, inkColour)
		f.SetXY(marginLeft, y)
		f.CellFormat(100, 10, d.text(label), "", 0, "L", false, 0, "")
		d.badge(marginLeft+d.width()-70, y+1, 70, 8, mk)
		f.SetXY(marginLeft, y+12)
	}
	row("Overall trust quality rating", trustRatings.Marks[5], true, 13)
	f.Ln(2)
	for i, l := range labels {
		row(l, trustRatings.Marks[i], false, 11)
	}
	f.Ln(4)
}
