package pipeline_test

import (
	"runtime/debug"
	"testing"

	"github.com/cqcmine/cqcmine/pipeline"
)

// gcSettings reads the collector's percent and memory limit without
// changing them.
func gcSettings() (int, int64) {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p, debug.SetMemoryLimit(-1)
}

func TestTuneGC(t *testing.T) {
	const limit = 300 << 20
	for _, tc := range []struct {
		name, gogc, gomemlimit string
		wantPct                bool // TuneGC sets the percent
		wantLimit              bool // TuneGC sets the limit
	}{
		{name: "no environment", wantPct: true, wantLimit: true},
		{name: "GOGC wins", gogc: "150", wantLimit: true},
		{name: "GOMEMLIMIT wins", gomemlimit: "1GiB", wantPct: true},
		{name: "both win", gogc: "150", gomemlimit: "1GiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOGC", tc.gogc)
			t.Setenv("GOMEMLIMIT", tc.gomemlimit)
			pct0, lim0 := gcSettings()
			restore := pipeline.TuneGC(limit)
			pct, lim := gcSettings()
			if tc.wantPct != (pct == pipeline.BulkGCPercent) {
				t.Errorf("percent %d after TuneGC (was %d)", pct, pct0)
			}
			if tc.wantLimit != (lim == limit) {
				t.Errorf("memory limit %d after TuneGC (was %d)", lim, lim0)
			}
			restore()
			if pct, lim := gcSettings(); pct != pct0 || lim != lim0 {
				t.Errorf("after restore: percent %d, limit %d; want %d, %d", pct, lim, pct0, lim0)
			}
		})
	}
}
