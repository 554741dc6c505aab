package extract_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/internal/golden"
)

// contract has one finding of every kind, with and without the values
// that may be unknown; findings.jsonl pins how each is written.
var contract = []extract.Finding{
	{Doc: "reports/harrowfield.pdf", DocID: "ab12", Kind: extract.KindDocument, Text: "Harrowfield and Wyre NHS Foundation Trust Inspection report",
		Title: "Inspection report", Provider: "Harrowfield and Wyre NHS Foundation Trust", DocType: "inspection report",
		Published: "2024-07-19", InspectedFrom: "2024-03-12", InspectedTo: "2024-04-25", Pages: 30, ODSCode: "RZ9", Regulator: "CQC"},
	{Doc: "statement.txt", DocID: "cd34", Kind: extract.KindDocument, Text: "statement.txt"},
	{Doc: "letters/elmstead-warning-notice.pdf", DocID: "ef90", Kind: extract.KindDocument, Text: "Warning notice",
		Title: "Warning notice", Provider: "Elmstead Care Home", Pages: 3, OCRPages: 3, OCRConfidence: 84.6, OCRLowPages: []int{3}},
	{Doc: "reports/harrowfield.pdf", DocID: "ab12", Kind: extract.KindRating, Text: "Are services safe? Requires improvement",
		Page: 2, Start: 10, End: 49, Subject: "trust overall", Domain: "safe", Rating: extract.RatingRequiresImp, Previous: extract.RatingGood,
		Provider: "Harrowfield and Wyre NHS Foundation Trust"},
	{Doc: "statement.txt", DocID: "cd34", Kind: extract.KindRating, Text: "rated good for caring", Start: 0, End: 21,
		Subject: "Maternity", Domain: "caring", Rating: extract.RatingGood},
	{Doc: "reports/harrowfield.pdf", DocID: "ab12", Kind: extract.KindRating, Text: "Requires improvement", Page: 4, Start: 310, End: 330,
		Subject: "Maternity (Harrowfield General Hospital)", Domain: "safe", Rating: extract.RatingRequiresImp,
		Direction: extract.DirectionDown, Date: "2024-07", Why: "grid-cell: row label, column header, cell"},
	{Doc: "reports/harrowfield.pdf", DocID: "ab12", Kind: extract.KindMustDo, Text: "The trust must ensure that ligature risks are assessed.",
		Page: 26, Start: 100, End: 155, Regulation: "Regulation 12", Subject: "Acute wards for adults of working age and psychiatric intensive care units",
		Themes: []string{"ligature risks"}},
	{Doc: "reports/harrowfield.pdf", DocID: "ab12", Kind: extract.KindShouldDo, Text: "The trust should review its rotas.", Page: 27, Start: 5, End: 39},
	{Doc: "statement.txt", DocID: "cd34", Kind: extract.KindQuote, Text: "Staff were kind and caring", Start: 40, End: 66,
		Speaker: extract.SpeakerPatient},
	{Doc: "statement.txt", DocID: "cd34", Kind: extract.KindQuote, Text: "We accept the findings in full", Start: 90, End: 120,
		Speaker: extract.SpeakerTrust, SpeakerName: "Dr Amira Osei"},
	{Doc: "undertakings.txt", DocID: "ef56", Kind: extract.KindUndertaking, Text: "The trust will develop an action plan.", Start: 0, End: 38},
	{Doc: "assessment.txt", DocID: "gh78", Kind: extract.KindScore, Text: "Safe environments Score: 3", Start: 12, End: 38,
		Subject: "the service", Domain: "safe", QualityStatement: "Safe environments", Score: 3},
	{Doc: "assessment.txt", DocID: "gh78", Kind: extract.KindScore, Text: "Assessing needs", Start: 50, End: 65,
		QualityStatement: "Assessing needs"},
	{Doc: "statement.txt", DocID: "cd34", Kind: extract.KindEntity, Text: "Dr Amira Osei", Start: 70, End: 83, EntityType: "person"},
}

func TestFindingContract(t *testing.T) {
	if len(extract.Kinds) != 8 {
		t.Fatalf("%d kinds: add the new kind to this test and its golden file", len(extract.Kinds))
	}
	var buf bytes.Buffer
	for _, f := range contract {
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(append(b, '\n'))

		// What is written reads back as the same finding.
		var back extract.Finding
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, f) {
			t.Errorf("round trip of %s:\n got %+v\nwant %+v", b, back, f)
		}
	}
	golden.Check(t, filepath.Join("testdata", "findings.jsonl"), buf.Bytes())
}

// TestFindingContractCSV pins the CSV form of the contract and checks
// that it is the whole contract: every value the JSON form writes is in
// the column of the same name.
func TestFindingContractCSV(t *testing.T) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(extract.CSVColumns)
	for _, f := range contract {
		row := extract.CSVRecord(f)
		if len(row) != len(extract.CSVColumns) {
			t.Fatalf("%d cells for %d columns", len(row), len(extract.CSVColumns))
		}
		w.Write(row)

		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		var obj map[string]any
		if err := json.Unmarshal(b, &obj); err != nil {
			t.Fatal(err)
		}
		for k, v := range obj {
			col := slices.Index(extract.CSVColumns, k)
			if col < 0 {
				t.Errorf("JSON field %q has no CSV column", k)
				continue
			}
			want := ""
			switch v := v.(type) {
			case nil:
			case string:
				want = v
			case float64:
				want = strconv.FormatFloat(v, 'f', -1, 64)
			case []any:
				var parts []string
				for _, p := range v {
					parts = append(parts, fmt.Sprint(p))
				}
				want = strings.Join(parts, ";")
			default:
				t.Fatalf("field %q: unexpected JSON value %T", k, v)
			}
			if row[col] != want {
				t.Errorf("%s: CSV %s = %q, JSON has %q", f.Text, k, row[col], want)
			}
		}
	}
	w.Flush()
	golden.Check(t, filepath.Join("testdata", "findings.csv"), buf.Bytes())
}
