package tag

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/internal/golden"
)

// TestPhrasings runs the per-phrasing goldens in testdata/phrasings: each
// file holds phrasing classes ("## class"), each class invented examples
// (unindented text lines; a blank line ends one) and, indented under each,
// the findings expected of it (ratings, actions, quotes and scores), or
// "(none)" for a negative example. A rule change that moves a finding shows
// here as the example and line it moved; go test -update rewrites the
// expectations from the current output.
func TestPhrasings(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "phrasings", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no phrasing files: %v", err)
	}
	tg := testTagger(t)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			cases, err := readPhrasings(file)
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			for _, c := range cases {
				if c.header != "" {
					fmt.Fprintf(&out, "%s\n\n", c.header)
					continue
				}
				got := describe(tg.Tag(t.Context(), textDoc("t.txt", c.text)))
				if !golden.Updating() && strings.Join(got, "\n") != strings.Join(c.want, "\n") {
					t.Errorf("%s: %q\n got:\n  %s\nwant:\n  %s", c.class, c.text, strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
				}
				fmt.Fprintf(&out, "%s\n", c.text)
				for _, g := range got {
					fmt.Fprintf(&out, "  %s\n", g)
				}
				if len(got) == 0 {
					out.WriteString("  (none)\n")
				}
				out.WriteByte('\n')
			}
			if golden.Updating() {
				golden.Check(t, file, []byte(strings.TrimRight(out.String(), "\n")+"\n"))
			}
		})
	}
}

type phrasing struct {
	header, class, text string
	want                []string
}

// readPhrasings reads one phrasing file.
func readPhrasings(path string) ([]phrasing, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []phrasing
	var cur *phrasing
	class := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## "):
			class = strings.TrimPrefix(line, "## ")
			out = append(out, phrasing{header: line})
			cur = nil
		case strings.TrimSpace(line) == "":
			cur = nil
		case strings.HasPrefix(line, "  "):
			if cur == nil {
				return nil, fmt.Errorf("%s: expectation %q without an example", path, line)
			}
			if w := strings.TrimSpace(line); w != "(none)" {
				cur.want = append(cur.want, w)
			}
		default:
			if cur != nil && len(cur.want) == 0 {
				cur.text += "\n" + line
				continue
			}
			out = append(out, phrasing{class: class, text: line})
			cur = &out[len(out)-1]
		}
	}
	return out, sc.Err()
}

// describe writes the findings a phrasing test compares, one line each.
func describe(fs []extract.Finding) []string {
	var out []string
	or := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	for _, f := range fs {
		switch f.Kind {
		case extract.KindRating:
			l := fmt.Sprintf("rating %s | %s | %s | prev %s", f.Subject, f.Domain, f.Rating, or(f.Previous))
			if f.Direction != "" {
				l += " | " + f.Direction
			}
			out = append(out, l)
		case extract.KindMustDo, extract.KindShouldDo:
			out = append(out, fmt.Sprintf("%s %s | %s", f.Kind, f.Text, or(f.Regulation)))
		case extract.KindQuote:
			out = append(out, fmt.Sprintf("quote %s | %s | %s", f.Speaker, or(f.SpeakerName), f.Text))
		case extract.KindScore:
			s := "-"
			if f.Score > 0 {
				s = fmt.Sprint(f.Score)
			}
			out = append(out, fmt.Sprintf("score %s | %s | %s | %s", or(f.Subject), or(f.Domain), f.QualityStatement, s))
		}
	}
	return out
}
