// Package gen writes cqcmine's demo corpus: documents about a fictional NHS
// trust, Harrowfield and Wyre NHS Foundation Trust, in the shapes the CQC
// and trusts publish them (an inspection report and a warning notice as
// PDF, a trust press statement, a hospital ratings page and the hospital's
// location report as HTML, a board paper and the report of the previous
// inspection as DOCX, and as plain text a news release on that
// inspection, the trust's quality account and a 2025 assessment of one of
// its hospitals with quality statement scores).
//
// The words come from the markup and template files in source/; the
// ratings come from trust.go so that every document agrees. Output is
// deterministic: the same sources give the same bytes.
package gen

import (
	"embed"
	"fmt"
	"os"
	"path/filepath"
)

//go:embed source
var sources embed.FS

// File is one generated document.
type File struct {
	Name string // base name, e.g. "harrowfield-inspection-report-2024.pdf"
	Data []byte
}

// builders lists the documents in the order they are written.
var builders = []struct {
	name  string
	build func() ([]byte, error)
}{
	{"harrowfield-inspection-report-2024.pdf", buildReport},
	{"harrowfield-warning-notice-2024.pdf", buildNotice},
	{"harrowfield-press-statement-2024.html", buildPressStatement},
	{"harrowfield-general-hospital-ratings.html", buildHospitalPage},
	{"harrowfield-general-hospital-location-report.html", buildLocationReport},
	{"harrowfield-board-paper-cqc-action-plan.docx", buildBoardPaper},
	{"harrowfield-inspection-report-2021.docx", buildReport2021},
	{"harrowfield-news-release-2021.txt", buildNewsRelease},
	{"harrowfield-quality-account-2024-25.txt", buildQualityAccount},
	{"harrowfield-thornmere-assessment-2025.txt", buildAssessment},
}

// buildNewsRelease is the trust's plain-text news release on its previous
// inspection, published in 2021: it gives the provider's ratings history a
// second point in time.
func buildNewsRelease() ([]byte, error) {
	return sources.ReadFile("source/news-release-2021.txt")
}

// buildQualityAccount is the trust's quality account for 2024/25, in plain
// text: what the trust says about its own ratings, right on some points
// and overstated on others, to set beside what the 2024 report found.
func buildQualityAccount() ([]byte, error) {
	return sources.ReadFile("source/quality-account-2025.txt")
}

// buildAssessment is the 2025 assessment of Thornmere Community Hospital
// under the single assessment framework, in plain text: quality statement
// scores, and a must-do on night nursing staff that the 2021 and 2024
// reports raised before.
func buildAssessment() ([]byte, error) {
	return sources.ReadFile("source/assessment-2025.txt")
}

// Generate builds every demo document.
func Generate() ([]File, error) {
	files := make([]File, 0, len(builders))
	for _, b := range builders {
		data, err := b.build()
		if err != nil {
			return nil, fmt.Errorf("build %s: %w", b.name, err)
		}
		files = append(files, File{Name: b.name, Data: data})
	}
	return files, nil
}

// WriteDir builds every demo document into dir, creating it if needed.
func WriteDir(dir string) error {
	files, err := Generate()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create output dir: %w", err)
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", f.Name, err)
		}
	}
	return nil
}
