package main

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/cqcmine/cqcmine"

// layers ranks the module's packages: a package may import only packages
// of its own rank or lower. The longest matching prefix decides.
var layers = []struct {
	prefix string
	rank   int
}{
	{"corpus", 0},
	{"extract", 1},
	{"extract/", 2},
	{"internal/golden", 0},
	{"internal/shared", 0},
	{"internal/hostile", 2},
	{"pipeline", 3},
	{"index", 4},
	{"internal/web", 5},
	{"internal/testindex", 5},
	{"cmd/", 6},
}

// owners names the only package allowed to import each of the three
// libraries cqcmine is built on, so that each is wrapped in one place.
var owners = map[string]string{
	"github.com/ledongthuc/pdf": "extract/pdf",
	"github.com/jdkato/prose":   "extract/tag",
	"github.com/blevesearch/":   "index",
}

// apart lists imports that the ranks allow but the design does not: the
// index takes documents and findings and knows nothing of the pipeline
// that makes them, and the web layer reads the index only; the commands
// compose pipeline and index.
var apart = map[string][]string{
	"index":        {"pipeline"},
	"internal/web": {"pipeline"},
}

func rank(pkg string) int {
	best, r := -1, -1
	for _, l := range layers {
		if (pkg == l.prefix || strings.HasPrefix(pkg, l.prefix)) && len(l.prefix) > best {
			best, r = len(l.prefix), l.rank
		}
	}
	return r
}

// TestImportLayers reads every package's imports (tests included) from go
// list and fails on an import that points the wrong way or a library
// imported outside the package that owns it.
func TestImportLayers(t *testing.T) {
	cmd := exec.Command("go", "list", "-json", module+"/...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	n := 0
	for {
		var p struct {
			ImportPath                         string
			Imports, TestImports, XTestImports []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		n++
		pkg := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		from := rank(pkg)
		if from < 0 {
			t.Errorf("package %s has no layer: add it to layers", pkg)
			continue
		}
		all := append(append(p.Imports, p.TestImports...), p.XTestImports...)
		for _, imp := range all {
			if dep, ok := strings.CutPrefix(imp, module+"/"); ok {
				if strings.HasPrefix(dep, pkg+"/internal/") || dep == pkg {
					continue // its own internals
				}
				for _, no := range apart[pkg] {
					if dep == no || strings.HasPrefix(dep, no+"/") {
						t.Errorf("%s imports %s: it must not", pkg, dep)
					}
				}
				if to := rank(dep); to > from {
					t.Errorf("%s (layer %d) imports %s (layer %d): imports must point down", pkg, from, dep, to)
				}
				continue
			}
			for lib, owner := range owners {
				if strings.HasPrefix(imp, lib) && !strings.HasPrefix(pkg, owner) {
					t.Errorf("%s imports %s, which only %s may import", pkg, imp, owner)
				}
			}
		}
	}
	if n < 10 {
		t.Fatalf("go list found only %d packages", n)
	}
}
