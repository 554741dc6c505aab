package tag

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// block is a run of text that reads as one unit: a paragraph, a bullet or
// a heading. Lines wrapped by the source are joined; a bullet marker or
// numbered paragraph marker ("2.1.4.") starts a new block and is left out
// of the block's span.
type block struct {
	s, e    int // content span in the document text, marker excluded
	bullet  bool
	heading bool
	para    int // blocks share a para number until a blank line
	lines   int
}

// sentence is one sentence of a block.
type sentence struct {
	s, e int
	blk  int
}

// isLineBreak reports whether b ends a line: newline or the form feed
// that separates pages.
func isLineBreak(b byte) bool { return b == '\n' || b == '\f' || b == '\r' }

// segment splits text into blocks and sentences.
func segment(text string) ([]block, []sentence) {
	full := fullLine(text)
	var blocks []block
	para := 0
	blank := true
	prevLen := 0
	prevEnd := byte(0)
	cur := -1
	pendingBullet := false
	for ls := 0; ls <= len(text); {
		le := ls
		for le < len(text) && !isLineBreak(text[le]) {
			le++
		}
		ts, te := trimSpan(text, ls, le)
		if ts == te {
			if !blank {
				para++
			}
			blank = true
			cur = -1
		} else {
			ts, isBullet := stripMarker(text, ts, te)
			if ts >= te {
				// a marker alone on its line: the bullet's text follows
				pendingBullet = true
				cur = -1
				ls = le + 1
				continue
			}
			isBullet = isBullet || pendingBullet
			pendingBullet = false
			first, _ := utf8.DecodeRuneInString(text[ts:te])
			join := cur >= 0 && !isBullet &&
				(unicode.IsLower(first) || (prevLen >= full && !strings.ContainsRune(".:;!?", rune(prevEnd)) &&
					!endsWithRating(text[blocks[cur].s:ls]) && !isGridRow(text[ts:te])))
			if join {
				blocks[cur].e = te
				blocks[cur].lines++
			} else {
				blocks = append(blocks, block{s: ts, e: te, bullet: isBullet, para: para, lines: 1})
				cur = len(blocks) - 1
			}
			blank = false
			prevLen = te - ts
			prevEnd = text[te-1]
		}
		ls = le + 1
	}
	for i := range blocks {
		b := &blocks[i]
		if b.bullet || b.lines > 1 {
			continue
		}
		t := text[b.s:b.e]
		last := t[len(t)-1]
		if len(t) <= 90 && !strings.ContainsRune(".!?;,", rune(last)) && len(strings.Fields(t)) <= 14 && !strings.Contains(t, ". ") {
			b.heading = true
		}
	}
	var sents []sentence
	for i, b := range blocks {
		sents = splitSentences(text, b.s, b.e, i, sents)
	}
	return blocks, sents
}

// fullLine returns the length from which a line counts as filled to the
// margin, so that a following line starting with a capital continues its
// sentence: 50 bytes, less in narrow columns.
func fullLine(text string) int {
	var lens []int
	for ls := 0; ls < len(text) && len(lens) < 4000; {
		le := ls
		for le < len(text) && !isLineBreak(text[le]) {
			le++
		}
		if n := le - ls; n > 0 {
			lens = append(lens, n)
		}
		ls = le + 1
	}
	if len(lens) < 10 {
		return 50
	}
	slices.Sort(lens)
	p80 := lens[len(lens)*8/10]
	return max(20, min(50, p80*6/10))
}

func trimSpan(text string, s, e int) (int, int) {
	for s < e {
		r, n := utf8.DecodeRuneInString(text[s:e])
		if !unicode.IsSpace(r) && r != '\u00a0' {
			break
		}
		s += n
	}
	for e > s {
		r, n := utf8.DecodeLastRuneInString(text[s:e])
		if !unicode.IsSpace(r) && r != '\u00a0' {
			break
		}
		e -= n
	}
	return s, e
}

var bulletRunes = "•·▪◦●○■□➢►✓-*–—"

// stripMarker skips bullet markers and numbered-paragraph markers at the
// start of a line.
func stripMarker(text string, s, e int) (int, bool) {
	found := false
	for s < e {
		r, n := utf8.DecodeRuneInString(text[s:e])
		if strings.ContainsRune(bulletRunes, r) && (s+n == e || text[s+n] == ' ' || text[s+n] == '\t') {
			s += n
			found = true
		} else if m := numberedMarker(text[s:e]); m > 0 {
			s += m
			found = true
		} else {
			break
		}
		for s < e && (text[s] == ' ' || text[s] == '\t') {
			s++
		}
	}
	return s, found
}

