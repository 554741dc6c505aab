// Package shared finds the read-only test material that sits beside the
// repository, in ../shared (real documents, gold annotations, reference
// PDFs). Tests that use it skip when it is absent, unless the CI
// environment variable is set, when they fail instead.
package shared

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Path returns the path of sub (slash-separated) inside the shared folder
// beside the module root, or an error when it is not there.
func Path(sub string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("module root (go.mod) not found above the working directory")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", filepath.FromSlash(sub))
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("shared material: %w", err)
	}
	return p, nil
}

// Dir returns the path of sub inside the shared folder. When it is absent
// the test is skipped, or failed when CI is set.
func Dir(tb testing.TB, sub string) string {
	tb.Helper()
	p, err := Path(sub)
	if err != nil {
		if os.Getenv("CI") == "" {
			tb.Skip(err)
		}
		tb.Fatalf("%v (CI is set, so the shared folder must be there)", err)
	}
	return p
}
