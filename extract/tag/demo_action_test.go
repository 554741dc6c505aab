package tag

import (
	"context"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/corpus/demo"
	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/extract/docx"
	"github.com/cqcmine/cqcmine/extract/html"
	"github.com/cqcmine/cqcmine/extract/pdf"
	"github.com/cqcmine/cqcmine/extract/text"
)

// reCitedAfter is a regulation cited right after an action: in brackets
// after its sentence, or alone on the next line.
var reCitedAfter = regexp.MustCompile(`^[\s.]*(?:\(\s*Reg(?:ulation)?s?\.?\s*\d|Reg(?:ulation)?s?\.?\s*\d)`)

// TestDemoActionRegulations tags every file of the demo corpus and checks
// that every must-do whose text contains a regulation, or is followed by
// one, carries it.
func TestDemoActionRegulations(t *testing.T) {
	extractors := map[string]extract.Extractor{
		".pdf": pdf.Extractor{}, ".html": html.Extractor{}, ".docx": docx.Extractor{}, ".txt": text.Extractor{},
	}
	musts, cited := 0, 0
	for _, name := range demo.Names() {
		x := extractors[path.Ext(name)]
		if x == nil {
			continue
		}
		data, err := fs.ReadFile(demo.FS(), name)
		if err != nil {
			t.Fatal(err)
		}
		c, err := x.Extract(context.Background(), data, extract.DefaultLimits)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		d := &extract.Document{Path: name, ID: "x", Size: int64(len(data)), Content: *c}
		pages := map[int]string{}
		for _, p := range d.Pages {
			pages[p.Number] = p.Text
		}
		for _, f := range testTagger(t).Tag(context.Background(), d) {
			if f.Kind != extract.KindMustDo {
				continue
			}
			musts++
			after := pages[f.Page][min(f.End, len(pages[f.Page])):]
			want := regulationIn(f.Text)
			if want == "" && reCitedAfter.MatchString(after) {
				want = "a regulation"
			}
			if want == "" {
				continue
			}
			cited++
			if f.Regulation == "" || want != "a regulation" && f.Regulation != want {
				t.Errorf("%s page %d: must-do %q has regulation %q, want %s (followed by %q)", name, f.Page, f.Text, f.Regulation, want, firstLine(after))
			}
		}
	}
	if cited == 0 {
		t.Errorf("no must-do of the %d in the demo corpus cites a regulation", musts)
	}
	t.Logf("demo corpus: %d must-dos, %d cite a regulation", musts, cited)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
