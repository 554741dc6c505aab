package tag

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/extract"
)

func TestScoreRules(t *testing.T) {
	cases := []struct {
		name string
		text string
		want []string // subject/domain/statement/score, sorted
	}{
		{"label on the next line",
			"Elmstead Care Home\n\nSafe environments\nScore: 3\n3 - Evidence shows a good standard\n",
			[]string{"Elmstead Care Home/safe/Safe environments/3"}},
		{"label after a dash",
			"Ashdown Lodge\n\nAssessing needs — score 2 (some shortfalls)\nPeople told us their needs were reviewed.",
			[]string{"the service/effective/Assessing needs/2"}},
		{"label spelt otherwise",
			"Assessing people’s needs\nScore: 1\nPartnership and communities\nScore: 4\n",
			[]string{"the service/effective/Assessing needs/1", "the service/well-led/Partnerships and communities/4"}},
		{"council page: no key question",
			"Westmarch County Council: local authority assessment\n\nAssessing needs\nScore: 2\n2 - Evidence shows some shortfalls\n",
			[]string{"Westmarch County Council//Assessing needs/2"}},
		{"table under a score header",
			"Quality statement | Score\nInfection prevention and control | 3\nMedicines optimisation | 1\n",
			[]string{"the service/safe/Infection prevention and control/3", "the service/safe/Medicines optimisation/1"}},
		{"cell with a scale label",
			"Safeguarding: 2 – some shortfalls\n",
			[]string{"the service/safe/Safeguarding/2"}},
		{"scored N for",
			"The service scored 1 for medicines optimisation, showing significant shortfalls.",
			[]string{"the service/safe/Medicines optimisation/1"}},
		{"score of N out of 4 for a list",
			"Inspectors gave Brackenford Surgery a score of 3 out of 4 for kindness, compassion and dignity and for treating people as individuals.",
			[]string{"Brackenford Surgery/caring/Kindness, compassion and dignity/3", "Brackenford Surgery/caring/Treating people as individuals/3"}},
		{"council news in prose",
			"Northvale Borough Council said it was pleased the council scored 3 out of 4 for safeguarding.",
			[]string{"Northvale Borough Council//Safeguarding/3"}},
		{"named body as sentence subject",
			"News from the local authorities this week.\nEastbrook City Council received a score of 4 for equity in experience and outcomes.",
			[]string{"Eastbrook City Council//Equity in experience and outcomes/4"}},
		{"statement then was scored",
			"At Elmstead Care Home, freedom to speak up was scored 2 by inspectors.",
			[]string{"Elmstead Care Home/well-led/Freedom to speak up/2"}},
		{"all other areas, expanded to the listed areas",
			"Councils are assessed on nine areas, including ‘how the local authority works with people’, ‘safeguarding’, ‘leadership’ and ‘assessing needs’.\n\n" +
				"Fernley County Council received a score of 4 for ‘safeguarding’ and a score of 3 for all other areas.",
			[]string{"Fernley County Council//Assessing needs/3", "Fernley County Council//How the local authority works with people/3",
				"Fernley County Council//Leadership/3", "Fernley County Council//Safeguarding/4"}},

		{"highest possible score",
			"Fernley Borough Council scored the highest possible 4 for partnerships and communities.",
			[]string{"Fernley Borough Council//Partnerships and communities/4"}},
		{"areas including",
			"Eastmoor Care Home was scored 3 out of 4 in areas including safe environments and medicines optimisation.",
			[]string{"Eastmoor Care Home/safe/Medicines optimisation/3", "Eastmoor Care Home/safe/Safe environments/3"}},
		{"for a statement, then the score",
			"Northvale City Council: assessment\n\nFor safeguarding, the council scored 2, showing some shortfalls.",
			[]string{"Northvale City Council//Safeguarding/2"}},

		{"given N out of 4",
			"Westmarch Borough Council was given 3 out of 4 for safeguarding.",
			[]string{"Westmarch Borough Council//Safeguarding/3"}},
		{"score in brackets",
			"Eastbrook City Council\n\nOur highest score (4) was for partnerships and communities.",
			[]string{"Eastbrook City Council//Partnerships and communities/4"}},
		{"inline list of scores",
			"Eastbrook City Council\n\nScores: assessing needs 2, safeguarding 3; equity in experience and outcomes 2.",
			[]string{"Eastbrook City Council//Assessing needs/2", "Eastbrook City Council//Equity in experience and outcomes/2", "Eastbrook City Council//Safeguarding/3"}},
		{"council-run care home keeps its key question",
			"Ashdown Lodge\nProvided and run by: Fernley County Council\n\nOverall: Good\n\nSafeguarding\nScore: 3\n",
			[]string{"Ashdown Lodge/safe/Safeguarding/3"}},

		{"the score for a statement",
			"At Elmstead Care Home the score for the safeguarding quality statement was 2.",
			[]string{"Elmstead Care Home/safe/Safeguarding/2"}},

		// not scores
		{"longer phrase", "The home scored 4 for safeguarding training completion.", nil},
		{"theme in a provider's page", "Leadership\nScore: 3\n", nil},
		{"percentage of a key question", "Elmstead Care Home scored 42 out of 100 for safe.", nil},
		{"percentage overall", "Westmarch County Council scored 58% overall, which equals a rating of requires improvement.", nil},
		{"percent after the statement", "Safeguarding scored 2% higher than last year.", nil},
		{"scale definition", "The scoring framework is:\n1 = Evidence shows significant shortfalls\n4 = Evidence shows an exceptional standard\n", nil},
		{"scale in prose", "Each area is given a score out of four, with one being “significant shortfalls” and four an “exceptional standard”.", nil},
		{"worked example table",
			"Example: combining quality statement scores for the safe key question\n\nQuality statement | Score\nLearning culture | 2\nSafe environments | 3\n", nil},
		{"for example, if", "For example, if a service scored 2 for safeguarding, the rating would be limited.", nil},
		{"hypothetical", "A provider that would score 1 for safe environments must act at once.", nil},
		{"evidence category row", "Quality statement | Score\nProcesses | 2\nPeople's experience | 3\n", nil},
		{"row without a score context", "Safeguarding 2\nStaff knew how to report concerns.", nil},
		{"statement named, no score", "We looked at safeguarding and infection prevention and control.", nil},
		{"key question name is no statement", "Safe\nScore: 3\n", nil},
		{"date after a statement", "Safeguarding: 3 March 2024 visit\n", nil},
		{"range of the scale", "The ratings rest on scores of 1 (significant shortfalls) to 4 (an exceptional standard) across nine quality statements: assessing needs; safeguarding; partnerships and communities.", nil},
		{"scale as ratings", "Each quality statement gets a score from 1 to 4:\n1 = inadequate\n2 = requires improvement\n3 = good\n4 = outstanding\n", nil},
		{"count after rated", "The practice rated 2 of its safeguarding leads as expert.", nil},
		{"statements listed, no scores", "We looked at 5 quality statements: safeguarding, safe environments, kindness, compassion and dignity, and equity in access.", nil},
	}
	for _, c := range cases {
		var got []string
		fs, err := testTagger(t).TagDoc(context.Background(), textDoc("t.txt", c.text), Options{Explain: true})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for _, f := range fs {
			if f.Kind != extract.KindScore {
				continue
			}
			got = append(got, f.Subject+"/"+f.Domain+"/"+f.QualityStatement+"/"+itoaScore(f.Score))
			if !strings.Contains(f.Why, "score-") {
				t.Errorf("%s: why %q names no rule", c.name, f.Why)
			}
		}
		sort.Strings(got)
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s: %q:\n got %q\nwant %q", c.name, c.text, got, c.want)
		}
	}
}

