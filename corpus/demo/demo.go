// Package demo holds cqcmine's demo corpus: a handful of documents about a
// fictional NHS trust, Harrowfield and Wyre NHS Foundation Trust, embedded
// in the binary so that cqcmine can be tried without downloading anything.
//
// The corpus has the kinds of document cqcmine reads in the wild:
//
//   - a 30-page CQC-style inspection report (PDF) with ratings grids,
//     per-service findings, quotes, must-do and should-do actions,
//     requirement notices and enforcement actions;
//   - a Section 29A warning notice letter (PDF);
//   - the trust's press statement on the report (HTML);
//   - a CQC-style ratings page for one hospital (HTML);
//   - the hospital's location report page in the 2018 to 2022 layout
//     (HTML): a key to the tables and a ratings grid of every core service,
//     each cell a rating, the arrow of its change and its month;
//   - a board paper on the CQC improvement plan (DOCX);
//   - the report of the previous, 2021, inspection (DOCX): a one-row
//     "Ratings for the whole trust" grid and a requirement notices table;
//   - the trust's news release on that inspection (plain text).
//
// Every name, code, figure and word in it is invented. The files are made
// by internal/gen from its source/ folder; after editing a source, run
//
//	go generate ./corpus/demo
//
// and commit the regenerated files. A test fails when the embedded files
// and the generator disagree.
package demo

import (
	"embed"
	"io/fs"
	"slices"
)

//go:generate go run ./internal/gendemo -out files/demo

//go:embed files
var files embed.FS

// FS returns the demo corpus files; names are like
// "demo/harrowfield-inspection-report-2024.pdf".
func FS() fs.FS {
	sub, err := fs.Sub(files, "files")
	if err != nil {
		// "files" is a valid path, so fs.Sub cannot fail.
		panic(err)
	}
	return sub
}

// Names returns the names of the demo corpus files in FS, sorted.
func Names() []string {
	var names []string
	// The embedded tree cannot fail to walk; an error would leave names short
	// and the tests would catch it.
	_ = fs.WalkDir(FS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, path)
		}
		return err
	})
	slices.Sort(names)
	return names
}
