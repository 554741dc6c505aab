package tag

import (
	"strings"
	"testing"
)

func TestThisKeyQuestion(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"the section's question, its previous rating stated",
			"Elmstead House\n\nIs the service safe?\n\nInadequate\n\nAt the last inspection this key question was rated as good. At this inspection this key question has deteriorated to inadequate.\n",
			[]string{"safe/inadequate prev=good"}},
		{"the nearest question, over a page break and a wrapped line",
			"Is the service caring?\n\nGood\n\nStaff were kind.\fIs the service well-led?\n\nAt the last inspection this key question was rated as good. At this inspection this key\nquestion has deteriorated to requires improvement.\n",
			[]string{"caring/good", "well-led/requires improvement prev=good"}},
		{"no question heading: no key question to take",
			"Elmstead House\n\nWe rated this key question as good overall at the last inspection. It is now rated requires improvement.\n",
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := textDoc("x.txt", tt.text)
			var got []string
			for _, f := range testTagger(t).Tag(t.Context(), doc) {
				if f.Kind != "rating" {
					continue
				}
				s := f.Domain + "/" + f.Rating
				if f.Previous != "" {
					s += " prev=" + f.Previous
				}
				got = append(got, s)
			}
			if tt.want == nil {
				for _, g := range got {
					if !strings.HasPrefix(g, "overall/") {
						t.Errorf("got %q: a key question without a heading to take it from", g)
					}
				}
				return
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestSectionAtPlace(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"a service section under its location's heading",
			"Brackenford General Hospital\n\nMaternity\n\nRequires improvement\n\nOur rating of this service went down. We rated it as requires improvement because:\n\n• Midwife staffing fell short.\n",
			[]string{"Maternity (Brackenford General Hospital)/overall/requires improvement"}},
		{"a sentence naming the place is no heading",
			"We visited Brackenford General Hospital.\n\nMaternity\n\nOur rating of this service went down. We rated it as requires improvement because:\n\n• Midwife staffing fell short.\n",
			[]string{"Maternity/overall/requires improvement"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range testTagger(t).Tag(t.Context(), textDoc("x.txt", tt.text)) {
				if f.Kind == "rating" {
					got = append(got, f.Subject+"/"+f.Domain+"/"+f.Rating)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
