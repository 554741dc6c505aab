package hostile

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteDeterministic writes the cases twice and checks that every
// file is written, with the same bytes both times, in name order.
func TestWriteDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("compresses gigabytes of zeros; skipped with -short")
	}
	a, b := t.TempDir(), t.TempDir()
	ca, err := Write(a)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := Write(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(ca) != len(cb) || len(ca) < 20 {
		t.Fatalf("%d and %d cases", len(ca), len(cb))
	}
	for i, c := range ca {
		if i > 0 && ca[i-1].Name >= c.Name {
			t.Errorf("cases not in name order: %s before %s", ca[i-1].Name, c.Name)
		}
		switch c.Want {
		case OK, Failed, NeedsOCR, Skipped:
		default:
			t.Errorf("%s: unknown status %q", c.Name, c.Want)
		}
		if _, ok := c.Bytes(); !ok {
			if _, err := os.Lstat(c.Path); err != nil {
				t.Errorf("%s: not written: %v", c.Name, err)
			}
			continue
		}
		da, err1 := os.ReadFile(c.Path)
		db, err2 := os.ReadFile(cb[i].Path)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v, %v", c.Name, err1, err2)
		}
		if !bytes.Equal(da, db) {
			t.Errorf("%s: differs between two writes", c.Name)
		}
		if len(da) > 4<<20 {
			t.Errorf("%s: %d bytes, want a small file", c.Name, len(da))
		}
		t.Logf("%-28s %8d bytes", c.Name, len(da))
	}
	// The sparse file is big but holds no blocks.
	if c, ok := Lookup("sparse-1g.pdf"); ok {
		st, err := os.Stat(filepath.Join(a, c.Name))
		if err != nil || st.Size() != 1<<30 {
			t.Errorf("sparse file: %v, %v", st, err)
		}
	}
}
