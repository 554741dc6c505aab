package tag

import (
	"context"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/extract"
)

// quoteCase is one text and the quotes it holds, each "text|speaker|name".
// A nil want means the text holds no quote.
type quoteCase struct {
	name string
	text string
	want []string
}

func runQuoteCases(t *testing.T, cases []quoteCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, f := range tagText(t, c.text, extract.KindQuote) {
				got = append(got, f.Text+"|"+f.Speaker+"|"+f.SpeakerName)
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("%q:\n got %q\nwant %q", c.text, got, c.want)
			}
		})
	}
}

// TestQuoteSpeakers: the speaker comes from the attribution around the
// quote, before or after it, in its sentence or the one before; pronouns
// name the last named speaker; a quote that follows another goes on in
// that speaker's words; with no attribution, the document's voice decides.
func TestQuoteSpeakers(t *testing.T) {
	runQuoteCases(t, []quoteCase{
		{"said-after-role-of-trust",
			"Brackenford General Hospital was rated good.\n\n“We are proud of every one of our midwives,” said Dr Imogen Vale, chief executive of Northvale NHS Foundation Trust.",
			[]string{"We are proud of every one of our midwives,|trust|Dr Imogen Vale"}},
		{"role-before-cqc",
			"Professor Alan Whitcombe, Chief Inspector of Hospitals, said: “The care at Brackenford was not safe.”",
			[]string{"The care at Brackenford was not safe.|CQC|Professor Alan Whitcombe"}},
		{"role-of-cqc-not-trust",
			"Dr Nia Holm, chief executive of the Care Quality Commission, said: “Leaders must act now.”",
			[]string{"Leaders must act now.|CQC|Dr Nia Holm"}},
		{"patient-told-us",
			"The service at Elmstead Care Home was rated good. One patient told us, “The nurses always have time for me.”",
			[]string{"The nurses always have time for me.|patient|"}},
		{"relative-said",
			"The home was rated requires improvement. A relative said, “Mum is settled and well looked after.”",
			[]string{"Mum is settled and well looked after.|other|"}},
		{"inspectors-found",
			"Inspectors found staff were “stretched beyond their limits” on the wards of Brackenford General Hospital, which the CQC rated inadequate.",
			[]string{"stretched beyond their limits|CQC|"}},
		{"report-said",
			"The CQC report said the hospital had a “culture of blame” in its maternity unit.",
			[]string{"culture of blame|CQC|"}},
		{"according-to",
			"According to the CQC report, the ward was “cluttered and unsafe” during the visit.",
			[]string{"cluttered and unsafe|CQC|"}},
		{"pronoun-after-named-speaker",
			"Greta Lindqvist, CQC's head of hospital inspection, said the findings were “worrying”.\n\n“We will return to check that the trust has made the changes we asked for,” she added.",
			[]string{"worrying|CQC|Greta Lindqvist", "We will return to check that the trust has made the changes we asked for,|CQC|Greta Lindqvist"}},
		{"next-paragraph-continues-speaker",
			"Marcus Ode, chief executive of Northvale NHS Foundation Trust, said: “We accept the report.”\n\n“Our staff have worked hard all year.”",
			[]string{"We accept the report.|trust|Marcus Ode", "Our staff have worked hard all year.|trust|Marcus Ode"}},
		{"new-attribution-switches-speaker",
			"Marcus Ode, the trust's chief executive, said: “We accept the report.” A patient said: “The ward felt chaotic at night.”",
			[]string{"We accept the report.|trust|Marcus Ode", "The ward felt chaotic at night.|patient|"}},
		{"passive-by-agent",
			"The trust was warned by the CQC in May that it must address concerns over “staffing on the night shifts”.",
			[]string{"staffing on the night shifts|CQC|"}},
		{"passive-found-is-inspection",
			"Elmstead Care Home in Mill Street was found to have a “closed culture” and was rated inadequate.",
			[]string{"closed culture|CQC|"}},
		{"company-is-provider",
			"The CQC rated the home inadequate. Oakhill Care Holdings Limited, which runs Elmstead Care Home, said it had made “rapid improvements”.",
			[]string{"rapid improvements|trust|"}},
		{"comments-from-patients",
			"The service was rated good. Comments from patients included “they made me feel at ease”.",
			[]string{"they made me feel at ease|patient|"}},
		{"quote-from-professional",
			"The agency was rated outstanding. One quote from a visiting social worker about the agency: “they go well beyond what is asked of them every single day.”",
			[]string{"they go well beyond what is asked of them every single day.|other|"}},
		{"default-trust-voice",
			"Our staff and our patients deserve the best. Our trust was rated good by the CQC.\n\n“Safe, kind care for every patient, every time.”",
			[]string{"Safe, kind care for every patient, every time.|trust|"}},
		{"default-cqc-report",
			"We rated this service as requires improvement. The registered manager had left.\n\n“Staff did not always record medicines given.”",
			[]string{"Staff did not always record medicines given.|CQC|"}},
		{"other-inspectorate",
			"Ofsted inspected the council's children's services. Inspectors found that social workers were “passionate about the children they support”. Ofsted rated the service good.",
			[]string{"passionate about the children they support|other|"}},
		{"other-inspectorate-child",
			"Ofsted judged the service good. One young person said, “My worker always listens to me.”",
			[]string{"My worker always listens to me.|patient|"}},
		{"spokesperson-for-home-after",
			"The CQC rated Elmstead Care Home inadequate.\n\n“We are disappointed with the findings,” a spokesperson for Elmstead Care Home said.",
			[]string{"We are disappointed with the findings,|trust|"}},
		{"spokesperson-for-cqc",
			"The CQC rated the trust good. A spokesperson for the CQC said: “The trust has improved.”",
			[]string{"The trust has improved.|CQC|"}},
		{"body-of-no-known-kind",
			"The CQC rated the trust inadequate. Healthwatch Northvale said the report was “a wake-up call for the town”.",
			[]string{"a wake-up call for the town|other|"}},
		{"mp-named",
			"The CQC rated the trust inadequate. Local MP Sarah Quill said: “Patients deserve better than this.”",
			[]string{"Patients deserve better than this.|other|Sarah Quill"}},
		{"nurse-told-after",
			"The CQC rated the ward inadequate.\n\n“It was like working in a war zone,” one nurse told reporters.",
			[]string{"It was like working in a war zone,|trust|"}},
		{"watchdog-said-after",
			"The CQC rated the ward inadequate.\n\n“The trust must improve quickly,” the watchdog said.",
			[]string{"The trust must improve quickly,|CQC|"}},
		{"statement-by-trust",
			"The CQC rated the trust good. In a statement, Northvale NHS Foundation Trust said: “We thank our staff.”",
			[]string{"We thank our staff.|trust|"}},
		{"surname-resolves-to-named-speaker",
			"Sarah Quill, the trust's director of nursing, said: “We listened.”\n\nMrs Quill added: “We will keep listening.”",
			[]string{"We listened.|trust|Sarah Quill", "We will keep listening.|trust|Sarah Quill"}},
		{"resident-described-as",
			"The CQC rated the home good. One resident described the staff as “like family”.",
			[]string{"like family|patient|"}},
		{"relatives-list-of-words",
			"The CQC rated the home good. Relatives described the home as “welcoming” and “homely”.",
			[]string{"welcoming|other|", "homely|other|"}},
		{"staff-told-inspectors",
			"The CQC rated the practice requires improvement. Staff told inspectors they felt “unsupported”.",
			[]string{"unsupported|trust|"}},
		{"inspectors-report-described",
			"The CQC rated the trust inadequate. The inspectors’ report described “a culture of fear” among midwives.",
			[]string{"a culture of fear|CQC|"}},
		{"two-speakers-two-paragraphs",
			"Dr Omar Reyes, CQC deputy chief inspector, said: “This is a good service.”\n\nThe trust's chief executive, Ann Tull, said: “We are delighted.”",
			[]string{"This is a good service.|CQC|Dr Omar Reyes", "We are delighted.|trust|Ann Tull"}},
		{"another-person-told-us",
			"We rated the service good.\n\nPeople told us they felt safe. One person said, \"I feel safe here because the staff know me.\" Another person told us, \"They always come quickly when I ring.\"",
			[]string{"I feel safe here because the staff know me.|patient|", "They always come quickly when I ring.|patient|"}},
		{"relative-told-us",
			"We rated the service good.\n\nRelatives were positive. One relative told us, \"The manager always rings me if anything changes.\"",
			[]string{"The manager always rings me if anything changes.|other|"}},
		{"health-professional-said",
			"We rated the service good.\n\nA visiting health professional said, \"The staff follow our advice closely.\"",
			[]string{"The staff follow our advice closely.|other|"}},
		{"staff-told-us",
			"We rated the service good.\n\nStaff told us, \"We work well as a team and the manager listens.\"",
			[]string{"We work well as a team and the manager listens.|trust|"}},
		{"said-colon-then-paragraphs",
			"CQC has rated Brackenford General Hospital inadequate.\n\nDr Lena Marsh, CQC's deputy chief inspector of hospitals, said:\n\n\"We found a service that was not safe for patients.\n\n\"We will return to check on progress.\"",
			[]string{"We found a service that was not safe for patients.|CQC|Dr Lena Marsh", "We will return to check on progress.|CQC|Dr Lena Marsh"}},
		{"he-added-that",
			"Northvale NHS Foundation Trust was rated good by the CQC.\n\nThe trust's chief executive, Paul Denby, said: \"This is down to our staff.\" He added that the trust would \"keep improving every year\".",
			[]string{"This is down to our staff.|trust|Paul Denby", "keep improving every year|trust|Paul Denby"}},
		{"inspectors-said-two-phrases",
			"The CQC rated the home inadequate in March. Inspectors said the home was \"dirty and unsafe\" and residents were \"left for hours without help\".",
			[]string{"dirty and unsafe|CQC|", "left for hours without help|CQC|"}},
		{"provider-must-quoted-by-cqc",
			"The home was rated inadequate by the CQC. A spokesperson for the home said: \"We are working with the council.\"\n\nThe CQC said the provider \"must make rapid improvements\".",
			[]string{"We are working with the council.|trust|", "must make rapid improvements|CQC|"}},
		{"trust-voice-report-said",
			"Our trust was rated good by the CQC. Our staff are proud.\n\nThe report said our maternity team showed \"compassion and skill\".",
			[]string{"compassion and skill|CQC|"}},
		{"patients-described-as",
			"The CQC rated the practice good. Patients described the reception team as ‘friendly and helpful’.",
			[]string{"friendly and helpful|patient|"}},
		{"introduced-quote-keeps-its-speaker",
			"The CQC rated the ward good. One patient said the ward was “noisy at night”, staff said it was “calm”.",
			[]string{"noisy at night|patient|", "calm|trust|"}},
		{"passive-agent-after-quote",
			"The CQC rated the home good. Staff were described as “kind and gentle” by residents.",
			[]string{"kind and gentle|patient|"}},
		{"attribution-in-sentence-before",
			"The CQC rated the trust good.\n\nDr Ruth Okafor, the trust's medical director, said staff had worked hard all year. “We are proud of every one of them.”",
			[]string{"We are proud of every one of them.|trust|Dr Ruth Okafor"}},
		{"sentence-before-without-speech",
			"We rated the home good. Staff had worked hard all year.\n\n“Staff did not always record the medicines they gave.”",
			[]string{"Staff did not always record the medicines they gave.|CQC|"}},
		{"spokesperson-for-another-body",
			"The CQC rated the trust inadequate. A spokeswoman for NHS England said: “We will support the trust to improve.”",
			[]string{"We will support the trust to improve.|other|"}},
		{"patients-relative",
			"The CQC rated the ward inadequate. One patient's daughter said: “Nobody told us anything.”",
			[]string{"Nobody told us anything.|other|"}},
		{"patients-families",
			"The CQC rated the ward inadequate. Patients’ families said: “We were kept in the dark.”",
			[]string{"We were kept in the dark.|other|"}},
		{"no-regulator-default-other",
			"The novel opens in a small harbour town.\n\n“The sea will not wait for us.”",
			[]string{"The sea will not wait for us.|other|"}},
	})
}

