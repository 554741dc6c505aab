package index

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// colsIndex builds an index of n generated documents, with deletions,
// and closes it: its column file is written.
func colsIndex(t *testing.T, n int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "idx")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	g := newGen(11)
	for i := range n {
		doc, finds := g.doc(i, 3, 6)
		if err := ix.Add(ctx, doc, finds); err != nil {
			t.Fatal(err)
		}
		if i%5 == 1 {
			if err := ix.Delete(ctx, doc.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// colsAnswers opens dir and answers a few queries and document lookups.
// fromFile reports whether the table came from the column file.
func colsAnswers(t *testing.T, dir string) (out []string, fromFile bool) {
	t.Helper()
	ix, err := OpenWith(context.Background(), dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, q := range []Query{
		{Facets: true, FacetSize: 100},
		{Text: "staff", Scope: ScopeAll, Facets: true},
		{Kinds: []string{"rating"}, Sort: SortDate, Limit: 50},
	} {
		res := doSearch(t, ix, q)
		res.Took = 0
		b, _ := json.Marshal(res)
		out = append(out, string(b))
	}
	ids, _ := ix.DocIDs(context.Background())
	for _, id := range ids {
		info, err := ix.Document(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(info)
		out = append(out, string(b))
	}
	return out, !ix.colsStale
}

// TestColumnFileOtherVersion: a column file of another version (one
// written before the format changed) is not read but rebuilt from the
// summaries, Check notes it without calling it damaged, and the next
// writer writes the current version.
func TestColumnFileOtherVersion(t *testing.T) {
	dir := colsIndex(t, 12)
	want, fromFile := colsAnswers(t, dir)
	if !fromFile {
		t.Fatal("the column file was not used")
	}
	path := filepath.Join(dir, colsFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Version 1 began so; its checksum is set right, so that only the
	// version tells it apart.
	old := append([]byte("cqcmine columns 1\n"), b[len(colsMagic):]...)
	binary.LittleEndian.PutUint32(old[len(old)-4:], crc32.ChecksumIEEE(old[:len(old)-4]))
	write(t, path, old)

	got, fromFile := colsAnswers(t, dir)
	if fromFile {
		t.Error("a column file of another version was read")
	}
	if !slices.Equal(got, want) {
		t.Errorf("answers after a rebuild differ:\n%v\n%v", got, want)
	}
	rep, err := Check(context.Background(), dir)
	if err != nil || !rep.OK() || !strings.Contains(strings.Join(rep.Notes, "\n"), "another version") {
		t.Errorf("check of a column file of another version: %+v, %v", rep, err)
	}

	ix, err := Open(dir) // a writer; its close writes the file again
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || !bytes.HasPrefix(b, []byte(colsMagic)) {
		t.Fatalf("column file not written again: %q, %v", b[:min(len(b), len(colsMagic))], err)
	}
	got, fromFile = colsAnswers(t, dir)
	if !fromFile || !slices.Equal(got, want) {
		t.Errorf("after the file was written again: from the file %v, same answers %v", fromFile, slices.Equal(got, want))
	}
}

// TestColumnFileWrites: a writer that opened the index from its column
// file (whose arrays it uses where they lie) deletes, replaces and adds
// documents, flushing between, and answers as an index built with the
// same changes from the start.
func TestColumnFileWrites(t *testing.T) {
	ctx := context.Background()
	change := func(t *testing.T, ix *Index) {
		g := newGen(12)
		for i := range 4 {
			doc, finds := g.doc(100+i, 2, 5)
			if err := ix.Add(ctx, doc, finds); err != nil {
				t.Fatal(err)
			}
		}
		ids, _ := ix.DocIDs(ctx)
		if err := ix.Delete(ctx, ids[0], ids[3]); err != nil {
			t.Fatal(err)
		}
		if err := ix.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		doc, finds := g.doc(100, 4, 7) // replaces a document added above
		if err := ix.Add(ctx, doc, finds); err != nil {
			t.Fatal(err)
		}
	}
	reopened := colsIndex(t, 10)
	ix, err := Open(reopened)
	if err != nil {
		t.Fatal(err)
	}
	if ix.colsStale {
		t.Fatal("the column file was not used")
	}
	change(t, ix)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	direct := colsIndex(t, 10)
	if err := os.Remove(filepath.Join(direct, colsFile)); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(direct) // the table comes from the summaries
	if err != nil {
		t.Fatal(err)
	}
	change(t, ix)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	a, fa := colsAnswers(t, reopened)
	b, fb := colsAnswers(t, direct)
	if !fa || !fb {
		t.Fatalf("column files not used: %v %v", fa, fb)
	}
	if !slices.Equal(a, b) {
		t.Errorf("answers differ:\n%v\n%v", a, b)
	}
	if err := os.Remove(filepath.Join(reopened, colsFile)); err != nil {
		t.Fatal(err)
	}
	c, _ := colsAnswers(t, reopened)
	if !slices.Equal(a, c) {
		t.Errorf("answers from the column file differ from the summaries':\n%v\n%v", a, c)
	}
}

// TestDecodeColumnsUnaligned: a column file in memory that is not
// aligned (or on a big-endian host) is decoded number by number into the
// same table.
func TestDecodeColumnsUnaligned(t *testing.T) {
	dir := colsIndex(t, 6)
	b, err := os.ReadFile(filepath.Join(dir, colsFile))
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, len(b)+1)
	odd := buf[1:]
	copy(odd, b)
	x, err := decodeColumns(b)
	if err != nil {
		t.Fatal(err)
	}
	y, err := decodeColumns(odd)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []*cols{&x.tab.f, &x.tab.p} {
		d := []*cols{&y.tab.f, &y.tab.p}[i]
		if c.n == 0 || c.n != d.n || !slices.Equal(c.doc, d.doc) || !slices.Equal(c.num, d.num) || !slices.Equal(c.date, d.date) ||
			!slices.Equal(c.page, d.page) || !slices.Equal(c.live, d.live) || !slices.Equal(c.themes, d.themes) {
			t.Errorf("table %d differs", i)
		}
		for j := range nSingle {
			if !slices.Equal(c.v[j], d.v[j]) {
				t.Errorf("table %d, column %d differs", i, j)
			}
		}
	}
	if len(x.tab.dlist) != len(y.tab.dlist) || len(x.tab.dlist) < 2 {
		t.Fatalf("documents: %d and %d", len(x.tab.dlist), len(y.tab.dlist))
	}
	for i, d := range x.tab.dlist[1:] {
		e := y.tab.dlist[i+1]
		if d.id != e.id || d.title != e.title || d.published != e.published || d.fSerial != e.fSerial ||
			!slices.Equal(d.nums, e.nums) || !slices.Equal(d.pages, e.pages) {
			t.Errorf("document %d differs: %+v, %+v", i, d, e)
		}
	}
	for i := range x.maps {
		if len(x.maps[i]) == 0 || len(x.maps[i]) != len(y.maps[i]) {
			t.Errorf("serial maps %d: %d and %d segments", i, len(x.maps[i]), len(y.maps[i]))
		}
		for id, m := range x.maps[i] {
			if !slices.Equal(m, y.maps[i][id]) {
				t.Errorf("serial map %d of segment %d differs", i, id)
			}
		}
		if x.locs[i] == nil || y.locs[i] == nil || len(x.locs[i].loc) == 0 ||
			!slices.Equal(x.locs[i].ids, y.locs[i].ids) || !slices.Equal(x.locs[i].loc, y.locs[i].loc) {
			t.Errorf("locations %d differ", i)
		}
	}
}

// TestColumnFileMagic: only a column file that says it has another
// version is one; a short or garbled start is damage.
func TestColumnFileMagic(t *testing.T) {
	for _, tc := range []struct {
		b     string
		other bool
	}{
		{"cqcmine columns 1\n" + strings.Repeat("x", 40), true},
		{"cqcmine columns 17\n" + strings.Repeat("x", 40), true},
		{colsMagic + "abc", false},
		{"cqcmine columns x\n" + strings.Repeat("x", 40), false},
		{"cqcmine columns ", false},
		{"", false},
		{"cqcmine colunms 1\n" + strings.Repeat("x", 40), false},
	} {
		_, err := decodeColumns([]byte(tc.b))
		if err == nil || errors.Is(err, errColsVersion) != tc.other {
			t.Errorf("%q: %v, want another version %v", tc.b, err, tc.other)
		}
	}
}
