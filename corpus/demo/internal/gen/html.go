package gen

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
)

// pageData is what the HTML templates see.
type pageData struct {
	Trust, ODS, Website, ChiefExec, Published, VisitDates string
	Address                                               []string
	HospitalRatings                                       []namedMark
	Services                                              []serviceView
	// KeyQuestions are the ratings grid columns; Grid is the location
	// report's grid, one row per core service and the location last.
	KeyQuestions []string
	Grid         gridView
}

// gridView is a ratings grid as the HTML templates draw it.
type gridView struct {
	Title string
	Rows  []ServiceRatings
}

type namedMark struct {
	Question string
	Mark
}

type serviceView struct {
	Name    string
	Overall Mark
}

func newPageData() pageData {
	named := func(s ServiceRatings) []namedMark {
		out := make([]namedMark, len(keyQuestions))
		for i, q := range keyQuestions {
			out[i] = namedMark{q, s.Marks[i]}
		}
		return out
	}
	var services []serviceView
	for _, s := range acuteRatings {
		services = append(services, serviceView{s.Service, s.Marks[5]})
	}
	return pageData{
		Trust: trustName, ODS: trustODS, Website: trustWebsite, ChiefExec: chiefExec,
		Published: publishDate, VisitDates: visitDates, Address: trustAddress,
		HospitalRatings: named(hospitalRatings),
		Services:        services,
		KeyQuestions:    keyQuestions,
		Grid:            gridView{grids["location"].title, grids["location"].rows},
	}
}

var templateFuncs = template.FuncMap{
	// class turns a rating into a CSS class name, e.g. "requires-improvement".
	"class": func(r Rating) string { return strings.ReplaceAll(strings.ToLower(r.String()), " ", "-") },
	// arrow is the symbol of a change, as the ratings grids print it.
	"arrow": func(c Change) string { return arrows[c] },
}

// arrows are the change symbols of the ratings grids.
var arrows = map[Change]string{Same: "→←", UpOne: "↑", UpTwo: "↑↑", DownOne: "↓", DownTwo: "↓↓"}

func buildPressStatement() ([]byte, error) { return renderHTML("press-statement.html.tmpl") }
func buildHospitalPage() ([]byte, error)   { return renderHTML("hospital-page.html.tmpl") }

// buildLocationReport makes the hospital's location report page, in the
// layout the CQC published from 2018 to 2022: a key to the tables, the
// ratings grid of every core service with arrows and dates, and a section
// per service.
func buildLocationReport() ([]byte, error) { return renderHTML("location-report.html.tmpl") }

func renderHTML(name string) ([]byte, error) {
	t, err := template.New(name).Funcs(templateFuncs).ParseFS(sources, "source/"+name)
	if err != nil {
		return nil, fmt.Errorf("parse template: %w", err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, newPageData()); err != nil {
		return nil, fmt.Errorf("execute %s: %w", name, err)
	}
	return buf.Bytes(), nil
}