// TestQuoteSpans: what is a quote, and where it starts and ends.
func TestQuoteSpans(t *testing.T) {
	runQuoteCases(t, []quoteCase{
		{"single-word-from-report",
			"The CQC inspection found there were “persistent” delays in the emergency department.",
			[]string{"persistent|CQC|"}},
		{"mismatched-marks",
			"The report found ‘a real commitment to learning from incidents” across the trust, which the CQC rated good.",
			[]string{"a real commitment to learning from incidents|CQC|"}},
		{"apostrophe-inside-single",
			"The CQC report praised ‘the home’s staff and their patience’ in its summary.",
			[]string{"the home’s staff and their patience|CQC|"}},
		{"multi-paragraph-statement",
			"Ann Corley, the trust's chair, said: “We welcome the CQC report.\n\n“We will publish our plan next month.”",
			[]string{"We welcome the CQC report.|trust|Ann Corley", "We will publish our plan next month.|trust|Ann Corley"}},
		{"nested-double-is-one-quote",
			"Chief executive Rhys Penrose said: “To be rated “outstanding” for caring is a credit to our teams.”",
			[]string{"To be rated “outstanding” for caring is a credit to our teams.|trust|Rhys Penrose"}},
		{"nested-slogan-is-part-of-outer",
			"Inspectors said: “Staff showed the trust's value of ‘kindness in every contact’ throughout our visit.”",
			[]string{"Staff showed the trust's value of ‘kindness in every contact’ throughout our visit.|CQC|"}},
		{"nested-reported-finding-is-its-own",
			"The chair said: “Their findings reflect what we hear, that ‘patients feel listened to’. We are proud of that.”",
			[]string{"Their findings reflect what we hear, that ‘patients feel listened to’. We are proud of that.|trust|", "patients feel listened to|CQC|"}},
		{"unclosed-ends-at-sentence",
			"The report describes “a service that has lost its way. Managers were not visible.\n\nThe trust has responded.",
			[]string{"a service that has lost its way|CQC|"}},
		{"crosshead-repeats-finding",
			"The CQC found a “toxic culture” at the home, which was rated inadequate.\n\n‘Toxic culture’\n\nManagers did not act on concerns.",
			[]string{"toxic culture|CQC|", "Toxic culture|CQC|"}},
		{"partly-marked-phrase-repeats-finding",
			"The trust faces action over a “chaotic” ward.\n\nThe CQC described the ward as “chaotic ward” in its report.",
			[]string{"chaotic|CQC|", "chaotic ward|CQC|"}},
		{"phrase-in-prepositional-phrase",
			"The CQC report found staff worked in a “climate of fear” on the ward.",
			[]string{"climate of fear|CQC|"}},
		{"phrase-reported-in-sentence-before",
			"The CQC team found there was “a strong sense of teamwork” in the service. Further, there were “open, honest conversations with families” on every visit.",
			[]string{"a strong sense of teamwork|CQC|", "open, honest conversations with families|CQC|"}},
		{"list-of-reported-comments",
			"The service was rated good. Comments from patients included “kind and patient”, “always smiling” and “nothing is too much trouble”.",
			[]string{"kind and patient|patient|", "always smiling|patient|", "nothing is too much trouble|patient|"}},
	})
}

