package index

import (
	"errors"
	"fmt"
	"strings"
)

// manifestFile is the manifest the index command keeps beside the index:
// its presence with an old top-level index marks an index of cqcmine's.
const manifestFile = "cqcmine-manifest.json"

// RebuildHint is what to do about a damaged index.
const RebuildHint = "rebuild it with `cqcmine index --rebuild`"

// ErrDamaged is wrapped by *DamagedError.
var ErrDamaged = errors.New("index damaged")

// DamagedError is an index that cannot be read as written: a segment or
// a summary that does not decode.
type DamagedError struct {
	Dir string
	Err error
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("index %s is damaged (%s): %s (`cqcmine index --check` tells what is damaged)", e.Dir, strings.TrimSpace(firstLine(e.Err)), RebuildHint)
}

func (e *DamagedError) Unwrap() []error { return []error{ErrDamaged, e.Err} }

// Damaged returns err as a *DamagedError of the index in dir when it
// comes from a segment that does not decode (a search meeting flipped
// bytes); otherwise err itself.
func Damaged(dir string, err error) error {
	if err == nil || errors.Is(err, ErrDamaged) {
		return err
	}
	msg := err.Error()
	for _, sign := range []string{"snappy: corrupt input", "corrupt", "error parsing mapping JSON", "invalid segment", "checksum"} {
		if strings.Contains(msg, sign) {
			return &DamagedError{Dir: dir, Err: err}
		}
	}
	return err
}
