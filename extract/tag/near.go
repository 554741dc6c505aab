package tag

import (
	"regexp"
	"strings"
)

// The entity regexps start with a repeated word pattern, so the regexp
// engine tries them at every offset of a window. These functions find,
// from literal words every match holds, the offset of a window before
// which no match can start, less one byte: the byte before a match's
// start decides its \b, so the regexp, run from there, finds what it
// finds in the whole window. They return len(w) when no match can be in w.

// titleWords are the starts of the titles reTitledPerson begins with.
var titleWords = []string{"Dr", "Mr", "Ms", "Miss", "Prof", "Sir", "Dame"}

// titleFrom is where reTitledPerson's matches in w can start: at the
// first title.
func titleFrom(w string) int {
	q := firstOf(w, titleWords...)
	if q == len(w) {
		return q
	}
	return max(0, q-1)
}

// orgWords are the words one of which every match of reOrganisation
// holds: the kind of body its name ends with, or the whole name.
var orgWords = []string{"NHS", "Clinical Commissioning Group", "Integrated Care Board", "Council", "Care Quality Commission", "Healthwatch"}

// orgFrom is where reOrganisation's matches in w can start. A match is
// made of letters, spaces, line breaks, apostrophes, ampersands and
// hyphens, up to one of orgWords; so none starts before a byte of any
// other kind that comes before the first of orgWords.
func orgFrom(w string) int {
	q := firstOf(w, orgWords...)
	if q == len(w) {
		return q
	}
	p := 0
	for i := q - 1; i >= 0; i-- {
		if orgBreak(w[i]) {
			p = i + 1
			break
		}
	}
	return max(0, p-1)
}

// orgBreak reports an ASCII byte that no match of reOrganisation holds.
func orgBreak(c byte) bool {
	if c >= 0x80 || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
		return false
	}
	return !strings.ContainsRune(" \n'&-", rune(c))
}

// endsWithMatch is re.MatchString(s) for a case-insensitive re of the
// form `(?i)(?:\bword|…)[\s,:]*$` (spaces, at most one comma or colon)
// whose words are ASCII and at most n bytes long: a match starts at one
// of its words, which ends where the trailing spaces and punctuation of s
// start, so re runs on the last n bytes before them and the byte before
// those (for \b). Case folding matches K and s with the non-ASCII Kelvin
// sign and long s, so s holding either is read whole.
func endsWithMatch(re *regexp.Regexp, s string, n int) bool {
	u := strings.TrimRight(s, " \t\n\f\r,:")
	if k := len(u) - n - 1; k > 0 && !strings.Contains(s, "\u212a") && !strings.Contains(s, "ſ") {
		s = s[k:]
	}
	return re.MatchString(s)
}
