package pipeline_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	htmllib "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/cqcmine/cqcmine/corpus"
	"github.com/cqcmine/cqcmine/internal/shared"
	"github.com/cqcmine/cqcmine/pipeline"
)

// gridsBars are the figures the grids dev set must reach in every
// format.
var gridsBars = map[string]float64{
	"ratings":           0.97,
	"rating subject":    0.95,
	"actions":           0.90,
	"action regulation": 0.95,
}

// makeGridsHTML writes the HTML version of every report that
// ../shared/pdfs/grids/generate_grids.py describes, with its gold, into
// dir. It returns false when python3 cannot run the generator.
func makeGridsHTML(t *testing.T, gen, dir string) bool {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		return false
	}
	script := `import sys, json, os
sys.path.insert(0, sys.argv[1])
import generate_grids as g
for d in g.dev_docs():
    with open(os.path.join(sys.argv[2], d.name + ".html"), "w", encoding="utf-8") as f:
        f.write(g.to_html(d, d.theme))
    with open(os.path.join(sys.argv[2], d.name + ".json"), "w", encoding="utf-8") as f:
        json.dump(d.gold, f)
`
	out, err := exec.Command(py, "-c", script, gen, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("generate_grids.py: %v\n%s", err, out)
	}
	return true
}

// TestGridsAccuracy extracts the ratings-grid reports of
// ../shared/pdfs/grids as PDFs, as the HTML the generator writes for them
// and as DOCX made from that HTML, tags them and scores each format with
// score.py against the gold.
func TestGridsAccuracy(t *testing.T) {
	root := shared.Dir(t, "")
	grids := filepath.Join(root, "pdfs", "grids")
	if _, err := exec.LookPath("python3"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3 not found: the grids accuracy test needs it")
		}
		t.Skip("python3 not found: the grids accuracy test needs it")
	}
	htmlDir, docxDir := t.TempDir(), t.TempDir()
	if !makeGridsHTML(t, grids, htmlDir) {
		t.Skip("python3 cannot run generate_grids.py")
	}
	htmls, _ := filepath.Glob(filepath.Join(htmlDir, "*.html"))
	for _, h := range htmls {
		data, err := os.ReadFile(h)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(h), ".html")
		if err := os.WriteFile(filepath.Join(docxDir, name+".docx"), htmlToDOCX(t, data), 0o644); err != nil {
			t.Fatal(err)
		}
		gold, err := os.ReadFile(filepath.Join(htmlDir, name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(docxDir, name+".json"), gold, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ name, dir, glob string }{
		{"pdf", grids, "*.pdf"},
		{"html", htmlDir, "*.html"},
		{"docx", docxDir, "*.docx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files, _ := filepath.Glob(filepath.Join(tc.dir, tc.glob))
			if len(files) != 4 {
				t.Fatalf("%d %s files in %s, want 4", len(files), tc.glob, tc.dir)
			}
			pred := filepath.Join(t.TempDir(), "findings.jsonl")
			tables := extractTo(t, files, pred)
			figs, out := scoreGrids(t, root, tc.dir, pred)
			lines := strings.Split(strings.TrimSpace(out), "\n")
			t.Logf("%s: %s", tc.name, lines[len(lines)-1])
			if tables == 0 {
				t.Skipf("the %s extractor finds no tables yet:\n%s", tc.name, out)
			}
			for name, bar := range gridsBars {
				if got, ok := figs[name]; !ok || got < bar {
					t.Errorf("%s %.3f, want >= %.2f", name, got, bar)
				}
			}
			if t.Failed() {
				t.Log(out)
			}
		})
	}
}

// extractTo runs the pipeline on files, writes the findings to pred and
// returns how many tables the extractors found.
func extractTo(t *testing.T, files []string, pred string) int {
	t.Helper()
	items, err := corpus.Walk(context.Background(), files)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(pred)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sink := pipeline.NewJSONLSink(f)
	var k keep
	if _, err := pipeline.Run(context.Background(), config(t), items, sink, &k); err != nil {
		t.Fatal(err)
	}
	if err := sink.Flush(); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range k.results {
		if r.Status != pipeline.StatusOK {
			t.Errorf("%s: %s %v", r.Input.Path, r.Status, r.Err)
			continue
		}
		for _, p := range r.Doc.Pages {
			n += len(p.Tables)
		}
	}
	return n
}

var reGridFigure = regexp.MustCompile(`(?m)^(ratings|actions|quotes)\s+P=\S+ R=\S+ F1=([0-9.]+)|^(rating subject|rating previous|action regulation|quote speaker)\s+([0-9.]+)`)

