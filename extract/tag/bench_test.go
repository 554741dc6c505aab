package tag

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/internal/shared"
)

var tagDir = flag.String("tag.dir", "", "BenchmarkTag tags the .txt files of this folder (for example a --text-dir dump) instead of the gold texts")

// BenchmarkTag tags the seed and real-dev texts (or the texts in -tag.dir)
// end to end; the MB/s it reports is text tagged per second on one core.
func BenchmarkTag(b *testing.B) {
	folders := []string{*tagDir}
	if *tagDir == "" {
		root := shared.Dir(b, "")
		folders = []string{filepath.Join(root, "corpus", "seeds"), filepath.Join(root, "corpus", "real-dev")}
	}
	var docs []*extract.Document
	var size int64
	for _, folder := range folders {
		names, _ := filepath.Glob(filepath.Join(folder, "*.txt"))
		for _, n := range names {
			t, err := os.ReadFile(n)
			if err != nil {
				b.Fatal(err)
			}
			d := textDoc(n, string(t))
			if pages := strings.Split(string(t), "\f"); len(pages) > 1 {
				// A text dump: one page per form feed.
				d.Content.Pages = d.Content.Pages[:0]
				for i, p := range pages {
					d.Content.Pages = append(d.Content.Pages, extract.Page{Number: i + 1, Text: p})
				}
			}
			docs = append(docs, d)
			size += int64(len(t))
		}
	}
	if len(docs) == 0 {
		b.Fatal("no texts")
	}
	tg := testTagger(b)
	ctx := context.Background()
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		for _, d := range docs {
			tg.Tag(ctx, d)
		}
	}
}
