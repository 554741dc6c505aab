package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/internal/shared"
)

// run runs the command line and returns its exit code, stdout and stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cqcmineMain(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{nil, exitUsage, "Commands:"},
		{[]string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{[]string{"extract"}, exitUsage, "no PATH given"},
		{[]string{"extract", "--format", "xml", "x"}, exitUsage, `--format "xml"`},
		{[]string{"extract", "--bogus", "x"}, exitUsage, "flag provided but not defined"},
		{[]string{"search", "--sort", "sideways", "x"}, exitUsage, "sort"},
		{[]string{"extract", "-h"}, exitOK, "Examples:"},
		{[]string{"help", "search"}, exitOK, "--kind"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, stderr := run(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, want %d; stderr lacks %q:\n%s", code, tc.code, tc.want, stderr)
			}
		})
	}
}

func TestParseFlagsInterspersed(t *testing.T) {
	var o extractOptions
	fs := newFlagSet("extract", "", "", &bytes.Buffer{})
	fs.StringVar(&o.out, "out", "", "")
	pos, err := parseFlags(fs, []string{"a", "--out", "f.jsonl", "b", "--", "--c"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(pos, " ") != "a b --c" || o.out != "f.jsonl" {
		t.Fatalf("positional %q, out %q", pos, o.out)
	}
}

type gold struct {
	Ratings []struct{ Domain, Rating string }
	Actions []struct{ Kind, Text string }
	Quotes  []struct{ Text string }
}

var wordRE = regexp.MustCompile(`[a-z0-9]+`)

func overlap(a, b string) float64 {
	wa := wordRE.FindAllString(strings.ToLower(a), -1)
	set := map[string]bool{}
	for _, w := range wordRE.FindAllString(strings.ToLower(b), -1) {
		set[w] = true
	}
	if len(wa) == 0 {
		return 0
	}
	n := 0
	for _, w := range wa {
		if set[w] {
			n++
		}
	}
	return float64(n) / float64(len(wa))
}

// TestExtractSeeds runs the command end to end on the real seed documents
// and checks that it finds at least one correct rating, must-do and quote
// (as the gold annotations beside them say).
func TestExtractSeeds(t *testing.T) {
	dir := shared.Dir(t, "corpus/seeds")
	txts, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	out := filepath.Join(t.TempDir(), "findings.jsonl")
	code, _, stderr := run(t, append([]string{"extract", "--quiet", "--out", out}, txts...)...)
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	correct := map[extract.Kind]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var f extract.Finding
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		gb, err := os.ReadFile(strings.TrimSuffix(f.Doc, ".txt") + ".json")
		if err != nil {
			t.Fatalf("finding for %s: no gold: %v", f.Doc, err)
		}
		var g gold
		if err := json.Unmarshal(gb, &g); err != nil {
			t.Fatal(err)
		}
		switch f.Kind {
		case extract.KindRating:
			for _, r := range g.Ratings {
				if strings.EqualFold(r.Domain, f.Domain) && strings.EqualFold(r.Rating, f.Rating) {
					correct[f.Kind]++
					break
				}
			}
		case extract.KindMustDo:
			for _, a := range g.Actions {
				if a.Kind == "must" && overlap(a.Text, f.Text) >= 0.7 && overlap(f.Text, a.Text) >= 0.5 {
					correct[f.Kind]++
					break
				}
			}
		case extract.KindQuote:
			for _, q := range g.Quotes {
				if overlap(q.Text, f.Text) >= 0.8 && overlap(f.Text, q.Text) >= 0.6 {
					correct[f.Kind]++
					break
				}
			}
		}
	}
	for _, k := range []extract.Kind{extract.KindRating, extract.KindMustDo, extract.KindQuote} {
		if correct[k] == 0 {
			t.Errorf("no correct %s finding in %s", k, out)
		}
	}
	t.Logf("correct findings: %v", correct)
}

// writeDocs writes n distinct small statements into a new folder.
func writeDocs(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	for i := 0; i < n; i++ {
		text := fmt.Sprintf("Statement %d. The CQC rated ward %d as requires improvement for safe.\n"+
			"The trust must ensure that staffing on ward %d is safe (Regulation 18).\n", i, i, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("d%03d.txt", i)), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestExtractResume interrupts an extract run, resumes it, and checks the
// output equals an uninterrupted run's, with a report row per input.
func TestExtractResume(t *testing.T) {
	docs := writeDocs(t, 80)
	out := t.TempDir()
	ref := filepath.Join(out, "ref.csv")
	if code, _, stderr := run(t, "extract", "--quiet", "--format", "csv", "--out", ref, docs); code != exitOK {
		t.Fatalf("reference run: exit %d\n%s", code, stderr)
	}

	got := filepath.Join(out, "got.csv")
	report := filepath.Join(out, "report.csv")
	o := extractOptions{out: got, format: "csv"}
	o.quiet, o.workers, o.report = true, 1, report
	o.timeout, o.maxMB, o.pages = time.Minute, 64, 100
	ctx, cancel := context.WithCancel(context.Background())
	// Cancel once the journal shows some documents done.
	go func() {
		defer cancel()
		for {
			b, _ := os.ReadFile(got + ".journal")
			if bytes.Count(b, []byte("\n")) >= 20 {
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	var stderr bytes.Buffer
	err := runExtract(ctx, o, []string{docs}, io.Discard, &stderr)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v\n%s", err, stderr.String())
	}
	if _, err := os.Stat(got); err == nil {
		t.Fatal("an interrupted run left its output under the final name")
	}
	rows := readCSV(t, report)
	if len(rows) != 81 || !strings.Contains(stderr.String(), "--resume") {
		t.Fatalf("interrupted run: report has %d rows, want 80 + header; stderr:\n%s", len(rows), stderr.String())
	}

	o.resume = true
	if err := runExtract(context.Background(), o, []string{docs}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	want, have := readCSV(t, ref), readCSV(t, got)
	if len(have) != len(want) {
		t.Fatalf("resumed output has %d rows, an uninterrupted run %d", len(have), len(want))
	}
	for i := range want {
		if strings.Join(have[i], "|") != strings.Join(want[i], "|") {
			t.Fatalf("row %d differs:\n got %q\nwant %q", i, have[i], want[i])
		}
	}
	rows = readCSV(t, report)
	ok := 0
	for _, r := range rows[1:] {
		if r[3] == "ok" {
			ok++
		}
	}
	if len(rows) != 81 || ok != 80 {
		t.Fatalf("resumed run report: %d rows, %d ok; want 80 ok rows", len(rows)-1, ok)
	}
	if _, err := os.Stat(got + ".journal"); err == nil {
		t.Error("journal left after a complete run")
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}
