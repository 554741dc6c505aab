// Snippets: the matched spans of a text, cut at sentence bounds into
// highlighted fragments.

package index

import (
	"strings"
	"unicode/utf8"

	"github.com/cqcmine/cqcmine/extract"
)

// span is a byte range of a text.
type span struct{ start, end int }

// Snippet sizes, in bytes.
const (
	snippetLen    = 280 // a page snippet
	snippetBefore = 80  // context kept before a page's first match
	sentenceMax   = 300 // the most kept on each side of a finding
)

// pageSnippet shows the page around its first match, or its start.
func pageSnippet(text string, spans []span) []Fragment {
	if text == "" {
		return nil
	}
	lo := 0
	if len(spans) > 0 {
		lo = cutBack(text, spans[0].start-snippetBefore, spans[0].start)
	}
	hi := cutForward(text, lo+snippetLen, len(text))
	if len(spans) > 0 && hi < spans[0].end {
		hi = spans[0].end
	}
	return fragments(text, lo, hi, spans, lo > 0, hi < len(text))
}

// findingSnippet shows the sentence around a finding on its page, the
// finding's evidence or the query's matches marked. Without the page it
// shows the finding's own text.
func findingSnippet(f *extract.Finding, page string, havePage bool, spans []span) []Fragment {
	if havePage && f.End > 0 && f.Start >= 0 && f.End <= len(page) && f.Start < f.End {
		evidence := page[f.Start:f.End]
		var marks []span
		switch {
		case len(spans) == 0:
			marks = []span{{f.Start, f.End}}
		case evidence == f.Text:
			for _, s := range spans {
				marks = append(marks, span{s.start + f.Start, s.end + f.Start})
			}
		}
		if marks != nil {
			lo, cutLo := sentenceStart(page, f.Start)
			hi, cutHi := sentenceEnd(page, f.End)
			return fragments(page, lo, hi, marks, cutLo, cutHi)
		}
	}
	hi := len(f.Text)
	if hi > 2*sentenceMax {
		hi = cutForward(f.Text, 2*sentenceMax, len(f.Text))
	}
	return fragments(f.Text, 0, hi, spans, false, hi < len(f.Text))
}

// fragments cuts text[lo:hi] at the spans inside it, collapsing runs of
// white space; cutLo and cutHi add an ellipsis where the text goes on.
func fragments(text string, lo, hi int, spans []span, cutLo, cutHi bool) []Fragment {
	var out []Fragment
	cur := lo
	for _, s := range spans {
		if s.start < cur || s.end > hi || s.start >= s.end {
			continue
		}
		out = append(out, Fragment{Pre: text[cur:s.start], Match: text[s.start:s.end]})
		cur = s.end
	}
	if len(out) == 0 {
		out = []Fragment{{Pre: text[lo:hi]}}
	} else {
		out[len(out)-1].Post = text[cur:hi]
	}
	for i := range out {
		out[i].Pre = collapse(out[i].Pre)
		out[i].Match = collapse(out[i].Match)
		out[i].Post = collapse(out[i].Post)
	}
	if cutLo {
		out[0].Pre = "…" + strings.TrimLeft(out[0].Pre, " ")
	} else {
		out[0].Pre = strings.TrimLeft(out[0].Pre, " ")
	}
	last := &out[len(out)-1]
	tail := &last.Post
	if *tail == "" && last.Match == "" {
		tail = &last.Pre
	}
	if cutHi {
		*tail = strings.TrimRight(*tail, " ") + "…"
	} else {
		*tail = strings.TrimRight(*tail, " ")
	}
	return out
}

// collapse turns each run of white space into one space.
func collapse(s string) string {
	if !strings.ContainsAny(s, "\n\r\t\f\v  ") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch r {
		case ' ', '\n', '\r', '\t', '\f', '\v', '\u00a0':
			if !space {
				b.WriteByte(' ')
			}
			space = true
		default:
			b.WriteRune(r)
			space = false
		}
	}
	return b.String()
}

// cutBack returns a start at or after min (clamped to 0) and at or before
// max, just after a space when there is one.
func cutBack(text string, min, max int) int {
	if min <= 0 {
		return 0
	}
	if i := strings.IndexAny(text[min:max], " \n\t"); i >= 0 {
		return min + i + 1
	}
	return runeStart(text, min)
}

// cutForward returns an end at or before want (clamped to the text), at a
// space when there is one after min.
func cutForward(text string, want, limit int) int {
	if want >= limit {
		return limit
	}
	if i := strings.LastIndexAny(text[:want], " \n\t"); i > 0 {
		return i
	}
	return runeStart(text, want)
}

func runeStart(text string, i int) int {
	for i > 0 && i < len(text) && !utf8.RuneStart(text[i]) {
		i--
	}
	return i
}

// sentenceStart returns where the sentence holding text[at] starts: after
// the last sentence end or blank line before at, at most sentenceMax back.
// cut reports a start in the middle of a sentence.
func sentenceStart(text string, at int) (start int, cut bool) {
	lo := at - sentenceMax
	if lo < 0 {
		lo = 0
	}
	for i := at - 1; i > lo; i-- {
		c := text[i]
		if c == '\f' || (c == '\n' && text[i-1] == '\n') {
			return i + 1, false
		}
		if isSpace(c) && strings.IndexByte(".!?", text[i-1]) >= 0 {
			return i + 1, false
		}
	}
	if lo == 0 {
		return 0, false
	}
	return cutBack(text, lo, at), true
}

// sentenceEnd returns where the sentence holding text[at-1] ends: after
// the next sentence end or blank line, at most sentenceMax on. cut reports
// an end in the middle of a sentence.
func sentenceEnd(text string, at int) (end int, cut bool) {
	if at > 0 && strings.IndexByte(".!?", text[at-1]) >= 0 {
		return at, false
	}
	hi := at + sentenceMax
	if hi > len(text) {
		hi = len(text)
	}
	for i := at; i < hi; i++ {
		c := text[i]
		if c == '\f' || (c == '\n' && i+1 < len(text) && text[i+1] == '\n') {
			return i, false
		}
		if strings.IndexByte(".!?", c) >= 0 && (i+1 == len(text) || isSpace(text[i+1])) {
			return i + 1, false
		}
	}
	if hi == len(text) {
		return hi, false
	}
	if i := strings.LastIndexAny(text[at:hi], " \n\t"); i > 0 {
		return at + i, true
	}
	return runeStart(text, hi), true
}
