package index

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blevesearch/bleve/v2"
)

// creatingMarker is present in an index directory while its two bleve
// indexes are being created, so that a process killed in between leaves a
// directory the next Open recognises and creates again, rather than one
// that is neither empty nor an index.
const creatingMarker = ".cqcmine-creating"

// prepareFresh reports whether dir needs a new index: it is missing or
// empty, or holds an index whose creation was cut short (which it clears).
func prepareFresh(dir string) (bool, error) {
	if _, err := os.Stat(filepath.Join(dir, creatingMarker)); err == nil {
		for _, part := range []string{findingsDir, pagesDir, creatingMarker} {
			if err := os.RemoveAll(filepath.Join(dir, part)); err != nil {
				return false, fmt.Errorf("open index %s: clear an unfinished creation: %w", dir, err)
			}
		}
		return true, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return false, fmt.Errorf("open index %s: %w", dir, err)
	}
	return isFresh(dir)
}

// createParts creates the findings and pages indexes in dir, under the
// creating marker.
func createParts(dir string) (fx, px bleve.Index, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("create index %s: %w", dir, err)
	}
	marker := filepath.Join(dir, creatingMarker)
	if err := os.WriteFile(marker, nil, 0o600); err != nil {
		return nil, nil, fmt.Errorf("create index %s: %w", dir, err)
	}
	syncDir(dir)
	if fx, err = create(filepath.Join(dir, findingsDir), findingsMapping()); err != nil {
		return nil, nil, err
	}
	if px, err = create(filepath.Join(dir, pagesDir), pagesMapping()); err != nil {
		fx.Close()
		return nil, nil, err
	}
	if err := os.Remove(marker); err != nil {
		fx.Close()
		px.Close()
		return nil, nil, fmt.Errorf("create index %s: %w", dir, err)
	}
	syncDir(dir)
	return fx, px, nil
}

// syncDir makes a directory's entries durable, as far as the system allows.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
