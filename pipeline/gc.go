package pipeline

import (
	"os"
	"runtime/debug"
)

// BulkGCPercent is the garbage collector's growth target that TuneGC sets:
// the heap may grow to five times what is live before a collection.
// Extraction allocates heavily and keeps little, so with Go's default
// (100) a bulk run spends a quarter of its CPU collecting.
const BulkGCPercent = 400

// BulkHeapLimit is the heap size a bulk run's collector aims to stay
// under: room for the tagger's models and the results waiting to be
// delivered in input order.
const BulkHeapLimit = 256 << 20

// ChildHeapLimit is the same for a child process extracting PDFs (see
// Child), when its memory cap allows.
const ChildHeapLimit = 96 << 20

// TuneGC sets the garbage collector of this process for a bulk run:
// collect less often (BulkGCPercent) but keep the heap near or under limit
// bytes, where the collector works harder again. A GOGC or GOMEMLIMIT
// setting in the environment wins over each part. It returns a function
// that restores the previous settings.
func TuneGC(limit int64) (restore func()) {
	pct, lim := -2, int64(-1) // -2, -1: leave as is
	if os.Getenv("GOGC") == "" {
		pct = debug.SetGCPercent(BulkGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" && limit > 0 {
		lim = debug.SetMemoryLimit(limit)
	}
	return func() {
		if pct != -2 {
			debug.SetGCPercent(pct)
		}
		if lim >= 0 {
			debug.SetMemoryLimit(lim)
		}
	}
}
