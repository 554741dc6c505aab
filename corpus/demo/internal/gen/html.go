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
	}
}

var templateFuncs = template.FuncMap{
	// class turns a rating into a CSS class name, e.g. "requires-improvement".
	"class": func(r Rating) string { return strings.ReplaceAll(strings.ToLower(r.String()), " ", "-") },
}

func buildPressStatement() ([]byte, error) { return renderHTML("press-statement.html.tmpl") }
func buildHospitalPage() ([]byte, error)   { return renderHTML("hospital-page.html.tmpl") }

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
