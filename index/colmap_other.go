//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package index

import "os"

// mapFile reads the file at path: this system's files are not mapped.
func mapFile(path string) (*colMap, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return &colMap{b: b}, nil
}

func unmapBytes([]byte) {}