// TestNotQuotes: words in quotation marks that are not quoted findings or
// statements.
func TestNotQuotes(t *testing.T) {
	runQuoteCases(t, []quoteCase{
		{"rating-and-domain-names", "The CQC rated the hospital ‘Good’ and ‘caring’ was rated ‘Outstanding’.", nil},
		{"link-label", "Read the full report via the ‘all reports’ link on the CQC website.", nil},
		{"defined-term", "The Care Quality Commission (“CQC”) inspected Elmstead Care Home.", nil},
		{"defined-act", "The Health and Social Care Act 2008 ('the Act') sets the rules the CQC enforces.", nil},
		{"document-title-after-noun", "Complaints should follow the guidance, ‘Raising a concern about an inspection’, on the CQC website.", nil},
		{"so-called-term", "The CQC reviewed the so-called ‘fast track’ discharges from Brackenford General Hospital.", nil},
		{"scare-quoted-term", "The CQC asked how many of the deaths at the trust were really \"unavoidable\".", nil},
		{"key-question-title", "The CQC rated the trust good in answer to \"Are services caring?\"", nil},
		{"tab-label", "On the CQC website, the ‘Inspection summary’ tab lists what inspectors found.", nil},
		{"category-labels", "The CQC looks at evidence in the ‘feedback from staff and leaders’ and ‘observation’ categories.", nil},
		{"label-list", "The CQC assessed the council on three areas: ‘working with people’, ‘providing support’ and ‘ensuring safety’.", nil},
		{"slogan", "Inspectors found staff lived up to the trust motto ‘care without limits’ in the ward the CQC rated good.", nil},
		{"score-scale-label", "A score of 1 means the evidence shows “significant shortfalls” in the CQC framework.", nil},
		{"campaign-name",
			"The CQC rated the trust good. The trust's “Think Safe” campaign was praised.",
			nil},
		{"key-question-label",
			"The CQC rated the ‘Safe’ key question as good.",
			nil},
		{"closing-mark-only", "The CQC rated it good. Patients said it was very good, sorted everything” and left.", nil},
	})
}

