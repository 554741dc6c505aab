package tag

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/extract"
)

// actionsOf tags text and returns its must-dos and should-dos as
// "kind | regulation | text" lines.
func actionsOf(t *testing.T, text string) []string {
	t.Helper()
	var out []string
	for _, f := range testTagger(t).Tag(context.Background(), textDoc("t.txt", text)) {
		if f.Kind == extract.KindMustDo || f.Kind == extract.KindShouldDo {
			out = append(out, fmt.Sprintf("%s | %s | %s", f.Kind, f.Regulation, f.Text))
		}
	}
	return out
}

// actionCorpus is a corpus of invented texts with the must-dos and
// should-dos each holds, one class of phrasing per group. Every text
// names fictional providers.
var actionCorpus = []struct {
	class, text string
	want        []string
}{
	// lead-in lines open a list; each item is an action of the lead-in's kind
	{"lead-in colon", "Importantly, the trust must:\nEnsure that nurse staffing on Larch ward meets the planned levels at night.\nReview the escalation policy for deteriorating patients.\nDr Ann Cole\nChief Inspector",
		[]string{"must-do |  | Ensure that nurse staffing on Larch ward meets the planned levels at night.", "must-do |  | Review the escalation policy for deteriorating patients."}},
	{"lead-in should dash", "The provider should -\n- Continue to monitor uptake of cervical screening.\nYou can read the full report on our website.",
		[]string{"should-do |  | Continue to monitor uptake of cervical screening."}},
	{"lead-in told", "CQC told Elmstead Care Home it must improve in the following areas:\n• Ensure that care plans reflect people's current needs.\n• Make sure medicines are stored at the right temperature.",
		[]string{"must-do |  | Ensure that care plans reflect people's current needs.", "must-do |  | Make sure medicines are stored at the right temperature."}},
	{"lead-in areas", "Some of the areas where CQC have told the practice it must improve are:\n\n  • Ensure all staff receive safeguarding training to the right level.",
		[]string{"must-do |  | Ensure all staff receive safeguarding training to the right level."}},
	{"lead-in in addition", "In addition the trust should:\nProvide a quiet room for relatives in the emergency department.\nThe report is published today.",
		[]string{"should-do |  | Provide a quiet room for relatives in the emergency department."}},
	{"heading MUST bare verbs", "Brackenford General Hospital\nAction the hospital MUST take to improve\nEnsure that resuscitation equipment is checked daily.\nAction the hospital SHOULD take to improve\nImprove the completion of appraisals for nursing staff.\nOutstanding practice\nThe hospital ran a pop-up clinic.",
		[]string{"must-do |  | Ensure that resuscitation equipment is checked daily.", "should-do |  | Improve the completion of appraisals for nursing staff."}},
	{"lead-in with explanations", "Northvale NHS Foundation Trust has been told that it must improve in the following areas by 30 June 2014:\n\n  • Regulation 9, (Outcome 4): Care and welfare of people who use services\n\nPeople's care was not planned to meet their needs.\n\n  • Regulation 13, (Outcome 9): Management of medicines\n\nMedicines were not stored safely.\n\nWe will return to check.",
		[]string{"must-do | Regulation 9 | Regulation 9, (Outcome 4): Care and welfare of people who use services", "must-do | Regulation 13 | Regulation 13, (Outcome 9): Management of medicines"}},
	{"item cut by the end", "The practice must:\n• Ensure fridge temperatures are recorded daily.\n• Ensure a policy for chaper",
		[]string{"must-do |  | Ensure fridge temperatures are recorded daily."}},
	{"lead-in completed by topics", "Leaders should improve how they coordinate their work in relation to:\n• the transition panel and its role\n• their oversight of part-time timetables\n",
		[]string{"should-do |  | Leaders should improve how they coordinate their work in relation to:"}},
	{"lower-case items", "You must make improvements by 31 July. In particular, the trust must:\n• review every ligature point on the wards;\n• stop using the seclusion room until it is safe.",
		[]string{"must-do |  | review every ligature point on the wards", "must-do |  | stop using the seclusion room until it is safe."}},
	{"acronym is not a verb", "Areas for improvement\nSEND services that improve outcomes for children.\n", nil},
	{"heading areas where", "Areas where the provider must make improvement\nEnsure that recruitment checks are completed for all staff.\nAreas where the provider should make improvement\nReview how patients are told about delays.\nOutstanding practice\n",
		[]string{"must-do |  | Ensure that recruitment checks are completed for all staff.", "should-do |  | Review how patients are told about delays."}},
	{"list without full stops", "The trust must:\n• review the staffing rota\n• audit hand hygiene monthly",
		[]string{"must-do |  | review the staffing rota", "must-do |  | audit hand hygiene monthly"}},
	{"GP areas lists", "Areas where the provider must make improvement\n\nThe areas where the provider must make improvements are:\n\n  • Ensure care and treatment is provided in a safe way to patients.\n\n(Please see the specific details on action required at the end of this report).\n\nThe areas where the provider should make improvements are:\n\n  • Review the system for following up uncollected prescriptions.\n  • Continue to improve uptake of childhood immunisations.\n\nDr Ann Cole\nChief Inspector of General Practice",
		[]string{"must-do |  | Ensure care and treatment is provided in a safe way to patients.", "should-do |  | Review the system for following up uncollected prescriptions.", "should-do |  | Continue to improve uptake of childhood immunisations."}},
	{"not a lead-in without a kind", "The report highlights the following concerns:\n• Staff had not completed training.\n• Records were incomplete.", nil},

	// regulations after or inside an action
	{"trailing regulation", "Action the trust MUST take to improve\n• The trust must ensure that fire doors are kept closed. (Regulation 15(1)(c))\n• The trust must ensure that patients are weighed weekly. (Regulation 14(4)(a))",
		[]string{"must-do | Regulation 15(1)(c) | The trust must ensure that fire doors are kept closed.", "must-do | Regulation 14(4)(a) | The trust must ensure that patients are weighed weekly."}},
	{"trailing regulation on next line", "Action the trust MUST take to improve\nThe trust must ensure that ward staff complete sepsis training.\n(Regulation 18(2)(a))\nThe trust must ensure that complaints are answered in time.\n(Regulation 16(1))",
		[]string{"must-do | Regulation 18(2)(a) | The trust must ensure that ward staff complete sepsis training.", "must-do | Regulation 16(1) | The trust must ensure that complaints are answered in time."}},
	{"two regulations", "The trust must ensure that seclusion is reviewed in line with the code. (Regulation 12(2)(b), Regulation 13(4)(b))",
		[]string{"must-do | Regulation 12(2)(b), Regulation 13(4)(b) | The trust must ensure that seclusion is reviewed in line with the code."}},
	{"regulation by title", "The provider must ensure it meets the requirements of good governance.",
		[]string{"must-do | Regulation 17 | The provider must ensure it meets the requirements of good governance."}},
	{"regulation by 2010 title", "Published: 3 March 2013\nCQC has issued a formal warning to Elmstead Care Home, requiring improvements in relation to care and welfare of people who use services and management of medicines.",
		[]string{"must-do | Regulation 9, Regulation 13 | CQC has issued a formal warning to Elmstead Care Home, requiring improvements in relation to care and welfare of people who use services and management of medicines."}},
	{"staffing by era", "Published: 12 May 2014\nCQC has issued a warning notice to the home, requiring improvements in relation to staffing.",
		[]string{"must-do | Regulation 22 | CQC has issued a warning notice to the home, requiring improvements in relation to staffing."}},

	// reported requirements in news and press releases
	{"told to improve", "Brackenford General Hospital has been told to improve its maternity services.",
		[]string{"must-do |  | Brackenford General Hospital has been told to improve its maternity services."}},
	{"warns it must", "Regulator warns hospital trust that it must make improvements",
		[]string{"must-do |  | Regulator warns hospital trust that it must make improvements"}},
	{"cqc requires improvement", "CQC requires improvement at a care home in Elmstead",
		[]string{"must-do |  | CQC requires improvement at a care home in Elmstead"}},
	{"needed to ensure", "Inspectors said the trust needed to ensure patients were seen within 15 minutes.",
		[]string{"must-do |  | Inspectors said the trust needed to ensure patients were seen within 15 minutes."}},
	{"changes in N areas", "The report found 42 areas where Northvale must make changes.",
		[]string{"must-do |  | The report found 42 areas where Northvale must make changes."}},
	{"action plan", "CQC has told the trust to submit an action plan within 28 days.",
		[]string{"must-do |  | CQC has told the trust to submit an action plan within 28 days."}},
	{"section 29A deadline", "The regulator served a section 29A warning notice on Northvale NHS Foundation Trust, requiring the trust to make significant improvements by 31 March.",
		[]string{"must-do |  | The regulator served a section 29A warning notice on Northvale NHS Foundation Trust, requiring the trust to make significant improvements by 31 March."}},
	{"conditions imposed", "CQC imposed conditions requiring the trust to review every patient on the waiting list.",
		[]string{"must-do |  | CQC imposed conditions requiring the trust to review every patient on the waiting list."}},
	{"deadline given", "The notice gives the home six weeks to put its staffing right.",
		[]string{"must-do |  | The notice gives the home six weeks to put its staffing right."}},
	{"has until", "The trust has until 30 September to address the concerns.",
		[]string{"must-do |  | The trust has until 30 September to address the concerns."}},
	{"warning notice improvements needed", "CQC has issued a warning notice to the provider, highlighting where improvements are needed.",
		[]string{"must-do |  | CQC has issued a warning notice to the provider, highlighting where improvements are needed."}},
	{"action plan requested", "We have requested an action plan from the provider to understand what they will do to improve.",
		[]string{"must-do |  | We have requested an action plan from the provider to understand what they will do to improve."}},
	{"told bosses", "Inspectors told hospital bosses they must act quickly on staffing.",
		[]string{"must-do |  | Inspectors told hospital bosses they must act quickly on staffing."}},
	{"improvements needed", "The CQC said improvements were needed in how medicines were managed at Elmstead Care Home.",
		[]string{"must-do |  | The CQC said improvements were needed in how medicines were managed at Elmstead Care Home."}},
	{"given less than", "The trust has been given less than six weeks to improve significantly.",
		[]string{"must-do |  | The trust has been given less than six weeks to improve significantly."}},
	{"we recommend", "We recommend the provider reviews its guidance on end of life care plans.",
		[]string{"should-do |  | We recommend the provider reviews its guidance on end of life care plans."}},
	{"removed is not lifted", "The trust must ensure that ligature points have been removed from bedrooms.",
		[]string{"must-do |  | The trust must ensure that ligature points have been removed from bedrooms."}},
	{"unless inside a condition", "The provider must not admit new residents unless a nurse has assessed them.",
		[]string{"must-do |  | The provider must not admit new residents unless a nurse has assessed them."}},
	{"headline told to", "Brackenford hospital told to improve after patients left waiting",
		[]string{"must-do |  | Brackenford hospital told to improve after patients left waiting"}},
	{"cqc orders", "CQC orders Elmstead Care Home to improve fire safety.",
		[]string{"must-do |  | CQC orders Elmstead Care Home to improve fire safety."}},
	{"letter requesting action", "We wrote to the provider on 2 May requesting they take urgent action on fire safety.",
		[]string{"must-do |  | We wrote to the provider on 2 May requesting they take urgent action on fire safety."}},

	// not actions
	{"general duty", "Providers must display their most recent rating.", nil},
	{"named leaders", "Area leaders should strengthen joint commissioning across the partnership.",
		[]string{"should-do |  | Area leaders should strengthen joint commissioning across the partnership."}},
	{"named service plural", "Maternity services at Brackenford General Hospital must improve.",
		[]string{"must-do |  | Maternity services at Brackenford General Hospital must improve."}},
	{"generic plural", "Why care homes should be rated more often", nil},
	{"cqc duty", "CQC must publish its report within 50 days.", nil},
	{"cqc procedure", "We may request the provider to complete an improvement action plan within 28 days.", nil},
	{"own commitment", "We will make sure that every patient is seen within four hours.", nil},
	{"quoted statement", "The chief executive said: \"We must do better for our patients.\"", nil},
	{"quoted label", "There were five bullet points under 'areas where the provider should make improvements'.", nil},
	{"requirement met", "The conditions required the trust to report monthly. These conditions have now been met, so they have been removed.", nil},
	{"notice lifted", "The warning notice required the home to improve its staffing. The notice has since been lifted.", nil},
	{"previously required", "The trust was previously issued with a warning notice requiring it to improve triage.", nil},
	{"last inspection", "Following our last inspection, we asked the provider to complete an action plan to show what they would do to improve.", nil},
	{"previously told", "Previously the home had been told to improve its care plans.", nil},
	{"every provider", "Every trust must publish its ratings on its website.", nil},
	{"conditional warning", "The home could face enforcement action if it does not improve.", nil},
	{"court penalty", "Elmstead Care Ltd was ordered to pay £20,000 after a prosecution by CQC.", nil},
	{"breaches as findings", "We found the provider was in breach of 4 regulations. These related to safe care and treatment, staffing and good governance.", nil},
	{"whether", "The incident is under review by CQC to decide whether any regulatory action should be taken.", nil},
	{"public expectation", "Safe care is what people using services should expect.", nil},
	{"areas lead-in sentence", "However, there were also areas of poor practice where the trust needs to make improvements.", nil},
	{"reference to the list", "Please see the action we have told the provider to take at the end of this report.", nil},
	{"set phrase", "We told the trust that it must take action to bring services into line with legal requirements.", nil},
	{"set phrase with a count", "We told the trust that it must take action to bring services into line with seven legal requirements.", nil},
	{"past recommendation", "At our last inspection we recommended the provider review its medicines audits.", nil},
	{"recommendation made", "Some improvements were still needed and we made a recommendation to support this.", nil},
	{"reader instruction", "Any enquiries about this publication should be sent to us at the address below.", nil},
	{"copyright notice", "The material must be acknowledged as Care Quality Commission copyright.", nil},
	{"aggregate told", "Where problems were identified, managers were told to draw up action plans.", nil},
	{"report-back set phrase", "The provider must send CQC a report that says what action they are going to take to meet these requirements.", nil},
	{"report-back set phrase 2010", "We have asked the provider to send us a report by 30 June, setting out the action they will take to meet the standards.", nil},
	{"patients told", "Patients were asked to wait in the corridor until a bed was free.", nil},
	{"sent somewhere", "Most people who call the service are directed to the right team at the first contact.", nil},
	{"complaints procedure", "Any complaints about the inspection or the report should be made following the published procedure.", nil},
	{"headline public told", "Patients told to expect delays at Brackenford this winter", nil},
	{"praise", "The report said staff at the home should be proud of the care they give.", nil},
	{"board paper", "The board is asked to note the actions completed since the inspection.", nil},
	{"stated standard", "The department did not meet the standard that 95% of patients should be seen within four hours.", nil},
}

