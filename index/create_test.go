package index

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestOpenAfterCutShortCreation: a process killed while creating an index
// leaves the marker and part of the index; the next Open creates it again.
func TestOpenAfterCutShortCreation(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string)
	}{
		{"marker only", func(t *testing.T, dir string) {}},
		{"findings index only", func(t *testing.T, dir string) {
			fx, err := create(filepath.Join(dir, findingsDir), findingsMapping())
			if err != nil {
				t.Fatal(err)
			}
			fx.Close()
		}},
		{"half a findings directory", func(t *testing.T, dir string) {
			if err := os.MkdirAll(filepath.Join(dir, findingsDir, "store"), 0o755); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "idx")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, creatingMarker), nil, 0o644); err != nil {
				t.Fatal(err)
			}
			tc.setup(t, dir)
			ix, err := Open(dir)
			if err != nil {
				t.Fatalf("Open after a cut-short creation: %v", err)
			}
			ids, err := ix.DocIDs(context.Background())
			if err != nil || len(ids) != 0 {
				t.Fatalf("DocIDs = %v, %v; want an empty index", ids, err)
			}
			if err := ix.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(dir, creatingMarker)); err == nil {
				t.Error("marker left after creation")
			}
			ix, err = Open(dir)
			if err != nil {
				t.Fatalf("reopen: %v", err)
			}
			ix.Close()
		})
	}
}