func TestRegulatorOf(t *testing.T) {
	cases := []struct {
		text       string
		cqc, other bool
	}{
		{"The Care Quality Commission rated the trust good.", true, false},
		{"We rated the service as requires improvement.", true, false},
		{"Ofsted inspected the council. Ofsted found progress. The CQC joined one visit.", false, true},
		{"Ofsted and the CQC inspected the area jointly; the CQC reviewed health services.", true, false},
		{"This evaluation strategy sets out key questions for the department.", false, false},
	}
	for _, c := range cases {
		st := &docState{text: c.text, lower: asciiLower(c.text)}
		if cqc, other := st.regulatorOf(); cqc != c.cqc || other != c.other {
			t.Errorf("%q: regulatorOf = %v, %v; want %v, %v", c.text, cqc, other, c.cqc, c.other)
		}
	}
}

func TestQuoteWhy(t *testing.T) {
	tg := testTagger(t)
	text := "Professor Alan Whitcombe, Chief Inspector of Hospitals, said: “The care at Brackenford was not safe.”"
	var why []string
	fs, err := tg.TagDoc(context.Background(), textDoc("t.txt", text), Options{Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Kind == extract.KindQuote {
			why = append(why, f.Why)
		}
	}
	want := "quote-statement: speaker CQC (before: 'Professor Alan Whitcombe, Chief Inspector of Hospitals,')"
	if len(why) != 1 || why[0] != want {
		t.Errorf("why = %q, want [%q]", why, want)
	}
}

// FuzzQuotePanics fails on any panic in the quote rules, which Tag would
// otherwise swallow.
func FuzzQuotePanics(f *testing.F) {
	for _, s := range []string{"“a “b” c”", "‘x”", "\"a \"b\" c.\"", "said: “x\n\n“y", "‘Poor’\n\nfound a “poor culture”", "Ofsted ‘a’, ‘b’, ‘c’"} {
		f.Add(s)
	}
	tg := testTagger(f)
	f.Fuzz(func(t *testing.T, s string) {
		st := &docState{t: tg, ctx: context.Background(), doc: &extract.Document{}}
		st.text, st.lower, st.starts = s, asciiLower(s), []int{0}
		st.blocks, st.sents = segment(s)
		st.scanQuotes()
		st.tagQuotes()
	})
}
