package pdf

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/internal/hostile"
)

func hostileBytes(t *testing.T, name string) []byte {
	t.Helper()
	c, ok := hostile.Lookup(name)
	if !ok {
		t.Fatalf("no hostile case %s", name)
	}
	b, ok := c.Bytes()
	if !ok {
		t.Fatalf("hostile case %s is not a plain file", name)
	}
	return b
}

func TestLoopDetection(t *testing.T) {
	for _, tc := range []struct {
		name           string
		prev, extends  bool
		wantErrContain string // "" when the text is recovered
	}{
		{"pdf-xref-prev-loop.pdf", true, false, ""},
		{"pdf-objstm-extends-loop.pdf", false, true, "no page tree"},
		{"pdf-pages-cycle.pdf", false, false, ""},
		{"pdf-length-long.pdf", false, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := hostileBytes(t, tc.name)
			if got := prevLoop(data); got != tc.prev {
				t.Errorf("prevLoop = %v, want %v", got, tc.prev)
			}
			if got := extendsLoop(data); got != tc.extends {
				t.Errorf("extendsLoop = %v, want %v", got, tc.extends)
			}
			// With no time limit, a loop not caught would hang here.
			c, err := Extractor{}.Extract(context.Background(), data, extract.Limits{MaxStreamBytes: 1 << 20})
			if tc.wantErrContain == "" {
				if err != nil {
					t.Fatalf("Extract: %v", err)
				}
				if !strings.Contains(c.Text(), "medicines are stored securely") {
					t.Errorf("text not recovered: %q", c.Text())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErrContain) {
				t.Fatalf("Extract error = %v, want one containing %q", err, tc.wantErrContain)
			}
		})
	}
}

// TestReadsStopWithContext opens a file on which the library loops for
// ever (an object stream that extends itself) without the loop checks,
// and checks that the loop ends when the context does.
func TestReadsStopWithContext(t *testing.T) {
	data := hostileBytes(t, "pdf-objstm-extends-loop.pdf")
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	r, err := openReader(ctx, data)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	var got any
	func() {
		defer func() { got = recover() }()
		r.Trailer().Key("Root").Key("Pages").Kind()
	}()
	err, _ = got.(error)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("resolving the page tree ended with %v, want a panic with the context's error", got)
	}
}
