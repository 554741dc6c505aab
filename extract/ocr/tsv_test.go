package ocr

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

// tsv builds Tesseract TSV from compact rows: a page row "page W H" and
// word rows "block par line left top width height conf text".
func tsv(rows ...string) []byte {
	var b strings.Builder
	b.WriteString("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n")
	word := 0
	for _, r := range rows {
		f := strings.Fields(r)
		if f[0] == "page" {
			fmt.Fprintf(&b, "1\t1\t0\t0\t0\t0\t0\t0\t%s\t%s\t-1\t\n", f[1], f[2])
			continue
		}
		word++
		// Tesseract writes block, paragraph and line rows before their
		// words; the parser skips them, so one of each is enough here.
		fmt.Fprintf(&b, "4\t1\t%s\t%s\t%s\t0\t%s\t%s\t%s\t%s\t-1\t\n", f[0], f[1], f[2], f[3], f[4], f[5], f[6])
		fmt.Fprintf(&b, "5\t1\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", f[0], f[1], f[2], word, f[3], f[4], f[5], f[6], f[7], strings.Join(f[8:], " "))
	}
	return []byte(b.String())
}

func TestLayout(t *testing.T) {
	for _, tc := range []struct {
		name string
		rows []string
		want string
	}{
		{
			name: "one paragraph, two lines",
			rows: []string{"page 1000 1400",
				"1 1 1 100 100 150 30 96 Elmstead", "1 1 1 260 100 80 30 95 Care", "1 1 1 350 100 90 30 94 Home",
				"1 1 2 100 140 120 30 93 requires", "1 1 2 230 140 200 30 92 improvement."},
			want: "Elmstead Care Home\nrequires improvement.",
		},
		{
			name: "two paragraphs of one block",
			rows: []string{"page 1000 1400",
				"1 1 1 100 100 300 30 96 Safe:", "1 1 1 410 100 200 30 96 good",
				"1 2 1 100 200 300 30 96 Caring:", "1 2 1 410 200 200 30 96 outstanding"},
			want: "Safe: good\n\nCaring: outstanding",
		},
		{
			name: "hyphen at a line end joins the word",
			rows: []string{"page 1000 1400",
				"1 1 1 100 100 300 30 96 medicines", "1 1 1 410 100 200 30 96 recon-",
				"1 1 2 100 140 300 30 96 ciliation", "1 1 2 410 140 200 30 96 checks"},
			want: "medicines reconciliation checks",
		},
		{
			name: "a hyphen before a capital stays",
			rows: []string{"page 1000 1400",
				"1 1 1 100 100 300 30 96 Brackenford-", "1 1 2 100 140 300 30 96 Northvale"},
			want: "Brackenford-\nNorthvale",
		},
		{
			name: "two columns under a full-width heading, read column by column",
			// Tesseract numbered the blocks row by row; the layout reads
			// the left column first.
			rows: []string{"page 2000 2800",
				"1 1 1 100 100 1700 40 97 Northvale NHS Foundation Trust inspection report",
				"2 1 1 100 300 800 30 95 Left one", "3 1 1 1100 300 800 30 95 Right one",
				"4 1 1 100 600 800 30 95 Left two", "5 1 1 1100 600 800 30 95 Right two",
				"6 1 1 100 2600 1700 30 95 Page 3 of 9"},
			want: "Northvale NHS Foundation Trust inspection report\n\nLeft one\n\nLeft two\n\nRight one\n\nRight two\n\nPage 3 of 9",
		},
		{
			name: "two columns between a narrow centred header and footer, paragraph gaps in line",
			rows: []string{"page 2000 2800",
				"1 1 1 800 60 400 30 95 Elmstead Care Home",
				"2 1 1 100 300 800 30 95 Left one", "3 1 1 1100 300 800 30 95 Right one",
				"4 1 1 100 600 800 30 95 Left two", "5 1 1 1100 600 800 30 95 Right two",
				"6 1 1 900 2600 200 30 95 Page 3 of 9"},
			want: "Elmstead Care Home\n\nLeft one\n\nLeft two\n\nRight one\n\nRight two\n\nPage 3 of 9",
		},
		{
			name: "one column of paragraphs and a short heading",
			rows: []string{"page 2000 2800",
				"1 1 1 100 100 300 30 95 Summary",
				"2 1 1 100 200 1700 30 95 First paragraph", "2 2 1 100 400 1700 30 95 Second paragraph"},
			want: "Summary\n\nFirst paragraph\n\nSecond paragraph",
		},
		{
			name: "blocks out of order are read top to bottom",
			rows: []string{"page 1000 1400",
				"2 1 1 100 500 800 30 95 second", "1 1 1 100 100 800 30 95 first"},
			want: "first\n\nsecond",
		},
		{
			name: "specks of a scan are dropped, low-confidence words kept",
			rows: []string{"page 1000 1400",
				"1 1 1 100 100 300 30 96 Warning", "1 1 1 410 100 200 30 96 notice",
				"2 1 1 900 700 20 20 31 ~", "2 1 1 930 700 20 20 22 .",
				"3 1 1 100 900 300 30 41 Regulation", "3 1 1 410 900 80 30 38 12"},
			want: "Warning notice\n\nRegulation 12",
		},
		{
			name: "a block bridging two columns makes them one, read top to bottom",
			rows: []string{"page 2000 2800",
				"1 1 1 100 300 700 30 95 a", "2 1 1 1000 300 700 30 95 b",
				"3 1 1 600 500 600 30 95 c"},
			want: "a\n\nb\n\nc",
		},
		{name: "no words", rows: []string{"page 1000 1400"}, want: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pages, err := ParseTSV(tsv(tc.rows...))
			if err != nil {
				t.Fatal(err)
			}
			if len(pages) != 1 {
				t.Fatalf("%d pages", len(pages))
			}
			if got := pages[0].Text(); got != tc.want {
				t.Errorf("text:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestParseTSV(t *testing.T) {
	data := tsv("page 2480 3508", "1 1 1 10 20 30 40 90.5 Good", "1 1 1 50 20 30 40 70.5 care")
	pages, err := ParseTSV(data)
	if err != nil {
		t.Fatal(err)
	}
	p := pages[0]
	if p.Number != 1 || p.Width != 2480 || p.Height != 3508 || len(p.Words) != 2 {
		t.Fatalf("page %+v", p)
	}
	w := p.Words[1]
	if w.Text != "care" || w.Left != 50 || w.Top != 20 || w.Width != 30 || w.Height != 40 || w.Conf != 70.5 {
		t.Errorf("word %+v", w)
	}
	if c := p.Confidence(); math.Abs(c-80.5) > 1e-9 {
		t.Errorf("confidence %.2f, want 80.50", c)
	}

	// Two pages of a TIFF; a word row with conf -1 and an empty word are
	// not words; CRLF line ends are read.
	two := "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\r\n" +
		"1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t\r\n" +
		"5\t1\t1\t1\t1\t1\t1\t1\t5\t5\t-1\t \r\n" +
		"5\t1\t1\t1\t1\t2\t1\t1\t5\t5\t88\tone\r\n" +
		"1\t2\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t\r\n" +
		"5\t2\t1\t1\t1\t1\t1\t1\t5\t5\t77\ttwo\r\n"
	pages, err = ParseTSV([]byte(two))
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 2 || len(pages[0].Words) != 1 || pages[1].Text() != "two" {
		t.Errorf("pages %+v", pages)
	}

	for _, bad := range []string{
		"",
		"level\tpage_num\n5\t1\t1",
		"5\t1\t1\t1\t1\t1\tx\t1\t5\t5\t88\tone",
		"5\t1\t1\t1\t1\t1\t1\t1\t5\t5\tNaN\tone",
		"9\t1\t1\t1\t1\t1\t1\t1\t5\t5\t88\tone",
	} {
		if _, err := ParseTSV([]byte(bad)); err == nil {
			t.Errorf("ParseTSV(%q): no error", bad)
		}
	}
}

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{"": ModeAuto, "auto": ModeAuto, "OFF": ModeOff, " force ": ModeForce} {
		if got, err := ParseMode(in); err != nil || got != want {
			t.Errorf("ParseMode(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseMode("always"); err == nil {
		t.Error("ParseMode(always): no error")
	}
}

func TestTIFFPages(t *testing.T) {
	// Little-endian TIFF with two empty IFDs: at 8 and at 14.
	two := []byte("II*\x00\x08\x00\x00\x00" + "\x00\x00" + "\x0e\x00\x00\x00" + "\x00\x00" + "\x00\x00\x00\x00")
	loop := []byte("II*\x00\x08\x00\x00\x00" + "\x00\x00" + "\x08\x00\x00\x00")
	for name, tc := range map[string]struct {
		data []byte
		want int
	}{"two": {two, 2}, "loop": {loop, 1}, "png": {[]byte("\x89PNG\r\n\x1a\n"), 1}, "short": {[]byte("II*"), 1}} {
		if got := tiffPages(tc.data); got != tc.want {
			t.Errorf("%s: %d pages, want %d", name, got, tc.want)
		}
	}
}

// FuzzParseTSV: any input gives pages or an error, never a panic, and
// what is parsed lays out as valid UTF-8 made of the words' text.
func FuzzParseTSV(f *testing.F) {
	f.Add(tsv("page 1000 1400", "1 1 1 100 100 150 30 96 Elmstead", "2 1 1 600 100 150 30 96 Northvale"))
	f.Add([]byte("level\tpage_num\n1\t1\t0\t0\t0\t0\t0\t0\t-1\t-1\t-1\t\n5\t1\t1\t1\t1\t1\t-1\t-1\t0\t0\t100\tx\n"))
	f.Add([]byte("5\t2\t1\t1\t1\t1\t1\t1\t5\t5\t88\t\xff\xfe\n5\t1\t1\t1\t1\t1\t1\t1\t5\t5\t88\tb-\n5\t1\t1\t1\t2\t1\t1\t1\t5\t5\t88\tc"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pages, err := ParseTSV(data)
		if err != nil {
			return
		}
		for i := range pages {
			p := &pages[i]
			text := p.Text()
			if !utf8.ValidString(text) {
				t.Fatalf("invalid UTF-8 in %q", text)
			}
			n := 0
			for _, w := range p.Words {
				n += len(w.Text) + 2
			}
			if len(text) > n {
				t.Fatalf("text of %d bytes from %d bytes of words", len(text), n)
			}
			if c := p.Confidence(); c < -1 || c > 100 {
				t.Fatalf("confidence %v", c)
			}
		}
	})
}
