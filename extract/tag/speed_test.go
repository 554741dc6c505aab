package tag

import (
	"strings"
	"testing"
)

// TestOpensList checks that opensList agrees with reLeadIn, which it
// stands in for.
func TestOpensList(t *testing.T) {
	ends := []string{"", ":", "：", "-", "--", " -", "\t–", "—", "x—–", " — ", ": ", "-\n", "a-", "a -", "a--", "–", " –\t\n", ";", ".", "::", "x:y", "–a"}
	heads := []string{"", "The trust must", "The provider should ", "Actions", "a", " ", "\n"}
	for _, h := range heads {
		for _, e := range ends {
			for _, e2 := range []string{"", " ", "-", "\f"} {
				s := h + e + e2
				if got, want := opensList(s), reLeadIn.MatchString(s); got != want {
					t.Errorf("opensList(%q) = %v, reLeadIn says %v", s, got, want)
				}
			}
		}
	}
}

// TestHasActionWord checks the one-pass hasActionWord against a test of
// each word in turn.
func TestHasActionWord(t *testing.T) {
	for _, l := range []string{"", "the trust must improve", "patients were seen", "in order to", "a recommendation", "x", "gives", "nothing here", "musT", "an urgent demand"} {
		want := false
		for _, w := range actionWords {
			want = want || strings.Contains(l, w)
		}
		if got := hasActionWord(l); got != want {
			t.Errorf("hasActionWord(%q) = %v, want %v", l, got, want)
		}
	}
}
