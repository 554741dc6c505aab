//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/go-pdf/fpdf"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/pipeline"
)

// threePagePDF is a report of three pages, each rating a service.
func threePagePDF(t *testing.T) []byte {
	t.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.SetFont("Helvetica", "", 11)
	for i, s := range []string{"medical care", "surgery", "maternity"} {
		f.AddPage()
		f.MultiCell(0, 5.5, fmt.Sprintf("Brackenford General Hospital, part %d.", i+1), "", "L", false)
		f.MultiCell(0, 5.5, fmt.Sprintf("We rated %s as requires improvement for safe.", s), "", "L", false)
	}
	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// boundaryFolder is a folder "reports" holding an input of every kind
// that is not an ordinary document, beside a file "private.txt" that a
// link in it points to. Two names hold a newline followed by text that
// must never start a line of the command's output.
func boundaryFolder(t *testing.T) (root, private string) {
	t.Helper()
	dir := t.TempDir()
	root = filepath.Join(dir, "reports")
	private = filepath.Join(dir, "private.txt")
	files := map[string]string{
		private:                              "Elmstead Care Home private notes. We rated the service as inadequate for safe.\n",
		filepath.Join(root, "statement.txt"): "Northvale NHS Foundation Trust. We rated the trust as good for caring.\n",
		filepath.Join(root, "two\nFORGED line.txt"):      "Northvale NHS Foundation Trust. We rated the trust as outstanding for well-led.\n",
		filepath.Join(root, ".notes\nFORGED hidden.txt"): "hidden",
		filepath.Join(root, ".cache", "statement.txt"):   "hidden folder",
		filepath.Join(root, "empty.pdf"):                 "",
		filepath.Join(root, "empty\nFORGED empty.txt"):   "",
		filepath.Join(root, "long.pdf"):                  string(threePagePDF(t)),
		filepath.Join(root, "sub", "ward.html"):          "<html><p>We rated the ward as good for effective.</p>",
	}
	for p, data := range files {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(root, "pipe.pdf"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{
		"private-link.txt": private,            // out of the folder
		"sub/loop":         "..",               // a loop inside it
		"alias.txt":        "statement.txt",    // a file inside it
		"sub/up.html":      "../sub/ward.html", // inside, through a folder
	} {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	return root, private
}

type jsonReport struct {
	Inputs int                     `json:"inputs"`
	Totals map[pipeline.Status]int `json:"totals"`
	Files  []pipeline.Row          `json:"files"`
}

func readReport(t *testing.T, path string) jsonReport {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r jsonReport
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// stderrLine is what a line of a run's stderr may start with: a cqcmine
// message, a problem under the summary, or a log line.
var stderrLine = regexp.MustCompile(`^(cqcmine: |  (ok|partial|failed|needs-ocr|skipped): |time=)`)

// checkStderr fails on a line that a file name forged.
func checkStderr(t *testing.T, stderr string) {
	t.Helper()
	for _, l := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
		if !stderrLine.MatchString(l) || strings.HasPrefix(l, "FORGED") {
			t.Errorf("stderr line not written by cqcmine: %q", l)
		}
	}
}

// TestExtractBoundary runs the real command on the folder: every input
// has one report row with its status and reason, the link out of the
// folder is not read unless --follow-symlinks, and no file name forges a
// line of the output.
func TestExtractBoundary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	exe := buildCqcmine(t)
	root, private := boundaryFolder(t)
	p := func(name string) string { return filepath.Join(root, name) }
	type row struct {
		status pipeline.Status
		reason string
	}
	want := map[string]row{
		p(".cache"):                    {pipeline.StatusSkipped, "hidden folder (its name starts with a dot): not entered"},
		p(".notes\nFORGED hidden.txt"): {pipeline.StatusSkipped, "hidden file (its name starts with a dot)"},
		p("alias.txt"):                 {pipeline.StatusOK, ""},
		p("empty.pdf"):                 {pipeline.StatusSkipped, "empty"},
		p("empty\nFORGED empty.txt"):   {pipeline.StatusSkipped, "empty"},
		p("long.pdf"):                  {pipeline.StatusPartial, "first 2 of 3 pages (page limit)"},
		p("pipe.pdf"):                  {pipeline.StatusSkipped, "not a regular file: named pipe (FIFO)"},
		p("private-link.txt"):          {pipeline.StatusSkipped, "symlink private-link.txt -> " + private + " leads outside the input folders: not followed"},
		p("statement.txt"):             {pipeline.StatusSkipped, "duplicate content: same as " + p("alias.txt")},
		p("sub/up.html"):               {pipeline.StatusOK, ""},
		p("sub/loop"):                  {pipeline.StatusSkipped, "folder already listed as " + root + ": not entered again"},
		p("sub/ward.html"):             {pipeline.StatusSkipped, "duplicate content: same as " + p("sub/up.html")},
		p("two\nFORGED line.txt"):      {pipeline.StatusOK, ""},
	}
	for _, tc := range []struct {
		name   string
		follow bool
	}{{"links out not followed", false}, {"--follow-symlinks", true}} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			findings, report := filepath.Join(out, "f.jsonl"), filepath.Join(out, "run.json")
			args := []string{"extract", "--max-pages", "2", "--workers", "2", "--out", findings, "--report", report}
			if tc.follow {
				args = append(args, "--follow-symlinks")
			}
			cmd := exec.Command(exe, append(args, root)...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("extract: %v\n%s", err, stderr.String())
			}
			checkStderr(t, stderr.String())
			for _, s := range []string{
				"  partial: " + p("long.pdf") + ": extract: first 2 of 3 pages (page limit)\n",
				"  skipped: " + fmt.Sprintf("%q", p("empty\nFORGED empty.txt")) + ": read: empty\n",
				"  skipped: " + p("pipe.pdf") + ": walk: not a regular file: named pipe (FIFO)\n",
				" 1 partial, 0 failed, ",
			} {
				if !strings.Contains(stderr.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr.String())
				}
			}

			w := map[string]row{}
			for k, v := range want {
				w[k] = v
			}
			if tc.follow {
				w[p("private-link.txt")] = row{pipeline.StatusOK, ""}
			}
			rep := readReport(t, report)
			seen := map[string]bool{}
			for _, r := range rep.Files {
				if seen[r.Path] {
					t.Errorf("%q has two rows", r.Path)
				}
				seen[r.Path] = true
				x, ok := w[r.Path]
				switch {
				case !ok:
					t.Errorf("unexpected row %+v", r)
				case r.Status != x.status || !strings.HasPrefix(r.Reason, x.reason) || (x.reason == "" && r.Reason != ""):
					t.Errorf("%q: %s %q, want %s %q", r.Path, r.Status, r.Reason, x.status, x.reason)
				}
			}
			if rep.Inputs != len(w) || len(seen) != len(w) {
				t.Errorf("report has %d inputs, %d paths; want %d", rep.Inputs, len(seen), len(w))
			}

			b, err := os.ReadFile(findings)
			if err != nil {
				t.Fatal(err)
			}
			docs := map[string]int{}
			for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
				var f extract.Finding
				if err := json.Unmarshal([]byte(l), &f); err != nil {
					t.Fatalf("finding %q: %v", l, err)
				}
				docs[f.Doc]++
			}
			if docs[p("long.pdf")] == 0 {
				t.Errorf("no findings from the partial document: %v", docs)
			}
			if got := docs[p("private-link.txt")] > 0; got != tc.follow {
				t.Errorf("findings from the link out of the folder: %v, want %v", got, tc.follow)
			}
		})
	}
}

