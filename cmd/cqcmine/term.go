package main

import (
	"strconv"
	"unicode/utf8"
)

// printable returns s as it may go to a terminal: s itself when every
// character in it prints, else s quoted as a Go string ("two\nlines.pdf",
// "\x1b[2J.pdf", "\u202egnp.pdf"), so that no file name or reason can
// start a line of its own, move the cursor, change colours or reorder
// text. Every path and reason cqcmine prints goes through it.
func printable(s string) string {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(s[i:]); n == 1 {
				return strconv.Quote(s) // a byte that is not UTF-8
			}
		}
		if !strconv.IsPrint(r) && r != ' ' {
			return strconv.Quote(s)
		}
	}
	return s
}
