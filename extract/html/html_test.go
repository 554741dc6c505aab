package html

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/internal/golden"
)

// TestExtractGolden extracts every testdata/*.html and compares the title
// and text with NAME.golden (the title on the first line, then a blank
// line, then the text).
func TestExtractGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "*.html"))
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) == 0 {
		t.Fatal("no testdata/*.html fixtures")
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".html")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			c, err := Extractor{}.Extract(context.Background(), data, extract.DefaultLimits)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if len(c.Pages) != 1 || c.Pages[0].Number != 0 {
				t.Fatalf("pages = %+v, want one page numbered 0", c.Pages)
			}
			got := "title: " + c.Title + "\n\n" + c.Pages[0].Text + "\n"
			path := filepath.Join("testdata", name+".golden")
			golden.Check(t, path, []byte(got))
		})
	}
}

// TestStreamMatchesTree renders the well-formed fixtures from the token
// stream, the fallback for pages too deep to parse, and checks it agrees
// with the parsed tree.
func TestStreamMatchesTree(t *testing.T) {
	for _, name := range []string{"cqc-location", "windows-1252", "latin1-http-equiv"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", name+".html"))
			if err != nil {
				t.Fatal(err)
			}
			tree, err := Extractor{}.Extract(context.Background(), data, extract.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			r := &renderer{ctx: context.Background(), streaming: true}
			title, err := r.stream(decode(data))
			if err != nil {
				t.Fatal(err)
			}
			if title != tree.Title {
				t.Errorf("stream title %q, tree title %q", title, tree.Title)
			}
			if got := r.result(); got != tree.Pages[0].Text {
				t.Errorf("stream text:\n%s\ntree text:\n%s", got, tree.Pages[0].Text)
			}
		})
	}
}

func TestExtractCases(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"entities", "<p>A&amp;E &lt;ward&gt; &pound;5 &eacute; &#8212; &#x2019;</p>", "A&E <ward> £5 é — ’"},
		{"whitespace", "<p>  a \n\t b  </p>\n\n<p>c</p>", "a b\n\nc"},
		{"inline no space", "<p>Re<b>quires</b> <i>improvement</i></p>", "Requires improvement"},
		{"headings", "<h1>Title</h1>text<h2>Sub</h2><p>para</p>", "Title\n\ntext\n\nSub\n\npara"},
		{"br", "a<br>b<br/><br>c", "a\nb\n\nc"},
		{"divs", "<div>a</div><div>b</div><p>c</p>", "a\nb\n\nc"},
		{"list", "<ul><li>a</li><li>b</li></ul>after", "• a\n• b\n\nafter"},
		{"nested list", "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>", "• a\n  • b\n• c"},
		{"empty items", "<ul><li></li><li> </li><li>x</li></ul>", "• x"},
		{"row", "<table><tr><td>Safe</td><td>Good</td></tr></table>", "Safe | Good"},
		{"leading empty cell", "<table><tr><td></td><td>Good</td></tr></table>", "| Good"},
		{"middle empty cell", "<table><tr><td>a</td><td></td><td>c</td></tr></table>", "a | | c"},
		{"rows", "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>", "a | b\n1 | 2"},
		{"script style", "<script>var x = 1;</script><style>p{}</style><p>shown</p>", "shown"},
		{"hidden attrs", `<p hidden>a</p><p aria-hidden="true">b</p><p aria-hidden="false">c</p><p style="visibility: hidden">d</p>`, "c"},
		{"role navigation", `<div role="navigation">menu</div><footer role="navigation">links</footer><p>x</p>`, "x"},
		{"search form", `<form><label>Search</label><input name="q"></form><p>x</p>`, "x"},
		{"page form", `<form><p>content</p><input name="q"></form>`, "content"},
		{"main preferred", "<nav>menu</nav><div>cookie notice</div><main><p>The report text is here and it is long.</p></main><footer>foot</footer>", "The report text is here and it is long."},
		{"role main", `<div>chrome</div><div role="main"><p>The main text is long enough.</p></div>`, "The main text is long enough."},
		{"small main ignored", "<p>A long article that is not inside main at all.</p><main>tiny</main>", "A long article that is not inside main at all.\n\ntiny"},
		{"pre", "<pre>a  b\n  c</pre><p>d</p>", "a  b\n  c\n\nd"},
		{"nbsp collapsed", "<p>&nbsp;</p><p>a&nbsp;&nbsp;b</p>", "a b"},
		{"ligature and soft hyphen", "<p>e\ufb03cient assess&shy;ment</p>", "efficient assessment"},
		{"text bullet", "<p>a<br>• b</p>", "a\n• b"},
		{"cell paragraphs", "<table><tr><td><p>a</p><p>b</p></td><td>c</td></tr></table>", "a b | c"},
		{"empty", "", ""},
		{"not html", "plain words only", "plain words only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Extractor{}.Extract(context.Background(), []byte(tt.in), extract.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Pages[0].Text; got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTitle(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<title> A \n B </title>", "A B"},
		{"<svg><title>icon</title></svg><title>Page</title>", "Page"},
		{"<p>no title</p>", ""},
		{"<title>first</title><title>second</title>", "first"},
	}
	for _, tt := range tests {
		c, err := Extractor{}.Extract(context.Background(), []byte(tt.in), extract.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if c.Title != tt.want {
			t.Errorf("title of %q = %q, want %q", tt.in, c.Title, tt.want)
		}
	}
}

