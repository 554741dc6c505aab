package corpus

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func paths(items []Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Path)
	}
	return out
}

func TestWalk(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "b.txt"), "b")
	write(t, filepath.Join(dir, "a", "z.pdf"), "%PDF-1.4")
	write(t, filepath.Join(dir, "a", "y.html"), "<html>")
	write(t, filepath.Join(dir, ".hidden", "x.txt"), "hidden")
	write(t, filepath.Join(dir, "a", ".secret.txt"), "hidden")
	// A directory link loop: a/loop -> .. (the root).
	if err := os.Symlink("..", filepath.Join(dir, "a", "loop")); err != nil {
		t.Fatal(err)
	}
	// A dangling link is an input that cannot be read.
	if err := os.Symlink("nowhere.txt", filepath.Join(dir, "dangling.txt")); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pdf")

	items, err := Walk(context.Background(), []string{dir, missing, filepath.Join(dir, "b.txt")})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		filepath.Join(dir, ".hidden"),
		filepath.Join(dir, "a", ".secret.txt"),
		filepath.Join(dir, "a", "loop"),
		filepath.Join(dir, "a", "y.html"),
		filepath.Join(dir, "a", "z.pdf"),
		filepath.Join(dir, "b.txt"),
		filepath.Join(dir, "dangling.txt"),
		missing,
	}
	if got := paths(items); !slices.Equal(got, want) {
		t.Fatalf("Walk paths:\n got %q\nwant %q", got, want)
	}
	for _, it := range items {
		hidden := strings.HasPrefix(filepath.Base(it.Path), ".")
		loop := filepath.Base(it.Path) == "loop"
		bad := it.Path == missing || filepath.Base(it.Path) == "dangling.txt"
		if hidden != errors.Is(it.Err, ErrHidden) || loop != errors.Is(it.Err, ErrListed) || (hidden || loop) != IsSkip(it.Err) {
			t.Errorf("%s: Err = %v", it.Path, it.Err)
		}
		if hidden || loop {
			continue
		}
		if bad != (it.Err != nil) || IsSkip(it.Err) {
			t.Errorf("%s: Err = %v", it.Path, it.Err)
		}
		if !bad && (it.Size == 0 || it.ModTime.IsZero()) {
			t.Errorf("%s: size %d modtime %v", it.Path, it.Size, it.ModTime)
		}
	}
}

func TestWalkCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Walk(ctx, []string{t.TempDir()}); err == nil {
		t.Fatal("Walk on a cancelled context: no error")
	}
}

func TestWalkFS(t *testing.T) {
	fsys := fstest.MapFS{
		"demo/a.pdf":       {Data: []byte("%PDF-1.4")},
		"demo/b.txt":       {Data: []byte("text")},
		"demo/.git/config": {Data: []byte("x")},
	}
	items, err := WalkFS(context.Background(), fsys, "demo")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := paths(items), []string{"demo/a.pdf", "demo/b.txt"}; !slices.Equal(got, want) {
		t.Fatalf("got %q want %q", got, want)
	}
	b, err := items[1].ReadAll(0)
	if err != nil || string(b) != "text" {
		t.Fatalf("ReadAll = %q, %v", b, err)
	}
}

func TestReadAllLimit(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.txt")
	write(t, p, "0123456789")
	it := Item{Path: p}
	if _, err := it.ReadAll(5); err == nil {
		t.Fatal("ReadAll past the limit: no error")
	}
	if b, err := it.ReadAll(10); err != nil || len(b) != 10 {
		t.Fatalf("ReadAll at the limit = %d bytes, %v", len(b), err)
	}
}

