package index

// SyntaxExample is one line of the query help: what to type and what it
// finds. The help page and `cqcmine search -h` show these, and a test
// checks each against Match (texts it must find) and Miss (texts it must
// not), as page text and as findings.
type SyntaxExample struct {
	Query string
	Finds string
	Match []string
	Miss  []string
}

// QuerySyntax is the query help, in the order it is shown.
var QuerySyntax = []SyntaxExample{
	{Query: "ligature risks", Finds: "both words, anywhere in the text, in any case",
		Match: []string{"Ligature risks on Beech Ward", "risks from a LIGATURE point"},
		Miss:  []string{"ligature points were removed"}},
	{Query: "inspect", Finds: "word endings do not matter: also “inspected”, “inspection”, “inspects”",
		Match: []string{"We inspected the ward", "the inspection team", "she inspects the rota"},
		Miss:  []string{"an introspective culture"}},
	{Query: "staffing", Finds: "also “staff”, “staffed” and “staffs”",
		Match: []string{"Staff were kind", "the ward was fully staffed", "staffing levels"},
		Miss:  []string{"stuff was stored in the corridor", "patients stayed longer"}},
	{Query: `"warning notice"`, Finds: "the exact phrase, its words in this order and next to each other",
		Match: []string{"We served a warning notice on the trust", "Warning Notices were issued"},
		Miss:  []string{"a notice giving warning", "a warning and a notice"}},
	{Query: "well-led", Finds: "a word written with a hyphen or slash: its parts together and in order, joined or not",
		Match: []string{"The trust was well-led", "services were well led", "the WELL-LED key question"},
		Miss:  []string{"leadership was led well", "well staffed and led by a matron"}},
	{Query: "seclusion OR restraint", Finds: "either word (write OR in capitals)",
		Match: []string{"the seclusion room", "use of restraint"},
		Miss:  []string{"observation levels"}},
	{Query: "staffing -agency", Finds: "“staffing” but not “agency”",
		Match: []string{"staffing levels were low"},
		Miss:  []string{"agency staffing was high"}},
	{Query: "observ*", Finds: "words starting with “observ”",
		Match: []string{"hourly observations", "staff observed patients"},
		Miss:  []string{"obsessive checking"}},
	{Query: "seclushion~", Finds: "words spelt with one letter different, as written (fuzzy; endings count)",
		Match: []string{"the seclusion room"},
		Miss:  []string{"patients were secluded", "seclusions"}},
	{Query: "obsrvatons~2", Finds: "words spelt with up to two letters different",
		Match: []string{"hourly observations", "Observations were late"},
		Miss:  []string{"staff observed patients"}},
	{Query: "kind:must-do", Finds: "a field’s value (kind, rating, domain, ...); the filters do the same; page text has none"},
	{Query: `rating:"requires improvement"`, Finds: "a field’s value of several words"},
	{Query: `regulation:"Regulation 12"`, Finds: "a regulation"},
	{Query: "theme:staffing", Finds: "a theme"},
}
