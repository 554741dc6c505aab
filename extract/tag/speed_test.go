package tag

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// TestOpensList checks that opensList agrees with reLeadIn, which it
// stands in for.
func TestOpensList(t *testing.T) {
	ends := []string{"", ":", "：", "-", "--", " -", "\t–", "—", "x—–", " — ", ": ", "-\n", "a-", "a -", "a--", "–", " –\t\n", ";", ".", "::", "x:y", "–a"}
	heads := []string{"", "The trust must", "The provider should ", "Actions", "a", " ", "\n"}
	for _, h := range heads {
		for _, e := range ends {
			for _, e2 := range []string{"", " ", "-", "\f"} {
				s := h + e + e2
				if got, want := opensList(s), reLeadIn.MatchString(s); got != want {
					t.Errorf("opensList(%q) = %v, reLeadIn says %v", s, got, want)
				}
			}
		}
	}
}

// TestHasActionWord checks the one-pass hasActionWord against a test of
// each word in turn.
func TestHasActionWord(t *testing.T) {
	for _, l := range []string{"", "the trust must improve", "patients were seen", "in order to", "a recommendation", "x", "gives", "nothing here", "musT", "an urgent demand"} {
		want := false
		for _, w := range actionWords {
			want = want || strings.Contains(l, w)
		}
		if got := hasActionWord(l); got != want {
			t.Errorf("hasActionWord(%q) = %v, want %v", l, got, want)
		}
	}
}

// TestNearStartAt checks that starting the entity regexps where titleFrom
// and orgFrom say finds what scanning the whole window finds.
func TestNearStartAt(t *testing.T) {
	texts := []string{
		"Report dated 3 May. The chair, Mr Tom Ashgrove of Brackenford and\nWyre NHS Foundation Trust, met Dr. Helen Marsh.",
		"Northvale NHS Foundation Trust (the trust) and Elmstead Borough Council agreed; Healthwatch Elmstead Vale said so.",
		"x.Care Quality Commission, NHS England; 12 Upon Avon City Council’s plan. Professor Jane Lowe-Reed, Dame Ann Brook.",
		"MDr Smith; the Northvale Integrated Care Board and the Care Quality Commission",
		"no names at all here, nhs in lower case and a council",
	}
	found := 0
	for _, s := range texts {
		st := &docState{text: s, lower: asciiLower(s)}
		for _, c := range []struct {
			name    string
			got     [][]int
			without [][]int
		}{
			{"title", st.near(reTitledPerson, titleAnchors, 0, 80, titleFrom), st.near(reTitledPerson, titleAnchors, 0, 80, nil)},
			{"org", st.near(reOrganisation, orgAnchors, 160, 40, orgFrom), st.near(reOrganisation, orgAnchors, 160, 40, nil)},
		} {
			found += len(c.got)
			if fmt.Sprint(c.got) != fmt.Sprint(c.without) {
				t.Errorf("%s in %q: %v, whole windows give %v", c.name, s, c.got, c.without)
			}
		}
	}
	if found < 8 {
		t.Errorf("%d names found in the examples, want 8 or more", found)
	}
}

// TestInspectMatch checks inspectMatch against reInspect.
func TestInspectMatch(t *testing.T) {
	for _, l := range []string{
		"",
		"report of inspection at elmstead care home. date of inspection visit: 4 and 5 march 2024",
		"we visited the ward in the evening and we inspected brackenford house on 2 may 2023\nnext",
		"inspections are planned. the inspection took place between 1 and 3 june",
		"inspect inspect inspection of northvale ward, then inspection carried out on 9 july",
		"nothing to see",
	} {
		for from := 0; from <= len(l); from += 7 {
			want := reInspect.FindStringSubmatchIndex(l[from:])
			at, got := inspectMatch(l, from)
			var shifted []int
			for _, x := range got {
				if x >= 0 {
					x += at - from
				}
				shifted = append(shifted, x)
			}
			if fmt.Sprint(shifted) != fmt.Sprint(want) && !(got == nil && want == nil) {
				t.Errorf("inspectMatch(%q, %d) = %v, reInspect gives %v", l, from, shifted, want)
			}
		}
	}
}