func TestActionCorpus(t *testing.T) {
	for _, c := range actionCorpus {
		got := actionsOf(t, c.text)
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s: %q\n got %q\nwant %q", c.class, c.text, got, c.want)
		}
	}
}

func TestLeadInKind(t *testing.T) {
	cases := []struct {
		line string
		want extract.Kind
	}{
		{"The trust must:", extract.KindMustDo},
		{"Importantly, the trust must:", extract.KindMustDo},
		{"The provider should -", extract.KindShouldDo},
		{"CQC told the practice it must improve in the following areas:", extract.KindMustDo},
		{"In addition the trust should:", extract.KindShouldDo},
		{"CQC imposed conditions requiring the trust to:", extract.KindMustDo},
		{"The trust must ensure staff are trained.", ""},
		{"The Warning Notice key improvement areas identified were:", ""},
		{"Staff told us:", ""},
		{"The report highlights the following concerns:", ""},
	}
	for _, c := range cases {
		if got := leadInKind(c.line); got != c.want {
			t.Errorf("%q: got %q, want %q", c.line, got, c.want)
		}
	}
}

func TestStartsImperative(t *testing.T) {
	cases := []struct {
		line string
		want bool
	}{
		{"Ensure that all staff complete safeguarding training.", true},
		{"Review the provision of seven-day consultant cover.", true},
		{"Continue working to sustain improvement in diabetes care.", true},
		{"Make sure controlled drugs are checked daily.", true},
		{"Review of services took place in May.", false},
		{"Support was given to staff after incidents.", false},
		{"Staff ensured that patients were safe.", false},
		{"ensure lower-case starts are not bare verb lines", false},
	}
	for _, c := range cases {
		if got := startsImperative(c.line); got != c.want {
			t.Errorf("%q: got %v, want %v", c.line, got, c.want)
		}
	}
}

func TestActionWhy(t *testing.T) {
	cases := []struct{ text, want string }{
		{"Importantly, the trust must:\nEnsure that hoists are serviced every six months.\n", "list-item: lead-in 'Importantly, the trust must:'"},
		{"The trust must ensure that fire doors are kept closed. (Regulation 15(1)(c))\n", "modal: 'trust must', regulation 'Regulation 15(1)(c)'"},
		{"The notice gave the trust three months to make the necessary improvements.\n", "deadline-given: 'gave the trust three months to m'"},
	}
	for _, c := range cases {
		var why []string
		fs, err := testTagger(t).TagDoc(context.Background(), textDoc("t.txt", c.text), Options{Explain: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if f.Kind == extract.KindMustDo || f.Kind == extract.KindShouldDo {
				why = append(why, f.Why)
			}
		}
		if len(why) != 1 || why[0] != c.want {
			t.Errorf("%q: why %q, want %q", c.text, why, c.want)
		}
	}
	for _, f := range testTagger(t).Tag(context.Background(), textDoc("t.txt", cases[0].text)) {
		if f.Why != "" {
			t.Errorf("without Explain, %s has why %q", f.Kind, f.Why)
		}
	}
}
