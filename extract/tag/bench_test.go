package tag

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/internal/shared"
)

// BenchmarkTag tags the seed and real-dev texts end to end; the MB/s it
// reports is text tagged per second on one core.
func BenchmarkTag(b *testing.B) {
	root := shared.Dir(b, "")
	var docs []*extract.Document
	var size int64
	for _, folder := range []string{"seeds", "real-dev"} {
		names, _ := filepath.Glob(filepath.Join(root, "corpus", folder, "*.txt"))
		for _, n := range names {
			t, err := os.ReadFile(n)
			if err != nil {
				b.Fatal(err)
			}
			docs = append(docs, textDoc(n, string(t)))
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
