package gen

import "fmt"

// buildReport makes the trust inspection report PDF from source/report.txt.
func buildReport() ([]byte, error) {
	d := newPDF(pdfMeta{
		title:   trustName + " Inspection report",
		subject: "Inspection report, date of publication " + publishDate,
		author:  "Care Quality Commission",
		created: reportTime,
	})
	d.footer = func(page int) (string, string) {
		if page == 1 {
			return "", ""
		}
		return trustName + " Inspection report " + publishShort, fmt.Sprint(page)
	}
	d.directives = map[string]func([]string) error{
		"cover": func([]string) error { d.cover(); return nil },
		"ratings-summary": func([]string) error {
			d.ratingsSummary()
			return nil
		},
		"ratings-grid": func(args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("ratings-grid wants one grid name")
			}
			return d.ratingsGrid(args[0])
		},
		"rating-key": func([]string) error { d.ratingKey(); return nil },
		"pagebreak":  func([]string) error { d.f.AddPage(); return nil },
	}
	return renderSource(d, "report.txt")
}

// buildNotice makes the Section 29A warning notice letter.
func buildNotice() ([]byte, error) {
	d := newPDF(pdfMeta{
		title:   "Section 29A Warning Notice: " + trustName,
		subject: "Warning notice " + noticeRef,
		author:  "Care Quality Commission",
		created: noticeTime,
	})
	d.footer = func(page int) (string, string) {
		return "Section 29A Warning Notice – " + trustName + " – " + noticeRef, fmt.Sprintf("Page %d of {nb}", page)
	}
	d.directives = map[string]func([]string) error{
		"letterhead": func([]string) error { d.letterhead(); return nil },
		"pagebreak":  func([]string) error { d.f.AddPage(); return nil },
	}
	return renderSource(d, "warning-notice.txt")
}

func renderSource(d *pdfDoc, name string) ([]byte, error) {
	src, err := sources.ReadFile("source/" + name)
	if err != nil {
		return nil, fmt.Errorf("read source: %w", err)
	}
	blocks, err := parseMarkup(string(src))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := d.render(blocks); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out, err := d.bytes()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// cover draws the report's first page.
func (d *pdfDoc) cover() {
	f := d.f
	if f.PageNo() == 0 {
		f.AddPage()
	}
	w := d.width()
	f.SetFillColor(headingColour.r, headingColour.g, headingColour.b)
	f.Rect(0, 0, 210, 34, "F")
	d.setFont("B", 16, rgb{255, 255, 255})
	f.SetXY(marginLeft, 10)
	f.CellFormat(w, 8, "Care Quality Commission", "", 2, "L", false, 0, "")
	d.setFont("", 10, rgb{255, 255, 255})
	f.CellFormat(w, 6, "Inspection report", "", 2, "L", false, 0, "")

	f.SetXY(marginLeft, 52)
	d.setFont("B", 24, headingColour)
	f.MultiCell(w, 11, d.text(trustName), "", "L", false)
	f.Ln(4)
	d.setFont("", 11, inkColour)
	for _, l := range trustAddress {
		f.CellFormat(w, 5.6, d.text(l), "", 2, "L", false, 0, "")
	}
	f.CellFormat(w, 5.6, "Tel: "+trustPhone, "", 2, "L", false, 0, "")
	f.CellFormat(w, 5.6, trustWebsite, "", 2, "L", false, 0, "")
	f.Ln(10)
	for _, kv := range [][2]string{
		{"Date of inspection visit:", visitDates},
		{"Date of publication:", publishDate},
	} {
		d.setFont("B", 11, inkColour)
		f.CellFormat(55, 6.5, kv[0], "", 0, "L", false, 0, "")
		d.setFont("", 11, inkColour)
		f.CellFormat(w-55, 6.5, kv[1], "", 2, "L", false, 0, "")
		f.SetX(marginLeft)
	}
	f.Ln(14)
	f.SetDrawColor(ruleColour.r, ruleColour.g, ruleColour.b)
	f.SetLineWidth(0.3)
	y := f.GetY()
	f.Rect(marginLeft, y, w, 26, "D")
	f.SetXY(marginLeft+4, y+4)
	d.setFont("B", 10, inkColour)
	f.CellFormat(w-8, 5, "Organisation code (ODS): "+trustODS, "", 2, "L", false, 0, "")
	d.setFont("", 9.5, inkColour)
	f.MultiCell(w-8, 4.8, d.text("This report describes our judgement of the quality of care provided by this trust. "+
		"It is based on what we found when we inspected, on other information we hold about the trust, "+
		"and on what people who use its services, the public and other organisations told us."), "", "L", false)
	f.SetXY(marginLeft, y+36)
}

// letterhead draws the sender, recipient and reference block of the notice.
func (d *pdfDoc) letterhead() {
	f := d.f
	if f.PageNo() == 0 {
		f.AddPage()
	}
	w := d.width()
	d.setFont("B", 15, headingColour)
	f.SetXY(marginLeft, marginTop)
	f.CellFormat(w, 8, "Care Quality Commission", "", 2, "R", false, 0, "")
	d.setFont("", 9, greyInk)
	for _, l := range []string{"Hospitals Directorate (North)", "Sent by secure email"} {
		f.CellFormat(w, 4.6, l, "", 2, "R", false, 0, "")
	}
	f.Ln(8)
	d.setFont("", 10.5, inkColour)
	to := append([]string{chiefExec, "Chief Executive", trustName}, trustAddress[1:]...)
	for _, l := range to {
		f.SetX(marginLeft)
		f.CellFormat(w, 5.2, d.text(l), "", 2, "L", false, 0, "")
	}
	f.Ln(6)
	for _, kv := range [][2]string{
		{"Date:", noticeDate},
		{"Our reference:", noticeRef},
		{"Provider ID:", trustODS},
		{"Location ID:", trustODS + "03"},
	} {
		f.SetX(marginLeft)
		d.setFont("B", 10, inkColour)
		lw := f.GetStringWidth(kv[0]) + 2
		f.CellFormat(lw, 5.2, kv[0], "", 0, "L", false, 0, "")
		d.setFont("", 10, inkColour)
		f.CellFormat(w-lw, 5.2, d.text(kv[1]), "", 2, "L", false, 0, "")
	}
	f.SetX(marginLeft)
	f.Ln(6)
	d.setFont("B", 17, headingColour)
	f.CellFormat(w, 9, "Section 29A Warning Notice", "", 2, "L", false, 0, "")
	d.setFont("", 10.5, greyInk)
	f.CellFormat(w, 5.5, d.text("Health and Social Care Act 2008: Section 29A"), "", 2, "L", false, 0, "")
	f.SetX(marginLeft)
	f.Ln(4)
}
