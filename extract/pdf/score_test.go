package pdf

import (
	"math/bits"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// words returns the NFKC-folded, lower-cased letter and digit runs of s.
func words(s string) []string {
	s = strings.ToLower(norm.NFKC.String(s))
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// bagF1 is the F1 of the word multisets of got against want.
func bagF1(got, want []string) float64 {
	if len(got) == 0 && len(want) == 0 {
		return 1
	}
	if len(got) == 0 || len(want) == 0 {
		return 0
	}
	bag := make(map[string]int, len(want))
	for _, w := range want {
		bag[w]++
	}
	common := 0
	for _, w := range got {
		if bag[w] > 0 {
			bag[w]--
			common++
		}
	}
	p := float64(common) / float64(len(got))
	r := float64(common) / float64(len(want))
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// lcsRatio is 2·LCS/(n+m) over the word sequences: 1 when the words come
// in the same order. It uses the bit-parallel LCS of Hyyrö, so whole
// documents can be compared.
func lcsRatio(a, b []string) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	pos := make(map[string][]int)
	for i, w := range a {
		pos[w] = append(pos[w], i)
	}
	n := (len(a) + 63) / 64
	v := make([]uint64, n)
	for i := range v {
		v[i] = ^uint64(0)
	}
	m := make([]uint64, n)
	for _, w := range b {
		ps := pos[w]
		if len(ps) == 0 {
			continue
		}
		clear(m)
		for _, p := range ps {
			m[p/64] |= 1 << (p % 64)
		}
		var carry uint64
		for k := range v {
			u := v[k] & m[k]
			sum, c := bits.Add64(v[k], u, carry)
			carry = c
			v[k] = sum | (v[k] &^ m[k])
		}
	}
	zeros := 0
	for i := 0; i < len(a); i++ {
		if v[i/64]&(1<<(i%64)) == 0 {
			zeros++
		}
	}
	return 2 * float64(zeros) / float64(len(a)+len(b))
}

func TestScoreHelpers(t *testing.T) {
	a := words("The ﬁrst cat sat on the mat")
	b := words("the first cat sat on the mat")
	if f := bagF1(a, b); f != 1 {
		t.Errorf("bagF1 = %v, want 1", f)
	}
	if l := lcsRatio(a, b); l != 1 {
		t.Errorf("lcsRatio = %v, want 1", l)
	}
	c := words("mat the on sat cat first the")
	if l := lcsRatio(c, b); l >= 0.5 {
		t.Errorf("lcsRatio of reversed = %v, want < 0.5", l)
	}
	if f := bagF1(words("a b"), words("c d")); f != 0 {
		t.Errorf("bagF1 disjoint = %v", f)
	}
	// A long sequence exercises the carry between words of the bit vector.
	var long, shifted []string
	for i := 0; i < 300; i++ {
		long = append(long, string(rune('a'+i%26)))
	}
	shifted = append([]string{"x"}, long...)
	if l := lcsRatio(long, shifted); l < 0.99 {
		t.Errorf("lcsRatio long = %v", l)
	}
}
