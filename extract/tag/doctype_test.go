package tag

import (
	"testing"

	"github.com/cqcmine/cqcmine/extract"
)

// TestDocType reads a document's kind from its head, as its readers do.
func TestDocType(t *testing.T) {
	cases := []struct{ text, want string }{
		{"Northvale NHS Foundation Trust\n\nInspection report\n\nMill Lane, Brackenford\n\nRequirement notices\n\nRegulated activity", "inspection report"},
		{"Brackenford General Hospital Quality Report\nDate of inspection visit: 4 May 2015", "inspection report"},
		{"Trust responds to CQC inspection report\n\nPublished: 2 May 2024\n\nThe trust has been rated good. Jane Morrow, chief executive, said: “We are proud of our staff.”\n\nThe trust board will discuss the report at its meeting in June.", "press statement"},
		{"Board of Directors (meeting in public): CQC inspection report and improvement plan\n\nMeeting date: 5 May 2024. Agenda item: 9.", "board paper"},
		{"Warning notice\n\nThis warning notice is served under section 29A of the Health and Social Care Act 2008.", "warning notice"},
	}
	for _, c := range cases {
		var got string
		for _, f := range testTagger(t).Tag(t.Context(), textDoc("t.txt", c.text)) {
			if f.Kind == extract.KindDocument {
				got = f.DocType
			}
		}
		if got != c.want {
			t.Errorf("%.60q: doc type %q, want %q", c.text, got, c.want)
		}
	}
}
