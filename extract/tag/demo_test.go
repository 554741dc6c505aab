package tag

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/corpus/demo"
	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/extract/pdf"
)

// The ratings of the demo corpus's fictional trust, as its generator
// (corpus/demo/internal/gen/trust.go) draws them: safe, effective, caring,
// responsive, well-led, overall.
const (
	dG  = extract.RatingGood
	dRI = extract.RatingRequiresImp
	dI  = extract.RatingInadequate
	dO  = extract.RatingOutstanding
)

var demoDomains = []string{"safe", "effective", "caring", "responsive", "well-led", "overall"}

var demoServices = map[string][6]string{
	"Urgent and emergency care":                    {dRI, dG, dG, dI, dRI, dRI},
	"Medical care (including older people's care)": {dRI, dRI, dG, dRI, dRI, dRI},
	"Surgery":                                {dG, dG, dG, dRI, dG, dG},
	"Maternity":                              {dI, dRI, dG, dG, dI, dI},
	"Services for children and young people": {dG, dG, dO, dG, dG, dG},
	"Community health inpatient services":    {dG, dG, dG, dG, dG, dG},
	"Acute wards for adults of working age and psychiatric intensive care units": {dI, dRI, dG, dRI, dRI, dRI},
	"Mental health crisis services and health-based places of safety":            {dG, dG, dG, dRI, dG, dG},
}

var (
	demoTrust    = [6]string{dRI, dRI, dG, dRI, dRI, dRI}
	demoHospital = [6]string{dRI, dRI, dG, dRI, dRI, dRI}
)

// demoScope is a part of the demo report and the ratings it states.
type demoScope struct {
	name  string
	pages []int
	from  int // offset on the first page where the part starts
	to    int // offset on the last page where it ends, or -1
	want  map[string][6]string
}

// demoCanon names a subject the way the expectations do: the trust, a
// core service by its canonical name, with the place it is at.
func demoCanon(s string) string {
	if isProviderLevel(s) {
		return "trust"
	}
	place := ""
	if i := strings.LastIndex(s, " ("); i >= 0 && strings.HasSuffix(s, ")") && !strings.HasPrefix(s[i+2:], "including") {
		s, place = s[:i], s[i+2:len(s)-1]
	}
	if cs, at := coreService(strings.ToLower(s)); at >= 0 {
		s = cs
	}
	if place != "" {
		return s + " @ " + place
	}
	return s
}

