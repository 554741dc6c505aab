package web

import (
	"testing"
	"unicode/utf8"
)

func TestMarkText(t *testing.T) {
	const text = "Staff said “we are short” every day."
	for _, tc := range []struct {
		name       string
		start, end int
		mark       string
		ok         bool
	}{
		{"whole", 0, len(text), text, true},
		{"word", 0, 5, "Staff", true},
		{"inside a rune is widened", 12, 16, "“we", true},
		{"end inside a rune is widened", 11, 27, "“we are short”", true},
		{"empty", 3, 3, "", false},
		{"backwards", 5, 2, "", false},
		{"past the end", 0, len(text) + 1, "", false},
		{"negative", -1, 4, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := markText(text, tc.start, tc.end)
			if m.HasMark != tc.ok || m.Mark != tc.mark {
				t.Fatalf("markText(%d, %d) = %q (%v), want %q (%v)", tc.start, tc.end, m.Mark, m.HasMark, tc.mark, tc.ok)
			}
			if m.Pre+m.Mark+m.Post != text {
				t.Fatalf("the pieces do not make the text: %q + %q + %q", m.Pre, m.Mark, m.Post)
			}
			for _, s := range []string{m.Pre, m.Mark, m.Post} {
				if !utf8.ValidString(s) {
					t.Fatalf("piece %q is not valid UTF-8", s)
				}
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		n       int
		in, out string
	}{
		{10, "short", "short"},
		{5, "exactly five", "exact…"},
		{4, "ééé", "éé…"},
		{3, "ééé", "é…"},
	} {
		if got := truncate(tc.n, tc.in); got != tc.out {
			t.Errorf("truncate(%d, %q) = %q, want %q", tc.n, tc.in, got, tc.out)
		}
	}
}

func TestDisplayTitle(t *testing.T) {
	for _, tc := range [][3]string{
		{"A report", "x/y.pdf", "A report"},
		{" ", "reports/2019/a.pdf", "a.pdf"},
		{"", `C:\cqc\b.docx`, "b.docx"},
		{"", "", "Untitled document"},
	} {
		if got := displayTitle(tc[0], tc[1]); got != tc[2] {
			t.Errorf("displayTitle(%q, %q) = %q, want %q", tc[0], tc[1], got, tc[2])
		}
	}
}
