package text

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/internal/golden"
	"github.com/cqcmine/cqcmine/internal/shared"
)

// TestExtractGolden extracts every testdata/*.txt and compares the page
// text with NAME.golden.
func TestExtractGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) == 0 {
		t.Fatal("no testdata/*.txt fixtures")
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".txt")
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
			got := c.Pages[0].Text
			path := filepath.Join("testdata", name+".golden")
			golden.Check(t, path, []byte(got))
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"ascii unchanged", "Safe: Good\n\nEffective: Good", "Safe: Good\n\nEffective: Good"},
		{"crlf", "a\r\nb\rc\n", "a\nb\nc\n"},
		{"cr before crlf", "a\r\r\nb", "a\n\nb"},
		{"nbsp", "12\u00a0March\u202f2024\u2007x", "12 March 2024 x"},
		{"soft hyphen", "assess\u00adment", "assessment"},
		{"zero width and bom", "a\u200bb\ufeffc", "abc"},
		{"ligatures", "\ufb01nd \ufb02ow o\ufb00er e\ufb03cient ba\ufb04e \ufb05 \ufb06", "find flow offer efficient baffle st st"},
		{"line separators", "a\u2028b\u2029c", "a\nb\nc"},
		{"bullet", "• item", "• item"},
		{"bullet no space", "•item", "• item"},
		{"bullet many spaces", "•\t  item", "• item"},
		{"bullet nbsp after", "•\u00a0\u00a0item", "• item"},
		{"indent kept", "   ▪ item", "   • item"},
		{"nbsp indent", "\u00a0\u00a0◦ item", "  • item"},
		{"symbol font bullet", "\uf0b7 item\n\uf0a7 item", "• item\n• item"},
		{"other glyphs", "● a\n■ b\n‣ c\n⁃ d", "• a\n• b\n• c\n• d"},
		{"en dash bullet", "– item", "• item"},
		{"en dash range", "–10 to 20", "–10 to 20"},
		{"en dash alone", "–", "–"},
		{"en dash mid line", "rated good – again", "rated good – again"},
		{"bullet mid line", "a • b", "a • b"},
		{"bullet alone", "•\nitem", "•\nitem"},
		{"bullet alone crlf", "•  \r\nitem", "•\nitem"},
		{"bullet at end", "x\n•", "x\n•"},
		{"second bullet kept", "• • item", "• • item"},
		{"after ligature not line start", "\ufb01• x", "fi• x"},
		{"invalid utf8", "a\xffb", "a\ufffdb"},
		{"bullet after soft hyphen", "\u00ad• x", "• x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Normalize(tt.in)
			if got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Normalize(got); again != got {
				t.Errorf("not idempotent: Normalize(%q) = %q", got, again)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"utf8", []byte("caf\u00e9"), "caf\u00e9"},
		{"utf8 bom", []byte("\ufeffcaf\u00e9"), "caf\u00e9"},
		{"cp1252", []byte("caf\xe9 \x93q\x94 \x80"), "caf\u00e9 \u201cq\u201d \u20ac"},
		{"utf16le", []byte{0xff, 0xfe, 'h', 0, 'i', 0}, "hi"},
		{"utf16be", []byte{0xfe, 0xff, 0, 'h', 0, 'i'}, "hi"},
		{"utf16 odd length", []byte{0xff, 0xfe, 'h', 0, 'i'}, "h\ufffd"},
		{"bom only", []byte{0xef, 0xbb, 0xbf}, ""},
		{"nul bytes", []byte("a\x00b"), "a\x00b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Decode(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestExtractBadInput(t *testing.T) {
	ctx := context.Background()

	t.Run("invalid utf8 falls back to windows-1252", func(t *testing.T) {
		data := []byte("Rating \x96 good\n\x95 item \xff\xfe\x81\n")
		c, err := Extractor{}.Extract(ctx, data, extract.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		got := c.Pages[0].Text
		if !utf8.ValidString(got) {
			t.Fatalf("output is not valid UTF-8: %q", got)
		}
		if want := "Rating – good\n• item"; !strings.HasPrefix(got, want) {
			t.Errorf("got %q, want prefix %q", got, want)
		}
	})
	t.Run("empty", func(t *testing.T) {
		c, err := Extractor{}.Extract(ctx, nil, extract.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Pages) != 1 || c.Pages[0].Text != "" {
			t.Errorf("pages = %+v, want one empty page", c.Pages)
		}
	})
	t.Run("over MaxBytes", func(t *testing.T) {
		_, err := Extractor{}.Extract(ctx, bytes.Repeat([]byte("a"), 100), extract.Limits{MaxBytes: 99})
		if !errors.Is(err, extract.ErrLimit) {
			t.Errorf("err = %v, want ErrLimit", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := Extractor{}.Extract(cctx, []byte("a"), extract.Limits{})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
}

// TestSharedCorpusFaithful extracts the shared gold texts and checks that
// every annotated evidence string is still in the extracted text: the
// extractor must not reflow or rewrite what the taggers look for.
func TestSharedCorpusFaithful(t *testing.T) {
	root := shared.Dir(t, "")
	var files []string
	for _, set := range []string{"seeds", "real-dev"} {
		m, err := filepath.Glob(filepath.Join(root, "corpus", set, "*.txt"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatalf("no texts under %s/corpus", root)
	}
	checked := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		gold, err := os.ReadFile(strings.TrimSuffix(f, ".txt") + ".json")
		if err != nil {
			t.Fatal(err)
		}
		c, err := Extractor{}.Extract(context.Background(), data, extract.DefaultLimits)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, ev := range goldStrings(t, gold) {
			checked++
			if !strings.Contains(c.Pages[0].Text, Normalize(ev)) {
				t.Errorf("%s: gold string %q not in extracted text", filepath.Base(f), ev)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no gold strings found")
	}
	t.Logf("%d files, %d gold strings found in the extracted text", len(files), checked)
}

// goldStrings returns the evidence and text values of a gold annotation.
func goldStrings(t *testing.T, gold []byte) []string {
	t.Helper()
	var g struct {
		Ratings []struct{ Evidence string } `json:"ratings"`
		Actions []struct{ Text string }     `json:"actions"`
		Quotes  []struct{ Text string }     `json:"quotes"`
	}
	if err := json.Unmarshal(gold, &g); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range g.Ratings {
		out = append(out, r.Evidence)
	}
	for _, a := range g.Actions {
		out = append(out, a.Text)
	}
	for _, q := range g.Quotes {
		out = append(out, q.Text)
	}
	return out
}

func FuzzExtract(f *testing.F) {
	inputs, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	for _, in := range inputs {
		data, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("\xff\xfe\x00"))
	f.Add([]byte("\r\r\n\u00a0–\t•"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Extractor{}.Extract(context.Background(), data, extract.Limits{})
		if err != nil {
			t.Fatalf("Extract: %v", err)
		}
		if len(c.Pages) != 1 || c.Pages[0].Number != 0 {
			t.Fatalf("pages = %+v", c.Pages)
		}
		got := c.Pages[0].Text
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 output %q", got)
		}
		if strings.ContainsRune(got, '\r') {
			t.Fatalf("CR left in %q", got)
		}
		if again := Normalize(got); again != got {
			t.Fatalf("Normalize not idempotent: %q -> %q", got, again)
		}
	})
}

func BenchmarkExtract(b *testing.B) {
	// Realistic English report text, about 1 MB, once as UTF-8 with
	// bullets and once as Windows-1252 (the slow path).
	var para strings.Builder
	para.WriteString("The trust\u2019s leaders had the skills and abilities to run the service. They understood and managed the priorities and issues the service faced.\r\n")
	para.WriteString("  \u2022 The service must ensure that staff complete mandatory training.\r\n")
	para.WriteString("  \u2013 The service should review its processes for \ufb01ling records.\r\n\r\n")
	utf8Text := []byte(strings.Repeat(para.String(), (1<<20)/para.Len()))
	cp, err := Extractor{}.Extract(context.Background(), utf8Text, extract.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	cp1252 := []byte(strings.NewReplacer("\u2019", "\x92", "\u2022", "\x95", "\u2013", "\x96", "\ufb01", "fi").Replace(cp.Pages[0].Text))
	for _, bc := range []struct {
		name string
		data []byte
	}{{"utf8", utf8Text}, {"windows-1252", cp1252}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.data)))
			for b.Loop() {
				if _, err := (Extractor{}).Extract(context.Background(), bc.data, extract.Limits{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestNormalizeOffsets(t *testing.T) {
	s := "Ward\u00a0A | ﬁre safety\r\nGood ↑ | \u00adNot rated"
	words := []string{"Ward", "A", "fire", "safety", "Good", "↑", "Not", "rated"}
	raw := []string{"Ward", "A", "ﬁre", "safety", "Good", "↑", "Not", "rated"}
	var offs []int
	from := 0
	for _, w := range raw {
		k := strings.Index(s[from:], w) + from
		offs = append(offs, k, k+len(w))
		from = k + len(w)
	}
	n := Normalize(s)
	got := NormalizeOffsets(s, offs)
	for i, w := range words {
		if g := n[got[2*i]:got[2*i+1]]; g != w {
			t.Errorf("word %d: %q at %d-%d, want %q", i, g, got[2*i], got[2*i+1], w)
		}
	}
}
