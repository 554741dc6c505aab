package index

import "runtime"

// A column file is mapped into memory, private and writable: its pages
// come from the page cache without a copy, a write changes this process's
// copy of a page only, and the file can be replaced (flushes rename a new
// one over it) while it is mapped. The table's columns, the segments'
// serial maps, the serials' locations and the documents' page and finding
// lists then lie in the mapping (decodeColumns), so that opening a large
// index neither copies nor decodes them. As with bleve's segments, which
// are mapped too, the file must not be cut short in place while it is
// open. Where the file cannot be mapped, it is read into memory, and the
// arrays lie in that copy.
//
// The mapping lasts as long as the table it was decoded into: it is
// released once the table can no longer be reached. That is safe because
// its arrays are read only through the table, under the table's lock
// (which keeps the table reachable), or by methods that keep the Index,
// which holds the table, reachable until they are done: the writers,
// which hold the Index's lock, stored and Document. The documents'
// strings, which go out in results, are copied out of it.

// colMap is the bytes of a column file, mapped or read.
type colMap struct {
	b       []byte
	mapped  bool
	kept    bool
	cleanup runtime.Cleanup
}

// keep ties the mapping to t: it is released once t is unreachable.
func (m *colMap) keep(t *table) *colMap {
	if m.mapped {
		m.cleanup = runtime.AddCleanup(t, unmapBytes, m.b)
		m.kept = true
	}
	return m
}

// release unmaps the bytes now. Nothing may use them any more.
func (m *colMap) release() {
	if !m.mapped {
		return
	}
	if m.kept {
		m.cleanup.Stop()
	}
	unmapBytes(m.b)
	m.b, m.mapped, m.kept = nil, false, false
}