func TestDecode(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"utf8", "<p>caf\u00e9</p>", "café"},
		{"utf8 bom", "\ufeff<p>x</p>", "x"},
		{"undeclared cp1252", "<p>caf\xe9 \x93q\x94</p>", "café “q”"},
		{"declared latin1", "<meta charset=latin1><p>\xa3\x92</p>", "£’"},
		{"declared utf8 with bad byte", "<meta charset=utf-8><p>caf\u00e9 \xff</p>", "café \ufffd"},
		{"utf16 bom", "\xff\xfe<\x00p\x00>\x00h\x00i\x00", "hi"},
		{"valid utf8 wins over meta", "<meta charset=windows-1252><p>caf\u00e9</p>", "café"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Extractor{}.Extract(context.Background(), []byte(tt.in), extract.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Pages[0].Text; got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestExtractBadInput(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		in   string
		want string // a substring of the text
	}{
		// The parser refuses more than 512 open elements; the token
		// stream renders what it can.
		{"nested divs", strings.Repeat("<div>", 10000) + "deep text" + strings.Repeat("</div>", 10000), "deep text"},
		{"unclosed spans", "<p>start</p>" + strings.Repeat("<span>x", 10000), "start"},
		{"nested tables", strings.Repeat("<table><tr><td>", 10000) + "cell", "cell"},
		{"nested lists", strings.Repeat("<ul><li>", 10000) + "item", "item"},
		{"unclosed tags", "<p><b><i>text", "text"},
		{"garbage", "<<<>>></p></div><!-- x --><p>y</p><!-- unclosed", "y"},
		{"invalid utf8", "<p>a\xff\xfeb</p>", "a"},
		{"nul", "<p>a\x00b</p>", "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Extractor{}.Extract(ctx, []byte(tt.in), extract.DefaultLimits)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			got := c.Pages[0].Text
			if !strings.Contains(got, tt.want) {
				t.Errorf("text %.200q does not contain %q", got, tt.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("invalid UTF-8 in %.200q", got)
			}
		})
	}

	t.Run("over MaxBytes", func(t *testing.T) {
		_, err := Extractor{}.Extract(ctx, []byte("<p>abc</p>"), extract.Limits{MaxBytes: 5})
		if !errors.Is(err, extract.ErrLimit) {
			t.Errorf("err = %v, want ErrLimit", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := Extractor{}.Extract(cctx, []byte("<p>a</p>"), extract.Limits{})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
	t.Run("cancelled while streaming", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		r := &renderer{ctx: cctx, streaming: true}
		_, err := r.stream(strings.Repeat("<div>x", 2*ctxEvery))
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
}

func FuzzExtract(f *testing.F) {
	inputs, _ := filepath.Glob(filepath.Join("testdata", "*.html"))
	for _, in := range inputs {
		data, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(strings.Repeat("<div><table><tr><td>", 200) + "x"))
	f.Add([]byte("<main><ul><li>a<li>b</ul></main><pre>\r\n x</pre>"))
	f.Add([]byte("<p>x</p><pre>\n\n\n\n</pre><table><tr><td rowspan=3>ﬁ\u00a0a<td colspan=2>– b<tr><td>\u2028c</table><main><table><tr><th>d</table></main>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Extractor{}.Extract(context.Background(), data, extract.Limits{})
		if err != nil {
			t.Fatalf("Extract: %v", err)
		}
		if len(c.Pages) != 1 || c.Pages[0].Number != 0 {
			t.Fatalf("pages = %+v", c.Pages)
		}
		got := c.Pages[0].Text
		if !utf8.ValidString(got) || !utf8.ValidString(c.Title) {
			t.Fatalf("invalid UTF-8 output %q (title %q)", got, c.Title)
		}
		if strings.Contains(got, "\n\n\n") {
			t.Fatalf("more than one blank line in %q", got)
		}
		checkCells(t, c.Pages[0])
	})
}

func BenchmarkExtract(b *testing.B) {
	page, err := os.ReadFile(filepath.Join("testdata", "cqc-location.html"))
	if err != nil {
		b.Fatal(err)
	}
	// About 1 MB: the fixture's main content repeated, as in a long
	// inspection report page.
	s := string(page)
	i, j := strings.Index(s, "<h2>Overall rating"), strings.Index(s, "</main>")
	body := s[i:j]
	data := []byte(s[:i] + strings.Repeat(body, (1<<20)/len(body)) + s[j:])
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := (Extractor{}).Extract(context.Background(), data, extract.Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
