package tag

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/corpus/demo"
	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/extract/docx"
	"github.com/cqcmine/cqcmine/extract/html"
)

// demoCell is what one cell of a ratings grid should become: a rating,
// the direction of its arrow and its month.
type demoCell struct{ rating, direction, date string }

// demoTag extracts a demo corpus file through its real extractor and tags
// it; it returns the document and its findings.
func demoTag(t *testing.T, name string, x extract.Extractor, format extract.Format) (*extract.Document, []extract.Finding) {
	t.Helper()
	data, err := fs.ReadFile(demo.FS(), name)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x.Extract(context.Background(), data, extract.DefaultLimits)
	if err != nil {
		t.Fatalf("extracting %s: %v", name, err)
	}
	d := &extract.Document{Path: name, ID: "x", Format: format, Size: int64(len(data)), Content: *c}
	fs := testTagger(t).Tag(context.Background(), d)
	checkOffsets(t, d, fs)
	return d, fs
}

// between returns the offsets of the text from the first from to the
// first to after it on the document's only page.
func between(t *testing.T, d *extract.Document, from, to string) (int, int) {
	t.Helper()
	txt := d.Pages[0].Text
	s := strings.Index(txt, from)
	if s < 0 {
		t.Fatalf("%s has no %q", d.Path, from)
	}
	e := strings.Index(txt[s:], to)
	if e < 0 {
		t.Fatalf("%s has no %q after %q", d.Path, to, from)
	}
	return s, s + e
}

// checkGrid compares the ratings found in [s, e) with want, keyed by the
// subject as demoCanon names it and the key question; each must be there
// once, with its direction and date, and nothing else.
func checkGrid(t *testing.T, fs []extract.Finding, s, e int, want map[string][6]demoCell) {
	t.Helper()
	got := map[[2]string][]extract.Finding{}
	for _, f := range fs {
		if f.Kind == extract.KindRating && f.Start >= s && f.Start < e {
			k := [2]string{demoCanon(f.Subject), f.Domain}
			got[k] = append(got[k], f)
		}
	}
	n := 0
	for subj, cells := range want {
		for i, w := range cells {
			k := [2]string{subj, demoDomains[i]}
			fs := got[k]
			delete(got, k)
			if w.rating == "" {
				if len(fs) > 0 {
					t.Errorf("%s %s: %d ratings (%s), want none: the cell is not rated", subj, k[1], len(fs), fs[0].Rating)
				}
				continue
			}
			if len(fs) != 1 {
				t.Errorf("%s %s: %d ratings, want one %s", subj, k[1], len(fs), w.rating)
				continue
			}
			if g := (demoCell{fs[0].Rating, fs[0].Direction, fs[0].Date}); g != w {
				t.Errorf("%s %s = %+v, want %+v", subj, k[1], g, w)
				continue
			}
			n++
		}
	}
	for k, fs := range got {
		t.Errorf("unexpected rating for %q (%s): %s %s", fs[0].Subject, k[1], fs[0].Rating, fs[0].Direction)
	}
	t.Logf("%d grid ratings right", n)
}

