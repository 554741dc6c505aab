//go:build unix

package corpus

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// boundaryTree lays out a folder "reports" with every kind of entry a
// walk meets, beside a folder "private" that must stay outside it.
func boundaryTree(t *testing.T) (root, private string) {
	t.Helper()
	dir := t.TempDir()
	root, private = filepath.Join(dir, "reports"), filepath.Join(dir, "private")
	write(t, filepath.Join(private, "salaries.txt"), "not a report")
	write(t, filepath.Join(private, "letters", "letter.txt"), "not a report either")
	write(t, filepath.Join(root, "brackenford.txt"), "Brackenford General Hospital: Good")
	write(t, filepath.Join(root, "wards", "elmstead.html"), "<html>Elmstead Care Home")
	write(t, filepath.Join(root, ".draft.txt"), "hidden")
	write(t, filepath.Join(root, ".git", "config"), "hidden folder")
	write(t, filepath.Join(root, "empty.pdf"), "")
	write(t, filepath.Join(root, "two\nlines.txt"), "a name with a newline")
	links := map[string]string{
		"alias.txt":      "brackenford.txt",                      // a file inside: followed
		"wards/back":     "..",                                   // a loop inside: survives
		"wards/copy.txt": filepath.Join(root, "brackenford.txt"), // absolute, inside
		"salaries.txt":   filepath.Join(private, "salaries.txt"), // a file outside
		"letters":        "../private/letters",                   // a folder outside
		"sneaky.txt":     "wards/../../private/salaries.txt",     // out through a folder inside
		"dangling.txt":   "nowhere.txt",                          // a link to nothing
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(root, "pipe.txt"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root, private
}

func TestWalkBoundary(t *testing.T) {
	root, private := boundaryTree(t)
	type want struct {
		err    error  // errors.Is(Item.Err, err); nil: no error
		reason string // in Item.Err
	}
	p := func(name string) string { return filepath.Join(root, name) }
	followed := map[string]want{
		p(".draft.txt"):          {ErrHidden, "hidden file"},
		p(".git"):                {ErrHidden, "hidden folder (its name starts with a dot): not entered"},
		p("alias.txt"):           {},
		p("brackenford.txt"):     {},
		p("dangling.txt"):        {fs.ErrNotExist, ""},
		p("empty.pdf"):           {},
		p("letters/letter.txt"):  {},
		p("pipe.txt"):            {ErrNotRegular, "named pipe (FIFO)"},
		p("salaries.txt"):        {},
		p("sneaky.txt"):          {},
		p("two\nlines.txt"):      {},
		p("wards/back"):          {ErrListed, "folder already listed as " + root + ": not entered again"},
		p("wards/copy.txt"):      {},
		p("wards/elmstead.html"): {},
	}
	kept := map[string]want{}
	for k, v := range followed {
		kept[k] = v
	}
	delete(kept, p("letters/letter.txt"))
	kept[p("letters")] = want{ErrOutside, "symlink letters -> " + filepath.Join(private, "letters") + " leads outside the input folders"}
	kept[p("salaries.txt")] = want{ErrOutside, "symlink salaries.txt -> " + filepath.Join(private, "salaries.txt")}
	kept[p("sneaky.txt")] = want{ErrOutside, filepath.Join(private, "salaries.txt")}

	for _, tc := range []struct {
		name  string
		opt   WalkOptions
		roots []string
		want  map[string]want
	}{
		{"links out are not followed", WalkOptions{}, []string{root}, kept},
		{"--follow-symlinks", WalkOptions{FollowSymlinks: true}, []string{root}, followed},
		{"a second root takes them in", WalkOptions{}, []string{root, private}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			items, err := tc.opt.Walk(context.Background(), tc.roots)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]Item{}
			for _, it := range items {
				if _, dup := got[it.Path]; dup {
					t.Errorf("%q listed twice", it.Path)
				}
				got[it.Path] = it
			}
			if tc.want == nil { // only the links matter here
				for _, name := range []string{"salaries.txt", "letters/letter.txt", "sneaky.txt"} {
					if it, ok := got[p(name)]; !ok || it.Err != nil {
						t.Errorf("%s: listed %v, Err %v; want a readable item", name, ok, it.Err)
					}
				}
				return
			}
			for path, w := range tc.want {
				it, ok := got[path]
				switch {
				case !ok:
					t.Errorf("%q: no item", path)
				case w.err == nil && it.Err != nil:
					t.Errorf("%q: Err = %v, want none", path, it.Err)
				case w.err != nil && !errors.Is(it.Err, w.err):
					t.Errorf("%q: Err = %v, want %v", path, it.Err, w.err)
				case w.err != nil && !strings.Contains(it.Err.Error(), w.reason):
					t.Errorf("%q: reason %q lacks %q", path, it.Err, w.reason)
				case w.err != nil && w.err != fs.ErrNotExist && !IsSkip(it.Err):
					t.Errorf("%q: IsSkip(%v) = false", path, it.Err)
				}
			}
			for path := range got {
				if _, ok := tc.want[path]; !ok {
					t.Errorf("unexpected item %q", path)
				}
			}
		})
	}
}

// TestReadAllNamedPipe opens a named pipe as Walk would never let it be
// opened (it was swapped in after the walk): ReadAll must refuse it at
// once, not wait for a writer.
func TestReadAllNamedPipe(t *testing.T) {
	p := filepath.Join(t.TempDir(), "report.pdf")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Fatal(err)
	}
	items, err := Walk(context.Background(), []string{p})
	if err != nil || len(items) != 1 || !errors.Is(items[0].Err, ErrNotRegular) {
		t.Fatalf("Walk of a named pipe given by name = %+v, %v", items, err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Item{Path: p}.ReadAll(0)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotRegular) {
			t.Fatalf("ReadAll of a named pipe: %v, want ErrNotRegular", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ReadAll of a named pipe blocks")
	}
}
