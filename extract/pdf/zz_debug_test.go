package pdf

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/extract"
)

func TestZZDebug(t *testing.T) {
	names := os.Getenv("ZZFILES")
	if names == "" {
		t.Skip()
	}
	for _, n := range strings.Fields(names) {
		p := filepath.Join("../../../shared/pdfs/real", n)
		data, _ := os.ReadFile(p)
		c, err := Extractor{KeepFurniture: true}.Extract(context.Background(), data, extract.DefaultLimits)
		if err != nil {
			fmt.Printf("%s: ERR %v\n", n, err)
			continue
		}
		txt := c.Text()
		fmt.Printf("%s: %d pages %d words: %.200q\n", n, len(c.Pages), len(words(txt)), txt)
	}
}

func TestZZDump(t *testing.T) {
	n := os.Getenv("ZZDUMP")
	if n == "" {
		t.Skip()
	}
	data, _ := os.ReadFile(filepath.Join("../../../shared/pdfs/real", n))
	out, err := decryptPDF(context.Background(), fixHeader(data))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile("/tmp/h/"+n, out, 0o644)
}