// TestEndsWithMatch checks endsWithMatch against the regexps it runs.
func TestEndsWithMatch(t *testing.T) {
	leads := []string{"", "the so-called ", "what is KNOWN AS,  ", "a long line before the phrase :", "the report, ", "the trust's new Handbook",
		"see the website:", "a notebook", "the ſection", "entitled\n", "the expression", "x the expression ,", "headed: :", "in the policy  ,  ",
		"our values", "the term", "a framework document, called", "pre-title"}
	for _, s := range leads {
		for _, c := range []struct {
			re *regexp.Regexp
			n  int
		}{{reTermBefore, 14}, {reDocBefore, 11}} {
			if got, want := endsWithMatch(c.re, s, c.n), c.re.MatchString(s); got != want {
				t.Errorf("endsWithMatch(%v, %q) = %v, want %v", c.re, s, got, want)
			}
		}
	}
}

// TestBoardPaper checks boardPaper against reBoardPaper.
func TestBoardPaper(t *testing.T) {
	long := strings.Repeat("é", 39)
	for _, l := range []string{"", "the trust board meeting", "xtrust board meeting", "trust board " + long + " report", "trust board " + long + "x report",
		"public board papers", "public board reports", "a paper for the board", "a paper for the boards", "board of directors\nmeeting",
		"the board of directors’ agenda", "trust boards meeting", "_trust board meeting", "1 trust board paper"} {
		if got, want := boardPaper(l), reBoardPaper.MatchString(l); got != want {
			t.Errorf("boardPaper(%q) = %v, reBoardPaper says %v", l, got, want)
		}
	}
}

// TestScanRegulatorWords checks the one-pass scan against countWord and
// strings.Contains.
func TestScanRegulatorWords(t *testing.T) {
	for _, l := range []string{"", "cqc", "the cqc and cqcs, care inspectorate wales and the care inspectorate. cqccqc cqc",
		"ofsted: ofsted.gov.uk pupils, headteacher and early years; his majesty's inspector", strings.Repeat("hiw ", 500) + "rqia",
		"nhs england and nhs improvement undertakings; the licensee", "aa"} {
		seen := scanRegulatorWords(l)
		for i, w := range regulatorWords {
			all, head := countWord(l, w)
			if s := seen[i]; s.all != all || s.head != head || s.found != strings.Contains(l, w) {
				t.Errorf("in %.40q, %q: %+v, want %d, %d, %v", l, w, s, all, head, strings.Contains(l, w))
			}
		}
	}
}

// TestRatingGates checks that the word tests before the rating regexps
// never rule out text the regexps would match, and that mayRate agrees
// with a test of each rate word in turn.
func TestRatingGates(t *testing.T) {
	texts := []string{"", "27 of these care homes have been rated good", "the number of wards rated good", "those areas rated good",
		"three were rated inadequate", "rated all of", "one of the eight core services", "overall the trust was rated good",
		"at the last inspection it was rated good", "we previously inspected the home", "the home had been rated good",
		"prior inspection", "when we inspected on 4 may 2019 when", "often rated good", "the trust is rated good", "none of",
		"many services", "our mental health wards were rated outstanding", "well led", "wellled", "safety", "requiring improvement"}
	for _, l := range texts {
		if (reAggr.MatchString(l) || reRatedN.MatchString(l) || reNumOf.MatchString(l)) && !aggregateWords(l) {
			t.Errorf("aggregateWords(%q) = false, but a regexp matches", l)
		}
		if (reHistory.MatchString(l) || reEarlierVisit.MatchString(l)) && !historyWords(l) {
			t.Errorf("historyWords(%q) = false, but a regexp matches", l)
		}
		want := false
		for _, w := range rateWords {
			want = want || strings.Contains(l, w)
		}
		if got := mayRate(l); got != want {
			t.Errorf("mayRate(%q) = %v, want %v", l, got, want)
		}
	}
	if aggregateWords("often the trust was rated good overall") {
		t.Error("aggregateWords finds a quantity word inside another word")
	}
}
