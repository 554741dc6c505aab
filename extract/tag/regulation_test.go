package tag

import "testing"

func TestRegulationsIn(t *testing.T) {
	cases := []struct {
		text string
		era  int
		want string
	}{
		// by number, with paragraphs
		{"The trust must ensure staff are trained (Regulation 12(2)(a)).", 2014, "Regulation 12(2)(a)"},
		{"Reg 17: the board must review its risk register.", 2014, "Regulation 17"},
		{"in breach of regulation 18(1) of the Regulations", 2014, "Regulation 18(1)"},
		{"Regulation 12 (2) (b) was not met", 2014, "Regulation 12(2)(b)"},
		{"Reg. 9A visiting was restricted", 2014, "Regulation 9A"},
		{"Regulation\n12(2)(b)(d))", 2014, "Regulation 12(2)(b)(d)"},
		{"(Regulation 12(2)(b), Regulation 13(4)(b))", 2014, "Regulation 12(2)(b), Regulation 13(4)(b)"},
		{"Regulations 12 and 17 were breached", 2014, "Regulation 12, Regulation 17"},
		{"Regulations 9, 12, 17 and 18", 2014, "Regulation 9, Regulation 12, Regulation 17, Regulation 18"},
		{"Regulation 22, (Outcome 13): Staffing", 2010, "Regulation 22"},
		// by title, 2014
		{"Ensure that systems give good governance of maternity.", 2014, "Regulation 17"},
		{"breaches of safe care and treatment and dignity and respect", 2014, "Regulation 12, Regulation 10"},
		{"Regulation 17 HSCA (RA) Regulations 2014 Good governance", 2014, "Regulation 17"},
		{"to meet the regulation on person-centred care", 2014, "Regulation 9"},
		{"in breach of the regulation for staffing.", 2014, "Regulation 18"},
		{"improvements in relation to staffing.", 2014, "Regulation 18"},
		{"safeguarding service users from abuse and improper treatment", 2014, "Regulation 13"},
		{"the duty of candour was not followed", 2014, "Regulation 20"},
		{"receiving and acting on complaints", 2014, "Regulation 16"},
		{"fit and proper persons employed", 2014, "Regulation 19"},
		// by title, 2010
		{"improvements in relation to standards of care and welfare, and assessing and monitoring the quality of service provision.", 2010, "Regulation 9, Regulation 10"},
		{"Care and welfare of people who use services", 2010, "Regulation 9"},
		{"in breach of the regulation on staffing.", 2010, "Regulation 22"},
		{"safeguarding service users from abuse", 2010, "Regulation 11"},
		{"Management of medicines", 2010, "Regulation 13"},
		{"in breach of regulations relating to person-centred care, dignity and respect, and staffing.", 2014, "Regulation 9, Regulation 10, Regulation 18"},
		{"Regulation 18 (Staffing) and Regulation 17 (Good governance)", 2014, "Regulation 18, Regulation 17"},
		{"in line with safe care and treatment (Regulation 12(2)(a))", 2014, "Regulation 12(2)(a)"},
		// not regulations
		{"People were treated with dignity and respect.", 2014, ""},
		{"The home must ensure people receive person-centred care.", 2014, ""},
		{"Staffing levels on the ward were low.", 2014, ""},
		{"The trust must improve staffing levels at night.", 2014, ""},
		{"Regulations 2014 apply to all providers", 2014, ""},
		{"The home was served a section 29A notice.", 2014, ""},
		{"Outcome 13 was not met", 2010, ""},
		{"Governance meetings were held monthly.", 2014, ""},
		{"She was concerned about the care and welfare of her father.", 2010, ""},
	}
	for _, c := range cases {
		if got := regulationsIn(c.text, c.era); got != c.want {
			t.Errorf("%q (%d): got %q, want %q", c.text, c.era, got, c.want)
		}
	}
}
