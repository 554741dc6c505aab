package pdf

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strconv"
)

// ctxReaderAt is the file as the library sees it. Every read checks the
// context first and panics once it is done: the library has loops that
// never end on some files (a /Prev chain or an object stream /Extends
// chain that comes back on itself), and its reads are the one place where
// they can be stopped. The panic is turned into an error by the recovers
// around every call into the library.
type ctxReaderAt struct {
	ctx  context.Context
	data *bytes.Reader
}

func (r ctxReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if err := r.ctx.Err(); err != nil {
		panic(fmt.Errorf("reading stopped: %w", err))
	}
	return r.data.ReadAt(p, off)
}

// maxXrefSections bounds the length of a /Prev chain; longer chains are
// treated as damage.
const maxXrefSections = 1000

var (
	startxrefRE = regexp.MustCompile(`^startxref\s+(\d{1,12})`)
	prevRE      = regexp.MustCompile(`/Prev\s+(\d{1,12})\b`)
	objHeadRE   = regexp.MustCompile(`(?:^|[^0-9])(\d{1,10})\s+\d{1,5}\s+obj\b`)
	extendsRE   = regexp.MustCompile(`/Extends\s+(\d{1,10})\s+\d{1,5}\s+R`)
)

// prevLoop reports whether the chain of cross-reference sections that
// starts at the last startxref comes back to a section already read, or
// is absurdly long. The library follows /Prev with no such check.
func prevLoop(data []byte) bool {
	i := bytes.LastIndex(data, []byte("startxref"))
	if i < 0 {
		return false
	}
	m := startxrefRE.FindSubmatch(data[i:min(len(data), i+64)])
	if m == nil {
		return false
	}
	off, _ := strconv.ParseInt(string(m[1]), 10, 64)
	seen := make(map[int64]bool)
	for range maxXrefSections {
		if off <= 0 || off >= int64(len(data)) {
			return false
		}
		if seen[off] {
			return true
		}
		seen[off] = true
		sec := data[off:]
		// The section's dictionary: a classic table's trailer, up to the
		// next startxref; an xref stream's dictionary, up to "stream".
		if bytes.HasPrefix(bytes.TrimLeft(sec, " \t\r\n\f\x00"), []byte("xref")) {
			t := bytes.Index(sec, []byte("trailer"))
			if t < 0 {
				return false
			}
			sec = sec[t:]
			if e := bytes.Index(sec, []byte("startxref")); e >= 0 {
				sec = sec[:e]
			}
		} else if e := bytes.Index(sec, []byte("stream")); e >= 0 {
			sec = sec[:e]
		}
		sec = sec[:min(len(sec), 64<<10)]
		m = prevRE.FindSubmatch(sec)
		if m == nil {
			return false
		}
		off, _ = strconv.ParseInt(string(m[1]), 10, 64)
	}
	return true
}

// extendsLoop reports whether an object stream's /Extends chain comes
// back on itself. The library follows /Extends with no such check when it
// looks for an object that is not in the stream.
func extendsLoop(data []byte) bool {
	if !objStmRE.Match(data) || !bytes.Contains(data, []byte("/Extends")) {
		return false
	}
	next := make(map[uint64]uint64) // object stream -> the stream it extends
	heads := objHeadRE.FindAllSubmatchIndex(data, -1)
	for i, h := range heads {
		end := len(data)
		if i+1 < len(heads) {
			end = heads[i+1][0]
		}
		dict := data[h[1]:end]
		if s := bytes.Index(dict, []byte("stream")); s >= 0 {
			dict = dict[:s]
		}
		m := extendsRE.FindSubmatch(dict)
		if m == nil {
			continue
		}
		id, _ := strconv.ParseUint(string(data[h[2]:h[3]]), 10, 64)
		to, _ := strconv.ParseUint(string(m[1]), 10, 64)
		next[id] = to
	}
	for start := range next {
		id := start
		for range len(next) + 1 {
			to, ok := next[id]
			if !ok {
				break
			}
			if to == start {
				return true
			}
			id = to
		}
	}
	return false
}
