package demo

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/corpus/demo/internal/gen"
)

const (
	reportName = "demo/harrowfield-inspection-report-2024.pdf"
	noticeName = "demo/harrowfield-warning-notice-2024.pdf"
)

func readDemo(t *testing.T, name string) []byte {
	t.Helper()
	data, err := fs.ReadFile(FS(), name)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return data
}

func TestNames(t *testing.T) {
	want := []string{
		"demo/harrowfield-board-paper-cqc-action-plan.docx",
		"demo/harrowfield-general-hospital-location-report.html",
		"demo/harrowfield-general-hospital-ratings.html",
		"demo/harrowfield-inspection-report-2021.docx",
		reportName,
		"demo/harrowfield-news-release-2021.txt",
		"demo/harrowfield-press-statement-2024.html",
		"demo/harrowfield-quality-account-2024-25.txt",
		"demo/harrowfield-thornmere-assessment-2025.txt",
		noticeName,
	}
	if got := Names(); !slices.Equal(got, want) {
		t.Fatalf("Names() = %q, want %q", got, want)
	}
}

func TestFilesEmbedded(t *testing.T) {
	magic := map[string][]byte{
		".pdf":  []byte("%PDF-"),
		".docx": []byte("PK\x03\x04"),
		".html": []byte("<!DOCTYPE html>"),
		".txt":  []byte("Harrowfield and Wyre NHS Foundation Trust"),
	}
	for _, name := range Names() {
		data := readDemo(t, name)
		if len(data) < 1000 {
			t.Errorf("%s: %d bytes, want a real document", name, len(data))
		}
		m, ok := magic[filepath.Ext(name)]
		if !ok {
			t.Errorf("%s: unexpected extension", name)
			continue
		}
		if !bytes.HasPrefix(data, m) {
			t.Errorf("%s: starts %q, want %q", name, data[:min(len(data), 16)], m)
		}
	}
}

// TestGeneratedFilesUpToDate fails when a source was edited without
// regenerating, or the generator stopped being deterministic.
func TestGeneratedFilesUpToDate(t *testing.T) {
	dir := t.TempDir()
	if err := gen.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var generated []string
	for _, e := range entries {
		name := "demo/" + e.Name()
		generated = append(generated, name)
		fresh, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		embedded, err := fs.ReadFile(FS(), name)
		if err != nil {
			t.Errorf("%s is generated but not embedded; run go generate ./corpus/demo", name)
			continue
		}
		if !bytes.Equal(fresh, embedded) {
			t.Errorf("%s differs from the generator's output (%d bytes, embedded %d); run go generate ./corpus/demo", name, len(fresh), len(embedded))
		}
	}
	if got := Names(); !slices.Equal(got, generated) {
		t.Errorf("embedded %q, generator makes %q", got, generated)
	}
}

// pageObjects counts page objects in a PDF without a PDF library: the
// generator writes every page dictionary uncompressed.
var pageObjects = regexp.MustCompile(`/Type\s*/Page[^s]`)

func TestPageCounts(t *testing.T) {
	for _, tc := range []struct {
		name     string
		min, max int
	}{
		{reportName, 20, 40},
		{noticeName, 2, 3},
	} {
		n := len(pageObjects.FindAll(readDemo(t, tc.name), -1))
		if n < tc.min || n > tc.max {
			t.Errorf("%s: %d pages, want %d to %d", tc.name, n, tc.min, tc.max)
		}
	}
}

// pdfPages runs pdftotext on an embedded PDF and returns its pages with
// white space collapsed, so phrases wrapped across lines still match.
func pdfPages(t *testing.T, name string) []string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext not installed (apt-get install poppler-utils)")
	}
	path := filepath.Join(t.TempDir(), "in.pdf")
	if err := os.WriteFile(path, readDemo(t, name), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", name, err)
	}
	pages := strings.Split(strings.TrimSuffix(string(out), "\f"), "\f")
	for i, p := range pages {
		pages[i] = strings.Join(strings.Fields(p), " ")
	}
	return pages
}

