package text

import (
	"strings"
	"unicode/utf8"
)

// Bullet is the list-item marker every extractor writes at the start of a
// list item's line.
const Bullet = "• "

// Normalize returns s with the typographic noise that differs between
// file formats taken out, so that the taggers see one spelling:
//
//   - CRLF and lone CR become LF; U+2028 and U+2029 become LF;
//   - no-break spaces (U+00A0, U+2007, U+202F) become a plain space;
//   - soft hyphens (U+00AD), zero-width spaces (U+200B) and stray
//     byte-order marks (U+FEFF) are removed;
//   - Latin ligatures (ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ) are spelt out;
//   - a bullet glyph (•, ●, ▪, ■, ◦, ‣, ⁃, the Symbol-font bullets U+F0B7
//     and U+F0A7, or an en dash followed by a space) at the start of a line,
//     after any indentation, becomes [Bullet] ("• "); the indentation is
//     kept;
//   - invalid UTF-8 becomes U+FFFD.
//
// Everything else is kept as it is: Normalize does not rewrap lines or
// collapse spaces, so offsets into its output stay meaningful to a reader
// of the output. Normalize is idempotent: Normalize(Normalize(s)) ==
// Normalize(s).
func Normalize(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/32)
	lineStart := true // only spaces or tabs since the last LF
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch c {
			case '\r':
				b.WriteByte('\n')
				if i < len(s) && s[i] == '\n' {
					i++
				}
				lineStart = true
			case '\n':
				b.WriteByte('\n')
				lineStart = true
			case ' ', '\t':
				b.WriteByte(c)
			default:
				b.WriteByte(c)
				lineStart = false
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch r {
		case '\u00a0', '\u2007', '\u202f':
			b.WriteByte(' ')
			continue
		case '\u00ad', '\u200b', '\ufeff':
			continue
		case '\u2028', '\u2029':
			b.WriteByte('\n')
			lineStart = true
			continue
		}
		if lig, ok := ligatures[r]; ok {
			b.WriteString(lig)
			lineStart = false
			continue
		}
		if lineStart && isBullet(r, s[i:]) {
			// Swallow the spaces after the glyph; a bullet alone on its
			// line keeps no trailing space.
			for i < len(s) {
				if s[i] == ' ' || s[i] == '\t' {
					i++
					continue
				}
				if sp, n := utf8.DecodeRuneInString(s[i:]); isSpaceLike(sp) || sp == '\u00ad' || sp == '\u200b' || sp == '\ufeff' {
					i += n
					continue
				}
				break
			}
			if next, _ := utf8.DecodeRuneInString(s[i:]); i == len(s) || next == '\n' || next == '\r' || next == '\u2028' || next == '\u2029' {
				b.WriteString(strings.TrimSuffix(Bullet, " "))
			} else {
				b.WriteString(Bullet)
			}
			lineStart = false
			continue
		}
		if r == utf8.RuneError && size == 1 {
			b.WriteString("\ufffd")
		} else {
			b.WriteRune(r)
		}
		lineStart = false
	}
	return b.String()
}

var ligatures = map[rune]string{
	'\ufb00': "ff",
	'\ufb01': "fi",
	'\ufb02': "fl",
	'\ufb03': "ffi",
	'\ufb04': "ffl",
	'\ufb05': "st",
	'\ufb06': "st",
}

// isBullet reports whether r, found at the start of a line and followed by
// rest, is a list bullet. The en dash counts only when a space follows it,
// so that a line opening with a dash-joined range is left alone.
func isBullet(r rune, rest string) bool {
	switch r {
	case '•', '●', '▪', '■', '◦', '‣', '⁃', '\uf0b7', '\uf0a7':
		return true
	case '–':
		// Characters Normalize deletes do not count as what follows.
		rest = strings.TrimLeft(rest, "\u00ad\u200b\ufeff")
		if rest == "" {
			return false
		}
		n, _ := utf8.DecodeRuneInString(rest)
		return n == ' ' || n == '\t' || isSpaceLike(n)
	}
	return false
}

func isSpaceLike(r rune) bool {
	return r == '\u00a0' || r == '\u2007' || r == '\u202f'
}

// clean reports whether Normalize would return s unchanged: it has no CR
// and no non-ASCII byte other than those of runes Normalize keeps. The
// check is a fast path for the common pure-ASCII text.
func clean(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '\r' || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
