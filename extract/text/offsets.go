package text

import "sort"

// NormalizeOffsets maps byte offsets in s to the offsets of the same
// places in Normalize(s). offs need not be sorted; the result is in the
// same order. An offset should sit at a word boundary (not inside a rune,
// a CRLF pair or a bullet's trailing spaces), as the cell and span
// offsets extractors keep do: the text between two such places
// normalises the same alone as within s, so the pieces are normalised
// one by one in a single pass.
func NormalizeOffsets(s string, offs []int) []int {
	idx := make([]int, len(offs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return offs[idx[a]] < offs[idx[b]] })
	out := make([]int, len(offs))
	prev, acc := 0, 0
	for _, i := range idx {
		p := min(max(offs[i], 0), len(s))
		if p > prev {
			acc += len(Normalize(s[prev:p]))
			prev = p
		}
		out[i] = acc
	}
	return out
}
