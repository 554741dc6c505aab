//go:build !unix

package corpus

// openNonblock is 0 where named pipes cannot be opened by path.
const openNonblock = 0
