package main

import (
	"strings"
	"testing"
)

func TestPrintable(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"reports/brackenford.pdf", "reports/brackenford.pdf"},
		{"reports/Café Élan care home.pdf", "reports/Café Élan care home.pdf"},
		{"", ""},
		{"two\nlines.pdf", `"two\nlines.pdf"`},
		{"carriage\rreturn.pdf", `"carriage\rreturn.pdf"`},
		{"tab\there.pdf", `"tab\there.pdf"`},
		{"\x1b[2Jclear.pdf", `"\x1b[2Jclear.pdf"`},
		{"bell\a.pdf", `"bell\a.pdf"`},
		{"del\x7f.pdf", `"del\x7f.pdf"`},
		{"c1\u0085.pdf", `"c1\u0085.pdf"`},
		{"\u202egnp.pdf", `"\u202egnp.pdf"`}, // right-to-left override
		{"latin1-\xe9.pdf", `"latin1-\xe9.pdf"`},
		{"U+FFFD \ufffd kept", "U+FFFD \ufffd kept"},
		{`say "hi".pdf`, `say "hi".pdf`},
	} {
		got := printable(tc.in)
		if got != tc.want {
			t.Errorf("printable(%q) = %s, want %s", tc.in, got, tc.want)
		}
		if strings.ContainsAny(got, "\n\r\x1b") {
			t.Errorf("printable(%q) = %q keeps a control character", tc.in, got)
		}
	}
}