// numberedMarker returns the length of a marker like "2.1.4. ", "3) ",
// "(a) " or "1.2 " at the start of t, or 0.
func numberedMarker(t string) int {
	i := 0
	if i < len(t) && t[i] == '(' {
		i++
		j := i
		for j < len(t) && j-i < 4 && (isDigit(t[j]) || (t[j] >= 'a' && t[j] <= 'z')) {
			j++
		}
		if j > i && j < len(t) && t[j] == ')' && j+1 < len(t) && t[j+1] == ' ' {
			return j + 2
		}
		return 0
	}
	if i < len(t) && t[i] >= 'a' && t[i] <= 'h' && i+2 < len(t) && t[i+1] == ')' && t[i+2] == ' ' {
		return 3
	}
	groups := 0
	dots := 0
	for i < len(t) {
		j := i
		for j < len(t) && isDigit(t[j]) {
			j++
		}
		if j == i || j-i > 2 {
			break
		}
		groups++
		i = j
		if i < len(t) && (t[i] == '.' || t[i] == ')') {
			dots++
			i++
			if i < len(t) && t[i] == ' ' {
				if groups > 1 || dots > 0 {
					return i + 1
				}
			}
			continue
		}
		break
	}
	return 0
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

var abbrevs = map[string]bool{
	"dr": true, "mr": true, "mrs": true, "ms": true, "prof": true, "st": true,
	"reg": true, "regs": true, "no": true, "nos": true, "co": true, "ltd": true,
	"inc": true, "vs": true, "etc": true, "e.g": true, "i.e": true, "cf": true,
	"approx": true, "jan": true, "feb": true, "mar": true, "apr": true, "jun": true,
	"jul": true, "aug": true, "sep": true, "sept": true, "oct": true, "nov": true,
	"dec": true, "para": true, "paras": true, "fig": true, "ref": true, "s": true,
	"sr": true, "jr": true, "rev": true, "cllr": true, "hon": true, "ch": true,
}

// splitSentences appends the sentences of text[s:e].
func splitSentences(text string, s, e, blk int, out []sentence) []sentence {
	start := s
	for i := s; i < e; i++ {
		c := text[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		j := i + 1
		for j < e {
			r, n := utf8.DecodeRuneInString(text[j:e])
			if strings.ContainsRune("\"'”’)]", r) {
				j += n
				continue
			}
			break
		}
		if j >= e {
			break
		}
		if !isSpaceByte(text[j]) {
			continue
		}
		k := j
		for k < e && isSpaceByte(text[k]) {
			k++
		}
		if k >= e {
			break
		}
		r, _ := utf8.DecodeRuneInString(text[k:e])
		if !(unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune("\"'“‘(•", r)) {
			continue
		}
		if c == '.' && isAbbrevBefore(text, start, i) {
			continue
		}
		if c == '?' && startsWithRating(text[k:e]) {
			continue
		}
		if p := citationAfter(text, k, e); p > 0 {
			// "… daily. (Regulation 12(2)(e))": the citation ends the
			// sentence it follows
			j, k = p, p
			for k < e && isSpaceByte(text[k]) {
				k++
			}
		}
		if ts, te := trimSpan(text, start, j); ts < te {
			out = append(out, sentence{ts, te, blk})
		}
		start = k
		i = k - 1
	}
	if ts, te := trimSpan(text, start, e); ts < te {
		out = append(out, sentence{ts, te, blk})
	}
	return out
}

func isSpaceByte(b byte) bool { return b == ' ' || b == '\n' || b == '\t' || b == '\f' || b == '\r' }

// isAbbrevBefore reports whether the full stop at text[i] ends an
// abbreviation, an initial or a paragraph number rather than a sentence.
func isAbbrevBefore(text string, s, i int) bool {
	j := i
	for j > s && !isSpaceByte(text[j-1]) && text[j-1] != '(' {
		j--
	}
	w := strings.ToLower(strings.TrimLeft(text[j:i], "\"'“‘"))
	if w == "" {
		return false
	}
	if abbrevs[w] {
		return true
	}
	if len(w) == 1 && w[0] >= 'a' && w[0] <= 'z' && text[j] >= 'A' && text[j] <= 'Z' {
		return true // an initial: "J. Smith"
	}
	digits := true
	for k := 0; k < len(w); k++ {
		if !isDigit(w[k]) && w[k] != '.' {
			digits = false
			break
		}
	}
	// "2.1.4." at the start of a block
	return digits && strings.Contains(w, ".") && j == s
}

// endsWithRating reports a line that ends with a rating word, as the
// rows of ratings grids do.
func endsWithRating(t string) bool {
	t = strings.ToLower(strings.TrimRight(t, " \t\n\r\f'’\"”"))
	for _, r := range []string{"good", "outstanding", "inadequate", "improvement", "not rated", "not inspected"} {
		if strings.HasSuffix(t, r) {
			return true
		}
	}
	return false
}

// isGridRow reports a line of a ratings grid: three or more rating words.
func isGridRow(t string) bool {
	l := strings.ToLower(t)
	n := strings.Count(l, "good") + strings.Count(l, "outstanding") + strings.Count(l, "inadequate") +
		strings.Count(l, "requires improvement") + strings.Count(l, "not rated")
	return n >= 3
}

var ratingStarts = []string{"good", "outstanding", "inadequate", "requires improvement", "requires", "requiring improvement"}

func startsWithRating(t string) bool {
	t = strings.TrimLeft(t, "\"'“‘")
	if len(t) > 24 {
		t = t[:24]
	}
	l := strings.ToLower(t)
	for _, r := range ratingStarts {
		if strings.HasPrefix(l, r) {
			rest := l[len(r):]
			if rest == "" || !unicode.IsLetter(rune(rest[0])) {
				return true
			}
		}
	}
	return false
}

// clean returns t with line breaks, tabs and form feeds as spaces, so that
// it keeps its length and stays aligned with its offsets.
func clean(t string) string {
	if !strings.ContainsAny(t, "\n\r\t\f") {
		return t
	}
	b := []byte(t)
	for i, c := range b {
		if c == '\n' || c == '\r' || c == '\t' || c == '\f' {
			b[i] = ' '
		}
	}
	return string(b)
}

var reCiteOpen = regexp.MustCompile(`^\((?i:regulations?|regs?\.?)\s*\d`)

// citationAfter returns the offset just past a parenthesised
// regulation citation at text[k:e] ("(Regulation 12(2)(a))"), or 0.
func citationAfter(text string, k, e int) int {
	if k >= e || text[k] != '(' || !reCiteOpen.MatchString(text[k:min(e, k+16)]) {
		return 0
	}
	depth := 0
	for i := k; i < e && i < k+120; i++ {
		switch text[i] {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return i + 1
			}
		}
	}
	return 0
}
