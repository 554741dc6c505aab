package evidence

import (
	"slices"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/extract"
)

func action(doc, published, kind, reg, text string, themes ...string) extract.Finding {
	return extract.Finding{DocID: doc, Published: published, Kind: extract.Kind(kind), Regulation: reg,
		Text: text, Themes: themes, Page: 3, Start: 10, End: 10 + len(text)}
}

func TestRecurring(t *testing.T) {
	staffing2019 := action("r2019", "2019-05-02", "must-do", "Regulation 18(1)",
		"The trust must ensure that enough suitably qualified nursing staff are deployed on the wards at night.", "staffing")
	staffing2023 := action("r2023", "2023-10-11", "must-do", "Regulation 18",
		"The trust must make sure there are enough suitably qualified and experienced nursing staff on every ward at night.", "staffing")
	staffingNotice := action("wn", "", "must-do", "",
		"ensure that each ward has enough suitably qualified nursing staff on every shift at night", "staffing")
	ligature2023 := action("r2023", "2023-10-11", "must-do", "Regulation 12(2)(b)",
		"The trust must ensure that ligature risks on Elm Ward are assessed and mitigated.", "ligature risks")
	ligature2021 := action("r2021", "2021-03-01", "should-do", "",
		"The trust should ensure that ligature risk assessments on Elm Ward are assessed and reviewed.", "ligature risks")
	medicines2019 := action("r2019", "2019-05-02", "must-do", "Regulation 12(2)(g)",
		"The trust must ensure that medicines are stored at the right temperature.", "medicines")
	medicines2023 := action("r2023", "2023-10-11", "must-do", "Regulation 12(2)(g)",
		"The trust must ensure that time-critical medicines are given on time.", "medicines")
	medicinesStore2019 := action("r2019", "2019-05-02", "must-do", "Regulation 12(2)(g)",
		"The trust must ensure that medicines on the surgical wards are stored at the correct fridge temperatures.", "medicines")
	medicinesStore2023 := action("r2023", "2023-10-11", "must-do", "Regulation 12(2)(g)",
		"The trust must ensure that medicines are stored at the correct fridge temperatures on every ward.", "medicines")
	twoMatters := action("press", "2019-05-02", "must-do", "",
		"CQC said the trust must make sure that enough nursing staff are on the surgical wards, and that medicines are stored at the correct fridge temperatures.", "staffing", "medicines")
	sameDay := action("press", "2019-05-02", "must-do", "Regulation 18",
		"The trust must ensure that enough suitably qualified nursing staff are deployed on the wards at night.", "staffing")
	summary2019 := action("r2019", "2019-05-02", "must-do", "", "We found 12 breaches of legal requirements that the trust must put right.")
	summary2023 := action("r2023", "2023-10-11", "must-do", "", "We found 14 breaches of legal requirements that the trust must put right.")
	rating := extract.Finding{DocID: "r2023", Published: "2023-10-11", Kind: extract.KindRating, Text: "Safe was rated good at night on the wards."}

	type want struct {
		regulation, theme string
		texts             int
		dates             int
		still             bool
	}
	for _, tc := range []struct {
		name string
		in   []extract.Finding
		want []want
	}{
		{"repeated across two inspections and a notice",
			[]extract.Finding{staffing2019, staffing2023, staffingNotice, rating},
			[]want{{"Regulation 18", "staffing", 3, 2, true}}},
		{"a should-do that became a must-do",
			[]extract.Finding{ligature2021, ligature2023, staffing2023},
			[]want{{"Regulation 12", "ligature risks", 2, 2, true}}},
		{"no longer raised comes after still raised",
			[]extract.Finding{ligature2021, ligature2023, staffing2019, sameDay, staffing2023, {DocID: "r2025", Published: "2025-01-01", Kind: extract.KindMustDo, Text: "The trust must ensure that complaints are answered on time."}},
			[]want{{"Regulation 18", "staffing", 3, 2, false}, {"Regulation 12", "ligature risks", 2, 2, false}}},
		{"same regulation, different matters", []extract.Finding{medicines2019, medicines2023}, nil},
		{"a sentence of two matters does not join their groups",
			[]extract.Finding{staffing2019, staffing2023, medicinesStore2019, medicinesStore2023, twoMatters},
			[]want{{"Regulation 12", "medicines", 3, 2, true}, {"Regulation 18", "staffing", 2, 2, true}}},
		{"same date only", []extract.Finding{staffing2019, sameDay}, nil},
		{"generic summaries are not a topic", []extract.Finding{summary2019, summary2023}, nil},
		{"one document", []extract.Finding{staffing2023, ligature2023}, nil},
		{"nothing", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Recurring(tc.in)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d groups, want %d: %+v", len(got), len(tc.want), got)
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Regulation != w.regulation || g.Theme != w.theme || len(g.Occurrences) != w.texts || g.Dates != w.dates || g.StillRaised != w.still {
					t.Errorf("group %d = %s/%s, %d occurrences, %d dates, still %v; want %+v", i, g.Regulation, g.Theme, len(g.Occurrences), g.Dates, g.StillRaised, w)
				}
				for j := 1; j < len(g.Occurrences); j++ {
					a, b := g.Occurrences[j-1].Published, g.Occurrences[j].Published
					if b != "" && a > b || a == "" && b != "" {
						t.Errorf("group %d: occurrences out of date order: %q before %q", i, a, b)
					}
				}
			}
		})
	}
}