// TestIndexBoundary indexes the folder with the real command: the link
// out of it is not indexed, the inputs that are skipped stay skipped on a
// re-run without counting as removed documents, and a document swapped
// for a link out of the folder leaves the index.
func TestIndexBoundary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	exe := buildCqcmine(t)
	root, private := boundaryFolder(t)
	idx := filepath.Join(t.TempDir(), "idx")
	index := func(args ...string) (jsonReport, string) {
		t.Helper()
		report := filepath.Join(t.TempDir(), "run.json")
		cmd := exec.Command(exe, append([]string{"index", "--index", idx, "--max-pages", "2", "--report", report}, args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("index: %v\n%s", err, stderr.String())
		}
		checkStderr(t, stderr.String())
		return readReport(t, report), stderr.String()
	}
	search := func(q string) string {
		t.Helper()
		out, err := exec.Command(exe, "search", "--index", idx, "--scope", "all", "--no-facets", q).CombinedOutput()
		if err != nil {
			t.Fatalf("search %q: %v\n%s", q, err, out)
		}
		return string(out)
	}

	first, _ := index(root)
	if n := first.Totals[pipeline.StatusSkipped]; n != 9 || first.Totals[pipeline.StatusPartial] != 1 || first.Inputs != 13 {
		t.Fatalf("first run: %d inputs, totals %v", first.Inputs, first.Totals)
	}
	if out := search("Elmstead"); !strings.HasPrefix(out, "0 results") {
		t.Errorf("the file a link out of the folder points to was indexed:\n%s", out)
	}
	if out := search("maternity"); !strings.HasPrefix(out, "0 results") {
		t.Errorf("a page past the page limit was indexed:\n%s", out)
	}
	if out := search("surgery"); strings.HasPrefix(out, "0 results") {
		t.Errorf("the pages of the partial document were not indexed:\n%s", out)
	}

	second, stderr := index(root)
	// Empty files and duplicates are known and stable: unchanged; what the
	// walk leaves out is listed again.
	if second.Inputs != 13 || second.Totals[pipeline.StatusUnchanged] != 8 || second.Totals[pipeline.StatusSkipped] != 5 {
		t.Errorf("re-run: %d inputs, totals %v", second.Inputs, second.Totals)
	}
	if !strings.Contains(stderr, " 0 removed") {
		t.Errorf("re-run removed documents:\n%s", stderr)
	}

	// A document swapped for a link out of the folder leaves the index.
	swapped := filepath.Join(root, "two\nFORGED line.txt")
	if out := search("outstanding"); strings.HasPrefix(out, "0 results") {
		t.Fatalf("the document to swap was not indexed:\n%s", out)
	}
	if err := os.Remove(swapped); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(private, swapped); err != nil {
		t.Fatal(err)
	}
	index(root)
	if out := search("outstanding"); !strings.HasPrefix(out, "0 results") {
		t.Errorf("a document swapped for a link out of the folder stays in the index:\n%s", out)
	}
	if out := search("Elmstead"); !strings.HasPrefix(out, "0 results") {
		t.Errorf("the target of a swapped-in link was indexed:\n%s", out)
	}

	third, _ := index("--follow-symlinks", root)
	if out := search("Elmstead"); strings.HasPrefix(out, "0 results") {
		t.Errorf("--follow-symlinks: the file the link points to was not indexed (totals %v):\n%s", third.Totals, out)
	}
}
