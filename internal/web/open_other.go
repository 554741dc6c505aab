//go:build !unix

package web

import "io/fs"

// Without O_NOFOLLOW and O_NONBLOCK, OpenRegular relies on Lstat before
// and os.SameFile after the open.
const (
	openNoFollow = 0
	openNonBlock = 0
)

// fileID is zeros where the system gives no inode: the cache key is then
// path, size and modification time.
func fileID(fs.FileInfo) (dev, ino uint64) { return 0, 0 }
