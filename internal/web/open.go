package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"syscall"
	"time"
)

// ErrNotRegular is the error OpenRegular wraps when something other than a
// regular file stands at the path.
var ErrNotRegular = errors.New("not a regular file")

// notRegularError names what stands at a path instead of a regular file.
type notRegularError struct {
	path string
	mode fs.FileMode
}

func (e *notRegularError) Error() string {
	return fmt.Sprintf("%s: %s, %v", e.path, kindOfFile(e.mode), ErrNotRegular)
}

func (e *notRegularError) Unwrap() error { return ErrNotRegular }

// kindOfFile names a file's type for a person.
func kindOfFile(m fs.FileMode) string {
	switch t := m.Type(); {
	case t&fs.ModeSymlink != 0:
		return "a symbolic link"
	case t&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case t&fs.ModeDir != 0:
		return "a directory"
	case t&fs.ModeSocket != 0:
		return "a socket"
	case t&fs.ModeDevice != 0:
		return "a device"
	case t == 0:
		return "a regular file"
	}
	return "a special file"
}

// OpenRegular opens the file at path for reading only if it is a regular
// file: a symbolic link is not followed, and a named pipe, device, socket
// or directory is not opened (opening a FIFO would wait for a writer).
// What stands there instead gives an error wrapping ErrNotRegular; a
// missing file gives one wrapping fs.ErrNotExist.
func OpenRegular(path string) (fs.File, error) {
	before, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !before.Mode().IsRegular() {
		return nil, &notRegularError{path, before.Mode()}
	}
	// The flags close the gap between Lstat and open: a link or a FIFO
	// put there meanwhile is not followed or waited on, and fstat must
	// show the very file Lstat saw.
	f, err := os.OpenFile(path, os.O_RDONLY|openNoFollow|openNonBlock, 0)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, &notRegularError{path, fs.ModeSymlink}
		}
		return nil, err
	}
	after, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !after.Mode().IsRegular() || !os.SameFile(before, after) {
		f.Close()
		return nil, &notRegularError{path, after.Mode()}
	}
	return f, nil
}

// sumCache remembers the SHA-256 of files already hashed, by path, size,
// modification time and file identity (device and inode where the system
// has them), so that a large original is hashed once, and again only
// when one of those changes. Requests for a file being hashed (a PDF
// viewer asks for several ranges at once) wait for that hash.
type sumCache struct {
	mu      sync.Mutex
	sums    map[sumKey]string
	hashing map[sumKey]chan struct{} // closed when the key's hash is done
}

type sumKey struct {
	path     string
	size     int64
	mtime    time.Time
	dev, ino uint64
}

// maxSums bounds the cache; past it, the cache starts afresh.
const maxSums = 10000

func newSumCache() *sumCache {
	return &sumCache{sums: map[sumKey]string{}, hashing: map[sumKey]chan struct{}{}}
}

func sumKeyOf(path string, st fs.FileInfo) sumKey {
	k := sumKey{path: path, size: st.Size(), mtime: st.ModTime()}
	k.dev, k.ino = fileID(st)
	return k
}

// sum returns the hex SHA-256 of r, which holds the file at path whose
// stat is st, from the cache if it holds that version of the file. r is
// read from its current offset to its end.
func (c *sumCache) sum(ctx context.Context, path string, st fs.FileInfo, r io.Reader) (string, error) {
	k := sumKeyOf(path, st)
	for {
		c.mu.Lock()
		if s, ok := c.sums[k]; ok {
			c.mu.Unlock()
			return s, nil
		}
		wait, busy := c.hashing[k]
		if !busy {
			c.hashing[k] = make(chan struct{})
			c.mu.Unlock()
			break
		}
		c.mu.Unlock()
		select {
		case <-wait: // done, or failed: look again
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	h := sha256.New()
	_, err := io.Copy(h, ctxReader{ctx, r})
	s := hex.EncodeToString(h.Sum(nil))
	c.mu.Lock()
	if err == nil {
		if len(c.sums) >= maxSums {
			clear(c.sums)
		}
		c.sums[k] = s
	}
	close(c.hashing[k])
	delete(c.hashing, k)
	c.mu.Unlock()
	if err != nil {
		return "", err
	}
	return s, nil
}

// ctxReader stops reading when its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
