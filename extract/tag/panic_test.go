package tag

import (
	"context"
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/extract"
)

// panickyTagger is a tagger whose rules panic with an index out of range
// when they add a finding of kind k.
func panickyTagger(k extract.Kind) *Tagger {
	return &Tagger{addHook: func(f extract.Finding) {
		if f.Kind == k {
			var none []int
			_ = none[len(f.Text)]
		}
	}}
}

func TestTagDocPanicFailsDocument(t *testing.T) {
	doc := textDoc("elmstead.txt", "Elmstead Care Home\n\nWe rated the service as good overall.\n\nThe manager said: \"We are proud of our staff and the care they give.\"\n")
	for _, tc := range []struct {
		kind  extract.Kind
		stage string
	}{
		{extract.KindRating, "Ratings"},
		{extract.KindQuote, "Quotes"},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			fs, err := panickyTagger(tc.kind).TagDoc(context.Background(), doc, Options{})
			var pe *extract.PanicError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v (%d findings), want a *extract.PanicError", err, len(fs))
			}
			if fs != nil {
				t.Errorf("%d findings returned with the error", len(fs))
			}
			msg := err.Error()
			t.Log(msg)
			if strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "panic in ") || !strings.Contains(msg, "index out of range") {
				t.Errorf("Error() = %q, want one line naming the panic", msg)
			}
			if !strings.Contains(pe.Where, tc.stage) || !strings.Contains(pe.Where, "panic_test.go:") {
				t.Errorf("Where = %q, want the %s stage and the place of the panic", pe.Where, tc.stage)
			}
			var re runtime.Error
			if !errors.As(err, &re) {
				t.Errorf("the runtime error is not unwrapped from %v", err)
			}
			if !strings.Contains(string(pe.Stack), "panic_test.go") {
				t.Errorf("stack does not show the panic:\n%s", pe.Stack)
			}
		})
	}
}

func TestTagDoesNotRecover(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Tag returned after a rule panicked")
		}
	}()
	panickyTagger(extract.KindRating).Tag(context.Background(), textDoc("t.txt", "The trust was rated inadequate overall."))
}

func TestExplain(t *testing.T) {
	tg := testTagger(t)
	d := fixtureDoc(t, filepath.Join("testdata", "inspection_report.txt"))
	plain, err := tg.TagDoc(context.Background(), d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	explained, err := tg.TagDoc(context.Background(), d, Options{Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(plain) != len(explained) {
		t.Fatalf("%d findings, %d when explaining", len(plain), len(explained))
	}
	kinds := map[extract.Kind]int{}
	for i, f := range explained {
		if plain[i].Why != "" {
			t.Errorf("%s %q: why %q without Explain", f.Kind, f.Text, plain[i].Why)
		}
		if f.Kind == extract.KindDocument {
			continue
		}
		kinds[f.Kind]++
		if f.Why == "" {
			t.Errorf("%s %q: no why with Explain", f.Kind, f.Text)
		}
		if g := plain[i]; g.Text != f.Text || g.Kind != f.Kind {
			t.Errorf("finding %d differs when explaining: %q, %q", i, g.Text, f.Text)
		}
	}
	for _, k := range []extract.Kind{extract.KindRating, extract.KindMustDo, extract.KindQuote} {
		if kinds[k] == 0 {
			t.Errorf("the fixture gives no %s finding to explain", k)
		}
	}
}

func TestTaggerOf(t *testing.T) {
	for k, want := range map[extract.Kind]string{
		extract.KindRating: "rating", extract.KindMustDo: "action", extract.KindShouldDo: "action",
		extract.KindUndertaking: "action", extract.KindQuote: "quote", extract.KindEntity: "entity",
	} {
		if got := taggerOf(k); got != want {
			t.Errorf("taggerOf(%s) = %q, want %q", k, got, want)
		}
	}
}
