package tag

import "strings"

// coreServiceVocab is CQC's list of core services, as data: the canonical
// name a finding's subject takes, then the phrases that name it in running
// text (lower case; a phrase with an apostrophe is also matched with a
// typographic one). Acute hospital services of both report eras, mental
// health and community health trusts, and ambulance services. A phrase is
// matched at word boundaries; the longest phrase at a place wins, so
// "community end of life care" is not read as "end of life care".
var coreServiceVocab = []struct {
	name     string
	variants []string
}{
	// acute hospitals (2014-2017 eight, 2018 onward ten)
	{"Urgent and emergency care", []string{"urgent and emergency care", "urgent and emergency services", "urgent & emergency care",
		"urgent and emergency", "accident and emergency", "a&e", "emergency department"}},
	{"Medical care (including older people's care)", []string{"medical care (including older people's care)", "medical care including older people's care",
		"medical care", "medical services", "medicine"}},
	{"Surgery", []string{"surgery", "surgical services"}},
	{"Critical care", []string{"critical care", "intensive care unit"}},
	{"Maternity and gynaecology", []string{"maternity and gynaecology", "maternity & gynaecology"}},
	{"Maternity", []string{"maternity", "maternity services", "maternity service", "obstetrics"}},
	{"Gynaecology", []string{"gynaecology"}},
	{"Services for children and young people", []string{"services for children and young people", "services for children & young people",
		"children and young people's services", "children's services"}},
	{"End of life care", []string{"end of life care", "end-of-life care"}},
	{"Outpatients and diagnostic imaging", []string{"outpatients and diagnostic imaging", "outpatients & diagnostic imaging", "outpatients and diagnostics"}},
	{"Outpatients", []string{"outpatients", "outpatient services", "outpatient department"}},
	{"Diagnostic imaging", []string{"diagnostic imaging", "diagnostic and imaging", "radiology"}},
	// mental health trusts
	{"Acute wards for adults of working age and psychiatric intensive care units", []string{
		"acute wards for adults of working age and psychiatric intensive care units", "acute wards for adults of working age",
		"psychiatric intensive care units", "psychiatric intensive care"}},
	{"Long stay or rehabilitation mental health wards for working age adults", []string{
		"long stay or rehabilitation mental health wards for working age adults", "long stay/rehabilitation mental health wards",
		"long stay or rehabilitation", "rehabilitation mental health wards"}},
	{"Forensic inpatient or secure wards", []string{"forensic inpatient or secure wards", "forensic mental health inpatient or secure wards",
		"forensic inpatient/secure wards", "forensic inpatient", "secure wards"}},
	{"Child and adolescent mental health wards", []string{"child and adolescent mental health wards", "camhs inpatient"}},
	{"Wards for older people with mental health problems", []string{"wards for older people with mental health problems",
		"wards for older people with mental health", "older people's mental health wards"}},
	{"Wards for people with a learning disability or autism", []string{"wards for people with a learning disability or autism",
		"wards for people with learning disabilities or autism", "wards for people with a learning disability", "wards for people with learning disabilities"}},
	{"Community-based mental health services for adults of working age", []string{"community-based mental health services for adults of working age",
		"community based mental health services for adults of working age", "community-based mental health services for adults",
		"community mental health services for adults of working age"}},
	{"Mental health crisis services and health-based places of safety", []string{"mental health crisis services and health-based places of safety",
		"mental health crisis services and health based places of safety", "mental health crisis services", "health-based places of safety"}},
	{"Specialist community mental health services for children and young people", []string{
		"specialist community mental health services for children and young people", "specialist community mental health services for children",
		"community camhs"}},
	{"Community-based mental health services for older people", []string{"community-based mental health services for older people",
		"community based mental health services for older people", "community mental health services for older people"}},
	{"Community mental health services for people with a learning disability or autism", []string{
		"community mental health services for people with a learning disability or autism", "community mental health services for people with learning disabilities or autism",
		"community mental health services for people with a learning disability", "community mental health services for people with learning disabilities"}},
	// community health services
	{"Community health services for adults", []string{"community health services for adults", "community services for adults", "adult community services"}},
	{"Community health services for children, young people and families", []string{"community health services for children, young people and families",
		"community health services for children and young people", "community health services for children", "community services for children, young people and families"}},
	{"Community health inpatient services", []string{"community health inpatient services", "community inpatient services", "community health inpatient"}},
	{"Community end of life care", []string{"community end of life care", "community end-of-life care"}},
	{"Community urgent care services", []string{"community urgent care services", "community urgent care service", "community health urgent care services", "community urgent care"}},
	{"Community dental services", []string{"community dental services", "community dental"}},
	// ambulance trusts
	{"Emergency and urgent care", []string{"emergency and urgent care"}},
	{"Patient transport services", []string{"patient transport services", "patient transport service", "non-emergency patient transport"}},
	{"Emergency operations centre", []string{"emergency operations centre", "emergency operations centres"}},
	{"NHS 111", []string{"nhs 111", "111 service"}},
	{"Resilience", []string{"resilience services"}},
	// groupings named in trust statements
	{"Urgent care", []string{"urgent care"}},
	{"Community services", []string{"community services", "community health services"}},
	{"Mental health services", []string{"mental health services"}},
}

// serviceKey is one phrase of coreServiceVocab.
type serviceKey struct{ key, name string }

// coreServices lists every phrase with its canonical name, longest first,
// with typographic-apostrophe variants added.
var coreServices = func() []serviceKey {
	var out []serviceKey
	for _, c := range coreServiceVocab {
		for _, v := range c.variants {
			out = append(out, serviceKey{v, c.name})
			if strings.Contains(v, "'") {
				out = append(out, serviceKey{strings.ReplaceAll(v, "'", "’"), c.name})
			}
		}
	}
	// longest first, so the first match at a place is the longest
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && len(out[j].key) > len(out[j-1].key); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}()

// canonicalService returns the canonical name of the core service that
// subject s names as a whole, keeping a location in brackets after it
// ("Urgent and emergency services (Brackenford General Hospital)" →
// "Urgent and emergency care (Brackenford General Hospital)"), or s.
func canonicalService(s string) string {
	name, at := s, ""
	if i := strings.LastIndex(s, " ("); i > 0 && strings.HasSuffix(s, ")") && isPlaceName(s[i+2:len(s)-1]) {
		name, at = s[:i], s[i:]
	}
	l := strings.ToLower(strings.TrimSpace(name))
	for _, pre := range []string{"the ", "our ", "its ", "their "} {
		l = strings.TrimPrefix(l, pre)
	}
	for _, c := range coreServices {
		if l == c.key {
			return c.name + at
		}
	}
	return s
}