// TestDemoLocationReportGrid reads the demo hospital's location report
// (HTML, 2018 to 2022 layout) through the HTML extractor and the tagger:
// every cell of its ratings grid is a rating of the service at the
// hospital, with the direction of its arrow and its month; "Not rated"
// cells and the key to the tables give nothing; the service section
// restates one rating.
func TestDemoLocationReportGrid(t *testing.T) {
	d, fs := demoTag(t, "demo/harrowfield-general-hospital-location-report.html", html.Extractor{}, extract.FormatHTML)

	const hosp = "Harrowfield General Hospital"
	jul := func(r, dir string) demoCell { return demoCell{r, dir, "2024-07"} }
	mar19 := func(r, dir string) demoCell { return demoCell{r, dir, "2019-03"} }
	same, up, down, down2 := extract.DirectionSame, extract.DirectionUp, extract.DirectionDown, extract.DirectionDownTwo
	at := func(s string) string { return demoCanon(s) + " @ " + hosp }
	want := map[string][6]demoCell{
		at("Urgent and emergency care"):                    {jul(dRI, down), jul(dG, same), jul(dG, same), jul(dI, down), jul(dRI, down), jul(dRI, down)},
		at("Medical care (including older people's care)"): {jul(dRI, same), jul(dRI, down), jul(dG, same), jul(dRI, same), jul(dRI, same), jul(dRI, same)},
		at("Surgery"):   {jul(dG, up), jul(dG, same), jul(dG, same), jul(dRI, same), jul(dG, up), jul(dG, up)},
		at("Maternity"): {jul(dI, down2), jul(dRI, down), jul(dG, same), jul(dG, same), jul(dI, down2), jul(dI, down2)},
		at("Services for children and young people"): {jul(dG, same), jul(dG, same), jul(dO, same), jul(dG, same), jul(dG, same), jul(dG, same)},
		at("End of life care"):                       {mar19(dG, same), mar19(dG, up), mar19(dO, up), mar19(dG, same), mar19(dG, up), mar19(dG, up)},
		at("Outpatients"):                            {mar19(dG, same), {}, mar19(dG, same), mar19(dRI, down), mar19(dG, same), mar19(dG, same)},
		hosp:                                         {jul(dRI, same), jul(dRI, down), jul(dG, same), jul(dRI, same), jul(dRI, down), jul(dRI, down)},
	}
	// the grid's ratings agree with the 2024 report's where they overlap
	for n, r := range demoServices {
		if w, ok := want[at(n)]; ok {
			for i := range r {
				if w[i].rating != r[i] {
					t.Fatalf("expectations disagree with the 2024 report: %s %s", n, demoDomains[i])
				}
			}
		}
	}

	s, e := between(t, d, "Ratings for "+hosp, "*Overall ratings for this hospital")
	checkGrid(t, fs, s, e, want)

	// the key to the tables names every rating and arrow, and is no rating
	ks, ke := between(t, d, "Key to tables", "Month Year")
	for _, f := range fs {
		if f.Start >= ks && f.Start < ke {
			t.Errorf("the key to the tables gave a %s: %q", f.Kind, f.Text)
		}
	}

	// the maternity section restates the service's overall rating
	ms, _ := between(t, d, "Summary of this service", "because:")
	found := false
	for _, f := range fs {
		if f.Kind == extract.KindRating && f.Start >= ms && strings.HasPrefix(demoCanon(f.Subject), "Maternity") {
			found = true
			if f.Domain != "overall" || f.Rating != dI {
				t.Errorf("maternity section: %s %s, want overall inadequate", f.Domain, f.Rating)
			}
		}
	}
	if !found {
		t.Error("maternity section: no rating for maternity")
	}
}

// TestDemoReport2021Tables reads the demo trust's 2021 inspection report
// (DOCX) through the DOCX extractor and the tagger: the one unlabelled row
// of "Ratings for the whole trust" is the trust's ratings, with arrows and
// month; the requirement notice row that says how the regulation was not
// being met is one must-do with its regulation, the row that only names a
// regulation is none.
func TestDemoReport2021Tables(t *testing.T) {
	d, fs := demoTag(t, "demo/harrowfield-inspection-report-2021.docx", docx.Extractor{}, extract.FormatDOCX)

	nov := func(r, dir string) demoCell { return demoCell{r, dir, "2021-11"} }
	same, up := extract.DirectionSame, extract.DirectionUp
	s, e := between(t, d, "Ratings for the whole trust", "Ratings for the whole trust are from")
	checkGrid(t, fs, s, e, map[string][6]demoCell{
		"trust": {nov(dRI, same), nov(dG, up), nov(dG, same), nov(dRI, same), nov(dG, up), nov(dG, up)},
	})

	rs, _ := between(t, d, "Regulated activity", "Regulation")
	var musts []extract.Finding
	for _, f := range fs {
		if f.Start < rs {
			continue
		}
		if f.Kind == extract.KindMustDo || f.Kind == extract.KindShouldDo {
			musts = append(musts, f)
		}
	}
	if len(musts) != 1 {
		t.Fatalf("requirement notices: %d actions, want 1: %+v", len(musts), musts)
	}
	f := musts[0]
	if f.Kind != extract.KindMustDo || f.Regulation != "Regulation 18" {
		t.Errorf("requirement notice: %s with regulation %q, want a must-do with Regulation 18", f.Kind, f.Regulation)
	}
	if !strings.HasPrefix(f.Text, "The trust did not make sure that enough suitably qualified") ||
		!strings.HasSuffix(f.Text, "than the trust had planned.") {
		t.Errorf("requirement notice must-do text %q, want the failing sentences alone", f.Text)
	}
	if strings.Contains(f.Text, "Safe care and treatment") {
		t.Errorf("the row that only names a regulation became part of an action: %q", f.Text)
	}
}
