//go:build !linux

package pipeline

// residentBytes is not known on this system: memory caps are not enforced.
func residentBytes(pid int) (int64, bool) { return 0, false }