func rating(doc, docType, published, subject, domain, r, prev string) extract.Finding {
	return extract.Finding{DocID: doc, DocType: docType, Published: published, Kind: extract.KindRating,
		Subject: subject, Domain: domain, Rating: r, Previous: prev, Text: subject + " " + domain + " " + r}
}

func TestClaims(t *testing.T) {
	report2022 := []extract.Finding{
		rating("rep22", "inspection report", "2022-06-01", "trust overall", "overall", "good", ""),
		rating("rep22", "inspection report", "2022-06-01", "trust overall", "well-led", "good", ""),
	}
	report := []extract.Finding{
		rating("rep", "inspection report", "2024-03-01", "trust overall", "overall", "requires improvement", "good"),
		rating("rep", "inspection report", "2024-03-01", "trust overall", "well-led", "requires improvement", "good"),
		rating("rep", "inspection report", "2024-03-01", "Maternity (Elmstead Hospital)", "overall", "inadequate", ""),
		rating("rep", "inspection report", "2024-03-01", "Surgery", "safe", "good", ""),
		rating("rep", "inspection report", "2024-03-01", "Surgery (Elmstead Hospital)", "safe", "requires improvement", ""),
	}
	for _, tc := range []struct {
		name    string
		cqc     []extract.Finding
		claim   extract.Finding
		verdict string
		// rating of the finding set beside the claim; "" for none
		against string
	}{
		{"agrees", report, rating("qa", "quality account", "2024-06-30", "trust", "overall", "requires improvement", ""), Agrees, "requires improvement"},
		{"overstated", report, rating("qa", "quality account", "2024-06-30", "the trust", "well-led", "good", ""), Conflicts, "requires improvement"},
		{"wrong previous", report, rating("ps", "press statement", "2024-03-01", "trust overall", "overall", "requires improvement", "outstanding"), Conflicts, "requires improvement"},
		{"location written out", report, rating("ps", "press statement", "2024-03-01", "Maternity at Elmstead Hospital", "overall", "inadequate", ""), Agrees, "inadequate"},
		{"location preferred to the service at large", report, rating("ps", "press statement", "2024-03-01", "Surgery (Elmstead Hospital)", "safe", "requires improvement", ""), Agrees, "requires improvement"},
		{"the report of the claim's time, not a later one", append(slices.Clone(report2022), report...), rating("bp", "board paper", "2023-01-10", "trust overall", "well-led", "good", ""), Agrees, "good"},
		{"no rating of that key question", report, rating("ps", "press statement", "2024-03-01", "Maternity", "caring", "good", ""), Unverified, ""},
		{"before any report", report, rating("ps", "press statement", "2020-01-01", "trust overall", "overall", "good", ""), Unverified, ""},
		{"different location", report, rating("ps", "press statement", "2024-03-01", "Maternity (Brackenford Hospital)", "overall", "good", ""), Unverified, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Claims(append(slices.Clone(tc.cqc), tc.claim))
			if len(got) != 1 {
				t.Fatalf("got %d claims, want 1: %+v", len(got), got)
			}
			c := got[0]
			if c.Verdict != tc.verdict {
				t.Errorf("verdict %s (%s), want %s", c.Verdict, c.Reason, tc.verdict)
			}
			switch {
			case tc.against == "" && c.Finding != nil:
				t.Errorf("set beside %+v, want nothing", c.Finding)
			case tc.against != "" && (c.Finding == nil || c.Finding.Rating != tc.against):
				t.Errorf("set beside %+v, want a rating %s", c.Finding, tc.against)
			}
			if c.Reason == "" {
				t.Error("no reason")
			}
		})
	}
}

func TestClaimsOrder(t *testing.T) {
	in := []extract.Finding{
		rating("rep", "inspection report", "2024-03-01", "trust overall", "overall", "requires improvement", ""),
		rating("rep", "inspection report", "2024-03-01", "trust overall", "safe", "inadequate", ""),
		rating("ps", "press statement", "2024-03-01", "trust overall", "overall", "requires improvement", ""),
		rating("ps", "press statement", "2024-03-01", "trust overall", "overall", "requires improvement", ""), // the same claim twice
		rating("ps", "press statement", "2024-03-01", "trust overall", "caring", "good", ""),
		rating("ps", "press statement", "2024-03-01", "trust overall", "safe", "requires improvement", ""),
	}
	var got []string
	for _, c := range Claims(in) {
		got = append(got, c.Verdict+" "+c.Claim.Domain)
	}
	want := []string{"conflicts safe", "agrees overall", "unverified caring"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestNames(t *testing.T) {
	got := Names([]string{
		"Leicestershire Partnership Trust", "Northvale NHS Foundation Trust", "LPT", "Leicestershire Partnership NHS Trust",
		"Northvale Foundation Trust", "Elmstead Care Home", "XYZ", "Brackenford General Hospital", "BGT", "",
	})
	var lines []string
	for _, p := range got {
		lines = append(lines, strings.Join(p.Names, " | "))
	}
	want := []string{
		"BGT",
		"Brackenford General Hospital",
		"Elmstead Care Home",
		"Leicestershire Partnership NHS Trust | Leicestershire Partnership Trust | LPT",
		"Northvale NHS Foundation Trust | Northvale Foundation Trust",
		"XYZ",
	}
	if !slices.Equal(lines, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if p, ok := Find(got, "LPT"); !ok || p.Name != "Leicestershire Partnership NHS Trust" {
		t.Errorf("Find(LPT) = %+v, %v", p, ok)
	}
	if _, ok := Find(got, "Nowhere Trust"); ok {
		t.Error("Find found a name not given")
	}
}
