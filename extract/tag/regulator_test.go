package tag

import (
	"context"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/extract"
)

// ofstedReport is an invented Ofsted report on a council's children's
// services, which grades with CQC's four words.
const ofstedReport = `Inspection of Fernley County Council local authority children's services

Inspection dates: 3 to 14 March 2025

Lead inspector: Ann Example, His Majesty's Inspector

Judgement Grade
The impact of leaders on social work practice with children and families Requires improvement to be good
The experiences and progress of children in care Good
Overall effectiveness Requires improvement to be good

The local authority was judged to be inadequate at the last inspection in 2021.
Leaders must ensure that care plans are reviewed on time.
The local authority should improve the quality of supervision.
One young person said, "My social worker listens to me."
Inspectors said: "Managers know their teams well."

The Office for Standards in Education, Children's Services and Skills (Ofsted) regulates and inspects to achieve excellence.
Email enquiries@ofsted.gov.uk.
`

// cqcReport is an invented CQC report that names Ofsted in passing.
const cqcReport = `Elmstead House

Provided and run by: Elmstead Care Ltd

Overall: Good

We carried out this inspection under the Health and Social Care Act 2008. The Care Quality Commission (CQC) rated the service good.
Safe - Good
Well-led - Requires improvement
The home also runs a small school, which Ofsted rated good in 2023.
The provider must ensure that medicines are stored safely.
`

func TestRegulator(t *testing.T) {
	cases := []struct {
		name, text, want string
	}{
		{"Ofsted report", ofstedReport, "Ofsted"},
		{"CQC report naming Ofsted", cqcReport, "CQC"},
		{"CQC news", "Brackenford General Hospital rated inadequate\n\nThe Care Quality Commission has rated Brackenford General Hospital inadequate. CQC inspectors found staff shortages.", "CQC"},
		{"school report", "School report\n\nAshdown Primary School\n\nInspection dates 2–3 May 2018\nOverall effectiveness Good\nOutcomes for pupils Good\n\nOfsted\nThis report is at reports.ofsted.gov.uk. Ofsted will use the report.", "Ofsted"},
		{"joint area SEND inspection", "Area SEND inspection of Westmarch Local Area Partnership\n\nOfsted and the CQC ask that the local area partnership updates its plan.\n\n" +
			"The inspection was led by one of His Majesty's Inspectors from Ofsted, with a Children's Services Inspector from the Care Quality Commission (CQC).\nOfsted\nCQC lead inspector\nenquiries@ofsted.gov.uk", "Ofsted and CQC"},
		{"Welsh inspectorate", "Healthcare Inspectorate Wales (HIW)\nIndependent healthcare inspection of Northvale Clinic\n\nHIW found that the clinic provided safe care. HIW recommends that the clinic improves its records.", "HIW"},
		{"Scottish care inspectorate", "Care Inspectorate\nInspection report: Eastbrook Care Home\n\nHow good is our care and support? 4 - Good\nThe Care Inspectorate found the home was good.", "Care Inspectorate"},
		{"undertakings citing CQC", "UNDERTAKINGS\n\nNHS Improvement has decided to accept undertakings from Northvale NHS Trust.\nNHS Improvement notes that the CQC rated the trust inadequate.\nNHS Improvement will monitor the licence conditions.", "NHS England"},
		{"school report not naming its inspectorate", "Inspection of Ashdown Primary School\n\nOverall effectiveness: Good\nThe quality of education: Good\nPupils enjoy coming to school. The headteacher has high expectations.", "Ofsted"},
		{"care home page in CQC's words", "Elmstead House\nProvided and run by: Elmstead Care Ltd\n\nOverall: Good\n\nPeople told us staff were kind. We rated the service good.", "CQC"},
		{"CQC page naming only Ofsted", "Ashdown School Health Service\nProvided and run by: Northvale NHS Trust\n\nThe school is inspected by Ofsted.\n\nIs the service safe? Good\nWe rated the key question safe as good.", "CQC"},
		{"Ofsted named once in passing", "Westmarch Hospital nursery\n\nThe nursery, which Ofsted inspects, shares the site. The service was rated good overall.", ""},
		{"no regulator named", "Minutes of the parish council meeting held on 3 May.", ""},
	}
	for _, c := range cases {
		fs := testTagger(t).Tag(context.Background(), textDoc("t.txt", c.text))
		if got := fs[0].Regulator; got != c.want {
			t.Errorf("%s: regulator %q, want %q", c.name, got, c.want)
		}
	}
}