func itoaScore(n int) string {
	if n == 0 {
		return "null"
	}
	return string(rune('0' + n))
}

func TestQualityStatementVocabulary(t *testing.T) {
	count := map[string]int{}
	for _, e := range providerStatements {
		count[e.domain]++
	}
	want := map[string]int{"safe": 8, "effective": 6, "caring": 5, "responsive": 7, "well-led": 8}
	for d, n := range want {
		if count[d] != n {
			t.Errorf("%s: %d quality statements, want %d", d, count[d], n)
		}
	}
	themes, stmts := 0, 0
	for _, e := range laStatements {
		if e.theme == "" {
			themes++
		} else {
			stmts++
		}
	}
	if themes != 4 || stmts != 9 {
		t.Errorf("local authority: %d themes and %d statements, want 4 and 9", themes, stmts)
	}
	for _, c := range []struct{ text, want string }{
		{"Governance management and sustainability", "Governance, management and sustainability"},
		{"EQUITY IN EXPERIENCES AND OUTCOMES", "Equity in experience and outcomes"},
		{"Infection, prevention and control", "Infection prevention and control"},
		{"responding to people's immediate needs", "Responding to people's immediate needs"},
		{"Person centred care", "Person-centred care"},
	} {
		ms := findMentions(strings.ToLower(c.text))
		if len(ms) != 1 || ms[0].entry(false).name != c.want {
			t.Errorf("%q: mentions %v, want %q", c.text, ms, c.want)
		}
	}
}
