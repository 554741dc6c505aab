//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package index

import (
	"os"
	"syscall"
)

// mapFile maps the file at path, private and writable, or reads it when
// it cannot be mapped.
func mapFile(path string) (*colMap, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if size := st.Size(); size > 0 && size == int64(int(size)) {
		b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE)
		if err == nil {
			return &colMap{b: b, mapped: true}, nil
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return &colMap{b: b}, nil
}

func unmapBytes(b []byte) { syscall.Munmap(b) }