// TestDemoReportRatings tags the demo inspection report as cqcmine
// extracts it from its PDF and checks every rating in its ratings grids,
// its summary and its core service sections against the generator's
// ratings.
func TestDemoReportRatings(t *testing.T) {
	data, err := fs.ReadFile(demo.FS(), "demo/harrowfield-inspection-report-2024.pdf")
	if err != nil {
		t.Fatal(err)
	}
	c, err := pdf.Extractor{}.Extract(context.Background(), data, extract.DefaultLimits)
	if err != nil {
		t.Fatalf("extracting the demo report: %v", err)
	}
	d := &extract.Document{Path: "harrowfield-inspection-report-2024.pdf", ID: "x", Format: extract.FormatPDF, Size: int64(len(data)), Content: *c}
	fs := testTagger(t).Tag(context.Background(), d)
	checkOffsets(t, d, fs)

	// the parts of the report, found by their headings
	find := func(s string) (int, int) {
		for _, p := range d.Pages {
			if i := strings.Index(p.Text, s); i >= 0 {
				return p.Number, i
			}
		}
		t.Fatalf("the demo report has no %q", s)
		return 0, 0
	}
	services := func(names ...string) map[string][6]string {
		m := map[string][6]string{}
		for _, n := range names {
			m[demoCanon(n)] = demoServices[n]
		}
		return m
	}
	at := func(place string, names ...string) map[string][6]string {
		m := map[string][6]string{}
		for _, n := range names {
			m[demoCanon(n)+" @ "+place] = demoServices[n]
		}
		return m
	}
	acute := []string{"Urgent and emergency care", "Medical care (including older people's care)", "Surgery", "Maternity", "Services for children and young people"}
	mh := []string{"Acute wards for adults of working age and psychiatric intensive care units", "Mental health crisis services and health-based places of safety"}
	all := append(append(append([]string{}, acute...), "Community health inpatient services"), mh...)

	var scopes []demoScope
	span := func(name, start, end string, want map[string][6]string) {
		p1, o1 := find(start)
		p2, o2 := find(end)
		sc := demoScope{name: name, from: o1, to: o2, want: want}
		for p := p1; p <= p2; p++ {
			sc.pages = append(sc.pages, p)
		}
		scopes = append(scopes, sc)
	}
	trustGrid := services(all...)
	trustGrid["trust"] = demoTrust
	span("summary", "Overall trust quality rating", "We rate each trust", map[string][6]string{"trust": demoTrust})
	span("whole-trust grid", "Ratings for the whole trust\n", "Ratings for the whole trust are from", trustGrid)
	hosp := at("Harrowfield General Hospital", acute...)
	hosp["Harrowfield General Hospital"] = demoHospital
	span("hospital grid", "Ratings for Harrowfield General Hospital", "*The overall ratings", hosp)
	span("community grid", "Ratings for Thornmere Community Hospital", "We did not inspect community", at("Thornmere Community Hospital", "Community health inpatient services"))
	span("mental health grid", "Ratings for mental health services", "Ratings for mental health services", services(mh...))
	scopes[len(scopes)-1].to = -1
	// the core service sections, each from the page it starts on to the
	// page before the next
	pageStarting := func(head string) int {
		for _, p := range d.Pages {
			if strings.HasPrefix(strings.TrimSpace(p.Text), head) {
				return p.Number
			}
		}
		t.Fatalf("no page of the demo report starts with %q", head)
		return 0
	}
	heads := append(append(append([]string{}, acute...), mh...), "Areas for improvement")
	for i, n := range heads[:len(heads)-1] {
		first := pageStarting(firstWords(n, 4))
		last := pageStarting(firstWords(heads[i+1], 4)) - 1
		sc := demoScope{name: "section " + n, to: -1, want: services(n)}
		for p := first; p <= last; p++ {
			sc.pages = append(sc.pages, p)
		}
		scopes = append(scopes, sc)
	}

	// a rating the report states again is one finding, where it is
	// first stated: a part is right when the document has it
	docGot := map[[2]string][]string{}
	for _, f := range fs {
		if f.Kind == extract.KindRating {
			k := [2]string{demoCanon(f.Subject), f.Domain}
			docGot[k] = append(docGot[k], f.Rating)
		}
	}
	right, total, wrong := 0, 0, 0
	for _, sc := range scopes {
		in := func(f extract.Finding) bool {
			for i, p := range sc.pages {
				if f.Page != p {
					continue
				}
				if i == 0 && f.Start < sc.from || i == len(sc.pages)-1 && sc.to >= 0 && f.Start > sc.to {
					return false
				}
				return true
			}
			return false
		}
		got := map[[2]string][]string{}
		for _, f := range fs {
			if f.Kind != extract.KindRating || !in(f) {
				continue
			}
			k := [2]string{demoCanon(f.Subject), f.Domain}
			got[k] = append(got[k], f.Rating)
			if w, ok := sc.want[k[0]]; !ok {
				t.Errorf("%s: rating for an unexpected subject %q: %s %s (page %d)", sc.name, f.Subject, f.Domain, f.Rating, f.Page)
				wrong++
			} else if r := w[indexOf(demoDomains, f.Domain)]; r != f.Rating {
				t.Errorf("%s: %s %s is %s, want %s", sc.name, f.Subject, f.Domain, f.Rating, r)
				wrong++
			}
		}
		for subj, w := range sc.want {
			for i, dom := range demoDomains {
				total++
				rs := got[[2]string{subj, dom}]
				if len(rs) == 0 {
					rs = docGot[[2]string{subj, dom}]
				}
				if len(rs) == 1 && rs[0] == w[i] {
					right++
				} else if len(rs) == 0 {
					t.Errorf("%s: no %s rating for %s, want %s", sc.name, dom, subj, w[i])
				}
			}
		}
	}
	if right < total {
		t.Errorf("demo report: %d of %d ratings right", right, total)
	}
	t.Logf("demo report: %d of %d ratings in the grids, summary and core service sections right, %d wrong", right, total, wrong)
}

func indexOf(xs []string, x string) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return -1
}

// firstWords returns the first n words of s.
func firstWords(s string, n int) string {
	f := strings.Fields(s)
	return strings.Join(f[:min(n, len(f))], " ")
}