// scoreGrids runs score.py and returns its figures and output.
func scoreGrids(t *testing.T, root, gold, pred string) (map[string]float64, string) {
	t.Helper()
	out, err := exec.Command("python3", filepath.Join(root, "eval", "score.py"), "--gold", gold, "--pred", pred, "--show-misses").CombinedOutput()
	if err != nil {
		t.Fatalf("score.py: %v\n%s", err, out)
	}
	figs := map[string]float64{}
	for _, m := range reGridFigure.FindAllStringSubmatch(string(out), -1) {
		if m[1] != "" {
			figs[m[1]], _ = strconv.ParseFloat(m[2], 64)
		} else {
			figs[m[3]], _ = strconv.ParseFloat(m[4], 64)
		}
	}
	return figs, string(out)
}

// htmlToDOCX writes the headings, paragraphs, list items and tables of
// an HTML page as a Word document: each block a w:p (list items
// numbered, headings in Heading styles), each table a w:tbl whose first
// row of <th> repeats as a header, each block in a cell a paragraph of
// the cell, colspan as w:gridSpan.
func htmlToDOCX(t *testing.T, page []byte) []byte {
	t.Helper()
	doc, err := htmllib.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	para := func(style, txt string) {
		txt = strings.Join(strings.Fields(txt), " ")
		if txt == "" {
			return
		}
		b.WriteString("<w:p>")
		switch {
		case style == "list":
			b.WriteString(`<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>`)
		case style != "":
			b.WriteString(`<w:pPr><w:pStyle w:val="` + style + `"/></w:pPr>`)
		}
		b.WriteString(`<w:r><w:t xml:space="preserve">`)
		xml.EscapeText(&b, []byte(txt))
		b.WriteString("</w:t></w:r></w:p>")
	}
	var textOf func(n *htmllib.Node) string
	textOf = func(n *htmllib.Node) string {
		if n.Type == htmllib.TextNode {
			return n.Data
		}
		if n.Type == htmllib.ElementNode && (n.DataAtom == atom.Style || n.DataAtom == atom.Script || n.DataAtom == atom.Title) {
			return ""
		}
		var s strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			s.WriteString(textOf(c))
			s.WriteByte(' ')
		}
		return s.String()
	}
	var block func(n *htmllib.Node)
	block = func(n *htmllib.Node) {
		if n.Type != htmllib.ElementNode && n.Type != htmllib.DocumentNode {
			return
		}
		switch n.DataAtom {
		case atom.Head, atom.Style, atom.Script:
			return
		case atom.H1, atom.H2, atom.H3:
			para("Heading"+n.Data[1:], textOf(n))
			return
		case atom.P:
			para("", textOf(n))
			return
		case atom.Li:
			para("list", textOf(n))
			return
		case atom.Table:
			b.WriteString("<w:tbl>")
			var rows []*htmllib.Node
			var find func(*htmllib.Node)
			find = func(x *htmllib.Node) {
				for c := x.FirstChild; c != nil; c = c.NextSibling {
					if c.DataAtom == atom.Tr {
						rows = append(rows, c)
					} else if c.DataAtom == atom.Tbody || c.DataAtom == atom.Thead {
						find(c)
					}
				}
			}
			find(n)
			for _, tr := range rows {
				b.WriteString("<w:tr>")
				if tr.FirstChild != nil && tr.FirstChild.DataAtom == atom.Th {
					b.WriteString("<w:trPr><w:tblHeader/></w:trPr>")
				}
				for td := tr.FirstChild; td != nil; td = td.NextSibling {
					if td.DataAtom != atom.Td && td.DataAtom != atom.Th {
						continue
					}
					b.WriteString("<w:tc>")
					for _, a := range td.Attr {
						if a.Key == "colspan" {
							b.WriteString(`<w:tcPr><w:gridSpan w:val="` + a.Val + `"/></w:tcPr>`)
						}
					}
					blocks := false
					for c := td.FirstChild; c != nil; c = c.NextSibling {
						if c.DataAtom == atom.Div || c.DataAtom == atom.P {
							blocks = true
						}
					}
					if blocks {
						for c := td.FirstChild; c != nil; c = c.NextSibling {
							para("", textOf(c))
						}
					} else {
						para("", textOf(td))
					}
					b.WriteString("<w:p/></w:tc>")
				}
				b.WriteString("</w:tr>")
			}
			b.WriteString("</w:tbl>")
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			block(c)
		}
	}
	block(doc)
	if doc.FirstChild == nil {
		t.Fatal("empty HTML")
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
		b.String() + `</w:body></w:document>`))
	w, err = zw.Create("[Content_Types].xml")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