func docx(t *testing.T, member string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(member)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("<w:document/>"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want Format
	}{
		{"pdf", []byte("%PDF-1.7\n%âãÏÓ\n"), FormatPDF},
		{"pdf with junk before header", append(bytes.Repeat([]byte{' '}, 100), "%PDF-2.0\n"...), FormatPDF},
		{"docx", docx(t, "word/document.xml"), FormatDOCX},
		{"other zip", docx(t, "content.xml"), FormatUnknown},
		{"html doctype", []byte("\xef\xbb\xbf  <!DOCTYPE html><html>"), FormatHTML},
		{"html upper", []byte("<HTML><BODY>hi"), FormatHTML},
		{"html after comment", []byte("<!-- saved --> <html>"), FormatHTML},
		{"text", []byte("Are services safe? Requires improvement\n"), FormatText},
		{"windows-1252 text", []byte("Trust\x92s \x93good\x94 rating\n"), FormatText},
		{"empty", nil, FormatText},
		{"binary", []byte{0x89, 'P', 'N', 'G', 0, 0, 0, 0x0d}, FormatUnknown},
		{"text mentioning html", []byte("About <html> tags"), FormatText},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), FormatImage},
		{"jpeg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), FormatImage},
		{"tiff little-endian", []byte("II*\x00\x08\x00\x00\x00"), FormatImage},
		{"tiff big-endian", []byte("MM\x00*\x00\x00\x00\x08"), FormatImage},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00"), FormatUnknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Detect(tc.data); got != tc.want {
				t.Errorf("Detect = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestIdentify(t *testing.T) {
	// SHA-256 of "abc", from FIPS 180-2.
	const want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got := Identify([]byte("abc")); got != want {
		t.Fatalf("Identify = %s", got)
	}
}

func TestManifestPlan(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "reports")
	other := filepath.Join(dir, "other")
	t0 := time.Date(2024, 7, 19, 10, 0, 0, 0, time.UTC)
	item := func(name string, size int64) Item {
		return Item{Path: filepath.Join(root, name), Size: size, ModTime: t0}
	}
	m := NewManifest()
	m.Record(item("same.pdf", 10), "id-same")
	m.Record(item("changed.pdf", 10), "id-changed")
	m.Record(item("gone.pdf", 10), "id-gone")
	m.Record(item("moved-from.pdf", 10), "id-moved")
	m.Record(Item{Path: filepath.Join(other, "keep.pdf"), Size: 1, ModTime: t0}, "id-other")

	walked := []Item{item("same.pdf", 10), item("changed.pdf", 11), item("new.pdf", 5), item("moved-to.pdf", 10)}
	p := m.Plan(walked, []string{root})
	if got, want := paths(p.Todo), []string{item("changed.pdf", 0).Path, item("new.pdf", 0).Path, item("moved-to.pdf", 0).Path}; !slices.Equal(got, want) {
		t.Errorf("Todo = %q, want %q", got, want)
	}
	if got := paths(p.Unchanged); len(got) != 1 || filepath.Base(got[0]) != "same.pdf" {
		t.Errorf("Unchanged = %q", got)
	}
	wantGone := []string{Key(item("gone.pdf", 0)), Key(item("moved-from.pdf", 0))}
	if !slices.Equal(p.Gone, wantGone) {
		t.Errorf("Gone = %q, want %q (entries outside the roots stay)", p.Gone, wantGone)
	}

	// The moved file's content is recorded under its new path before the
	// old one is forgotten: it is not an orphan.
	m.Record(item("moved-to.pdf", 10), "id-moved")
	if id, orphan := m.Forget(Key(item("moved-from.pdf", 0))); id != "id-moved" || orphan {
		t.Errorf("Forget moved = %q, %v; want id-moved, false", id, orphan)
	}
	if id, orphan := m.Forget(Key(item("gone.pdf", 0))); id != "id-gone" || !orphan {
		t.Errorf("Forget gone = %q, %v; want id-gone, true", id, orphan)
	}

	path := filepath.Join(dir, "manifest.json")
	m.AddRoots(root, root)
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := LoadManifest(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Entries) != len(m.Entries) || !slices.Equal(back.Roots, []string{root}) {
		t.Fatalf("reloaded manifest: %d entries, roots %q", len(back.Entries), back.Roots)
	}
	if e := back.Entries[Key(item("same.pdf", 0))]; e.ID != "id-same" || !e.ModTime.Equal(t0) {
		t.Errorf("reloaded entry = %+v", e)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".manifest.json.tmp*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %q", leftovers)
	}
}

func TestLoadManifestErrors(t *testing.T) {
	dir := t.TempDir()
	m, err := LoadManifest(filepath.Join(dir, "none.json"))
	if err != nil || len(m.Entries) != 0 {
		t.Fatalf("missing manifest = %v, %v", m, err)
	}
	bad := filepath.Join(dir, "bad.json")
	write(t, bad, "{not json")
	if _, err := LoadManifest(bad); err == nil {
		t.Fatal("corrupt manifest: no error")
	}
	old := filepath.Join(dir, "old.json")
	write(t, old, `{"version": 99, "entries": {}}`)
	if _, err := LoadManifest(old); err == nil {
		t.Fatal("manifest of another version: no error")
	}
}
