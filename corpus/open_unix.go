//go:build unix

package corpus

import "syscall"

// openNonblock opens a named pipe without waiting for a writer; it does
// not change how a regular file is read.
const openNonblock = syscall.O_NONBLOCK
