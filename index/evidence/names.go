package evidence

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
)

// Provider is one provider and every name it is written under.
type Provider struct {
	// Name is the fullest of its names, the one it is shown under.
	Name string `json:"name"`
	// Names are every name it is written under, Name first.
	Names []string `json:"names"`
}

// orgWords are the words a provider's name may be written with or
// without: "Northvale NHS Foundation Trust", "Northvale Foundation
// Trust" and "Northvale Trust" name one provider.
var orgWords = map[string]bool{"nhs": true, "foundation": true, "trust": true, "the": true}

// nameKey is a name without case, punctuation and orgWords; "" when
// nothing is left.
func nameKey(name string) string {
	var words []string
	for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '&'
	}) {
		if w == "&" {
			w = "and"
		}
		if !orgWords[w] {
			words = append(words, w)
		}
	}
	return strings.Join(words, " ")
}

// initials are the acronyms a name is shortened to: the initials of its
// words with and without "and", "of", "NHS" and "Foundation" ("LPT" and
// "LPNT" for "Leicestershire Partnership NHS Trust").
func initials(name string) []string {
	var all, short []byte
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		c := byte(unicode.ToUpper(rune(w[0])))
		lw := strings.ToLower(w)
		if lw == "and" || lw == "of" || lw == "the" {
			continue
		}
		all = append(all, c)
		if lw != "nhs" && lw != "foundation" {
			short = append(short, c)
		}
	}
	return []string{string(all), string(short)}
}

// isAcronym says whether name is written as an acronym: two to six
// capital letters.
func isAcronym(name string) bool {
	if len(name) < 2 || len(name) > 6 {
		return false
	}
	for _, r := range name {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// Names groups provider names that name one provider: the same words but
// for case, punctuation, "NHS", "Foundation" and "Trust", or an acronym
// of the words of exactly one other name. Providers come out sorted by
// Name; a name that groups with no other is a provider of its own.
func Names(names []string) []Provider {
	byKey := map[string][]string{}
	var keys []string
	var acronyms []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if isAcronym(n) {
			acronyms = append(acronyms, n)
			continue
		}
		k := nameKey(n)
		if k == "" {
			k = strings.ToLower(n)
		}
		if byKey[k] == nil {
			keys = append(keys, k)
		}
		if !slices.Contains(byKey[k], n) {
			byKey[k] = append(byKey[k], n)
		}
	}
	for _, a := range acronyms {
		var match []string
		for _, k := range keys {
			for _, n := range byKey[k] {
				if slices.Contains(initials(n), a) {
					match = append(match, k)
					break
				}
			}
		}
		if len(match) == 1 {
			byKey[match[0]] = append(byKey[match[0]], a)
		} else {
			k := "\x00" + a
			keys = append(keys, k)
			byKey[k] = []string{a}
		}
	}
	var out []Provider
	for _, k := range keys {
		ns := byKey[k]
		slices.SortFunc(ns, func(a, b string) int {
			// The fullest name first: the most words, then the longest.
			return cmp.Or(cmp.Compare(len(strings.Fields(b)), len(strings.Fields(a))), cmp.Compare(len(b), len(a)), cmp.Compare(a, b))
		})
		out = append(out, Provider{Name: ns[0], Names: ns})
	}
	slices.SortFunc(out, func(a, b Provider) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// Find returns the provider that name is one of the names of.
func Find(providers []Provider, name string) (Provider, bool) {
	for _, p := range providers {
		if slices.Contains(p.Names, name) {
			return p, true
		}
	}
	return Provider{}, false
}