func TestForeignRegulatorFindings(t *testing.T) {
	fs := testTagger(t).Tag(context.Background(), textDoc("ofsted.txt", ofstedReport))
	quotes := 0
	for _, f := range fs {
		switch f.Kind {
		case extract.KindRating, extract.KindMustDo, extract.KindShouldDo, extract.KindScore:
			t.Errorf("Ofsted report: %s finding %q", f.Kind, f.Text)
		case extract.KindQuote:
			quotes++
			if f.Speaker == extract.SpeakerCQC {
				t.Errorf("Ofsted report: quote %q spoken by CQC", f.Text)
			}
		}
	}
	if quotes == 0 {
		t.Errorf("Ofsted report: quotes lost")
	}
	// the CQC report keeps its ratings and actions
	n := map[extract.Kind]int{}
	for _, f := range testTagger(t).Tag(context.Background(), textDoc("cqc.txt", cqcReport)) {
		n[f.Kind]++
	}
	if n[extract.KindRating] < 2 || n[extract.KindMustDo] != 1 {
		t.Errorf("CQC report naming Ofsted: %d ratings, %d must-dos; want >= 2 and 1", n[extract.KindRating], n[extract.KindMustDo])
	}
}

func TestGuidance(t *testing.T) {
	cases := []struct {
		text string
		want int // ratings and actions kept
	}{
		// generic statements
		{"A location rated good is likely to be meeting people's needs.", 0},
		{"At the other end of the scale, services given 'outstanding' ratings are judged to be performing exceptionally well.", 0},
		{"For example, for a rating of good, the score tells us whether it is near outstanding.", 0},
		{"Services repeatedly rated requires improvement", 0},
		{"From April, for services rated inadequate on two occasions, we will consider cancelling registration.", 0},
		{"Any service rated inadequate will be placed in special measures.", 0},
		{"Page last updated: 2 May 2024\n\nHow we rate\n\nWhat the ratings mean\n\nProviders rated inadequate must improve. The provider must tell us what it will do.", 0},
		{"Requires improvement: the service is not performing as well as it should and we have told it how it must improve.", 0},
		{"Good – the service is performing well and meeting our expectations.", 0},
		{"Where we rate a service as inadequate, we will inspect it again within six months.", 0},
		{"Councils receive a rating. The ratings are: Outstanding\nThe service is performing exceptionally well.", 0},
		{"Requires improvement\nThe service is not performing as well as it should and we have told the service how it must improve.", 0},
		{"CQC ratings range from outstanding to inadequate.", 0},
		// ratings of named or discussed services stay
		{"Brackenford House, a care home rated inadequate by the CQC, has closed.", 1},
		{"Overall the trust remains at a rating of good.", 1},
		{"The CQC rated Elmstead Care Home good for caring.", 1},
		{"The trust must ensure that staff complete their training.", 1},
		{"Is the service safe?\nRequires improvement\nThe service was not always safe.", 1},
		{"Eastmoor Hospital\n\nSafe – Good\nWell-led – Inadequate", 2},
	}
	for _, c := range cases {
		n := 0
		for _, f := range testTagger(t).Tag(context.Background(), textDoc("t.txt", c.text)) {
			if f.Kind == extract.KindRating || f.Kind == extract.KindMustDo || f.Kind == extract.KindShouldDo {
				n++
			}
		}
		if n != c.want {
			t.Errorf("%q: %d ratings and actions, want %d", strings.ReplaceAll(c.text, "\n", `\n`), n, c.want)
		}
	}
}
