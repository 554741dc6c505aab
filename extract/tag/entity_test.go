package tag

import (
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/extract"
)

func TestEntities(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string // "type:name", in order of first mention
	}{
		{"Dr Amira Osei, Chief Executive, said the trust accepted the findings.",
			[]string{"person:Dr Amira Osei"}},
		{"Jane Whitfield, the trust's director of nursing, welcomed the report.",
			[]string{"person:Jane Whitfield"}},
		{"The Care Quality Commission inspected Harrowfield and\nWyre NHS Foundation Trust and wrote to NHS England.",
			[]string{"organisation:Care Quality Commission", "organisation:Harrowfield and Wyre NHS Foundation Trust", "organisation:NHS England"}},
		{"Professor Nigel Brook OBE visited. Professor Nigel Brook returned.",
			[]string{"person:Professor Nigel Brook"}},
		{"Dr Osei\nChief Executive\nKestrel Valley NHS Trust",
			[]string{"person:Dr Osei", "organisation:Kestrel Valley NHS Trust"}},
		{"The ward was clean and staff were kind.", nil},
	} {
		t.Run(tc.text[:min(30, len(tc.text))], func(t *testing.T) {
			var got []string
			for _, f := range tagText(t, tc.text, extract.KindEntity) {
				got = append(got, f.EntityType+":"+f.Text)
				if tc.text[f.Start:f.End] == "" || f.End > len(tc.text) {
					t.Errorf("%s: bad offsets %d-%d", f.Text, f.Start, f.End)
				}
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("entities:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}