// firstPage returns the 1-based page on which phrase first appears, or 0.
func firstPage(pages []string, phrase string) int {
	for i, p := range pages {
		if strings.Contains(p, phrase) {
			return i + 1
		}
	}
	return 0
}

func TestReportText(t *testing.T) {
	pages := pdfPages(t, reportName)
	if n := len(pages); n < 20 {
		t.Fatalf("pdftotext found %d pages, want at least 20", n)
	}
	for _, tc := range []struct {
		phrase   string
		from, to int // pages the phrase must first appear on
	}{
		{"Harrowfield and Wyre NHS Foundation Trust", 1, 1},
		{"Date of inspection visit: 12 March 2024 to 25 April 2024", 1, 1},
		{"Date of publication: 19 July 2024", 1, 1},
		{"Overall trust quality rating", 2, 2},
		{"Are services well-led?", 2, 2},
		{"Our rating of this trust went down. We rated it as requires improvement because:", 3, 4},
		{"Rating change since last inspection", 5, 8},
		{"Ratings for Harrowfield General Hospital", 5, 9},
		{"Acute wards for adults of working age and psychiatric intensive care units", 3, 8},
		{"Our rating of this service went down. We rated it as inadequate because:", 10, 25},
		{"Our rating of this service improved. We rated it as good because:", 10, 25},
		{"One patient told us, “", 8, 25},
		{"Action the trust MUST take to improve", 20, 30},
		{"The trust must ensure that ligature risks on Beech Ward and Rowan Ward are assessed and mitigated", 20, 30},
		{"(Regulation 12(2)(b)(d))", 20, 30},
		{"Action the trust SHOULD take to improve", 20, 30},
		{"How the regulation was not being met", 20, 32},
		{"Section 29A of the Health and Social Care Act 2008", 3, 6},
	} {
		if p := firstPage(pages, tc.phrase); p < tc.from || p > tc.to {
			t.Errorf("%q first on page %d, want page %d to %d", tc.phrase, p, tc.from, tc.to)
		}
	}
	for i, p := range pages[1:] {
		footer := "Inspection report 19/07/2024"
		if !strings.Contains(p, footer) {
			t.Errorf("page %d has no footer %q", i+2, footer)
		}
	}
}

func TestNoticeText(t *testing.T) {
	pages := pdfPages(t, noticeName)
	text := strings.Join(pages, " ")
	for _, phrase := range []string{
		"Section 29A Warning Notice",
		"Date: 3 May 2024",
		"(Regulation 12(2)(b) and (d))",
		"(Regulation 18(1))",
		"You must make significant improvement in the areas set out above by 31 July 2024.",
		"Page 1 of " + string(rune('0'+len(pages))),
	} {
		if !strings.Contains(text, phrase) {
			t.Errorf("warning notice lacks %q", phrase)
		}
	}
}

func TestPressStatementQuotesReport(t *testing.T) {
	statement := string(readDemo(t, "demo/harrowfield-press-statement-2024.html"))
	for _, phrase := range []string{
		"Dr Amira Osei, Chief Executive, said: “",
		"rated the trust ‘good’ for caring and ‘requires improvement’ for safe, effective, responsive and well-led",
	} {
		if !strings.Contains(statement, phrase) {
			t.Errorf("press statement lacks %q", phrase)
		}
	}
	// What the statement quotes from the report must be in the report.
	report := strings.ToLower(strings.Join(pdfPages(t, reportName), " "))
	quoted := regexp.MustCompile(`found that staff across the trust “([^”]+)”|found that staff “([^”]+)”|said that “([^”]+)” and that “([^”]+)”`)
	found := 0
	for _, m := range quoted.FindAllStringSubmatch(statement, -1) {
		for _, q := range m[1:] {
			if q == "" {
				continue
			}
			found++
			if !strings.Contains(report, strings.ToLower(q)) {
				t.Errorf("press statement quotes %q, which is not in the report", q)
			}
		}
	}
	if found < 4 {
		t.Errorf("found %d quotations of the report in the press statement, want 4", found)
	}
}
