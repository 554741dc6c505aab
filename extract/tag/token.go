package tag

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Token kinds.
const (
	kWord   = 'w'
	kPunct  = 'p'
	kRating = 'r'
	kDomain = 'd'
)

// tok is one word or punctuation mark of a sentence, with rating words and
// domain names recognised.
type tok struct {
	s, e   int    // offsets in the document text
	w      string // lower case; normalised for ratings and domains
	kind   byte
	val    string // rating or domain value
	cap    bool   // the word starts with an upper-case letter
	quoted bool   // a quotation mark opens right before the word
}

func isQuoteRune(r rune) bool {
	switch r {
	case '"', '\'', '“', '”', '‘', '’', '«', '»':
		return true
	}
	return false
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// tokenize splits text[s:e] into tokens.
func tokenize(text string, s, e int) []tok {
	// about one token in five bytes: room for most texts at once
	out := make([]tok, 0, max(0, e-s)/5+4)
	quoted := false
	for i := s; i < e; {
		r, n := utf8.DecodeRuneInString(text[i:e])
		switch {
		case isWordRune(r):
			j := i + n
			for j < e {
				r2, n2 := utf8.DecodeRuneInString(text[j:e])
				if isWordRune(r2) {
					j += n2
					continue
				}
				if r2 == '-' || r2 == '\'' || r2 == '’' || r2 == '.' && j+n2 < e && isDigit(text[j+n2]) {
					r3, _ := utf8.DecodeRuneInString(text[j+n2 : e])
					if j+n2 < e && isWordRune(r3) {
						j += n2
						continue
					}
				}
				break
			}
			w := strings.ToLower(strings.ReplaceAll(text[i:j], "’", "'"))
			out = append(out, tok{s: i, e: j, w: w, kind: kWord, cap: unicode.IsUpper(r), quoted: quoted})
			quoted = false
			i = j
		case isQuoteRune(r):
			quoted = true
			i += n
		case unicode.IsSpace(r) || r == '\u00a0':
			i += n
		default:
			w := string(r)
			if r == '–' || r == '—' {
				w = "-"
			}
			out = append(out, tok{s: i, e: i + n, w: w, kind: kPunct})
			quoted = false
			i += n
		}
	}
	return classify(out)
}

var domainWords = map[string]string{
	"safe": "safe", "safety": "safe", "effective": "effective", "effectiveness": "effective",
	"caring": "caring", "responsive": "responsive", "responsiveness": "responsive",
	"well-led": "well-led", "wellled": "well-led", "overall": "overall",
}

var ratingWords = map[string]string{
	"good": "good", "outstanding": "outstanding", "inadequate": "inadequate",
}

// classify merges multi-word rating and domain names and marks them.
func classify(ts []tok) []tok {
	out := ts[:0]
	for i := 0; i < len(ts); i++ {
		t := ts[i]
		next := func(k int) string {
			if i+k < len(ts) {
				return ts[i+k].w
			}
			return ""
		}
		switch {
		case (t.w == "requires" || t.w == "requiring" || t.w == "require") && next(1) == "improvement":
			t.e = ts[i+1].e
			t.w, t.kind, t.val = "requires improvement", kRating, "requires improvement"
			i++
		case t.w == "requires" && i > 0 && ts[i-1].w == "as" && (next(1) == "" || ts[i+1].kind == kPunct):
			// "rated ... as requires." where the extraction lost a word
			t.kind, t.val = kRating, "requires improvement"
		case t.w == "well" && next(1) == "led":
			t.e = ts[i+1].e
			t.w, t.kind, t.val = "well-led", kDomain, "well-led"
			i++
		case t.w == "well" && next(1) == "-" && next(2) == "led":
			t.e = ts[i+2].e
			t.w, t.kind, t.val = "well-led", kDomain, "well-led"
			i += 2
		case ratingWords[t.w] != "":
			t.kind, t.val = kRating, ratingWords[t.w]
		case domainWords[t.w] != "":
			t.kind, t.val = kDomain, domainWords[t.w]
		case t.w == "leadership" && i > 0 && (ts[i-1].w == "rated" || ts[i-1].w == "for" && i > 1 && strings.HasPrefix(ts[i-2].w, "rating") ||
			i > 1 && (ts[i-2].w == "rated" || ts[i-2].w == "rate") && (ts[i-1].w == "our" || ts[i-1].w == "its" || ts[i-1].w == "the" || ts[i-1].w == "their" || strings.HasSuffix(ts[i-1].w, "'s")) ||
			i > 2 && (ts[i-3].w == "rated" || ts[i-3].w == "rate") && ts[i-2].w == "the" && strings.HasSuffix(ts[i-1].w, "'s")):
			t.kind, t.val = kDomain, "well-led"
		}
		out = append(out, t)
	}
	return out
}
