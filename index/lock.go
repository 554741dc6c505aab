package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Every process that opens an index takes the lock file: shared to read,
// exclusive to write. Beside it, each holder leaves an owner record (its
// pid, command line, start time and mode, and, for a server that takes
// work, the address to hand it to), so that a process that cannot get the
// index says which one holds it instead of waiting without a word.
const (
	lockName    = "cqcmine.lock"
	ownerPrefix = "cqcmine.owner."
)

// DefaultWait is how long Open waits for an index another process holds
// before it gives up with a *LockedError.
const DefaultWait = 500 * time.Millisecond

// ErrLocked is wrapped by *LockedError.
var ErrLocked = errors.New("index in use by another process")

// Owner describes a process holding an index.
type Owner struct {
	PID      int       `json:"pid"`
	Command  string    `json:"command"`
	Started  time.Time `json:"started"`
	ReadOnly bool      `json:"read_only"`
	// Control is the loopback address where the process takes work
	// (indexing, searches) handed to it, with Token to authorise it;
	// empty when it takes none.
	Control string `json:"control,omitempty"`
	Token   string `json:"token,omitempty"`
}

func (o Owner) String() string {
	mode := "writing"
	if o.ReadOnly {
		mode = "reading"
	}
	return fmt.Sprintf("%s (pid %d, since %s, %s)", o.Command, o.PID, o.Started.Local().Format("2006-01-02 15:04:05"), mode)
}

// LockedError is the error of an Open that could not get the index: it
// names the processes that hold it, as far as they recorded themselves.
type LockedError struct {
	Dir     string
	Holders []Owner
}

func (e *LockedError) Error() string {
	if len(e.Holders) == 0 {
		return fmt.Sprintf("index %s is in use by another process, which recorded no owner; try again when it is done", e.Dir)
	}
	var hs []string
	for _, h := range e.Holders {
		hs = append(hs, h.String())
	}
	return fmt.Sprintf("index %s is in use by %s; stop it or try again when it is done", e.Dir, strings.Join(hs, " and "))
}

func (e *LockedError) Unwrap() error { return ErrLocked }

// Server returns the holder that takes handed-over work, if any.
func (e *LockedError) Server() *Owner {
	for i := range e.Holders {
		if e.Holders[i].Control != "" {
			return &e.Holders[i]
		}
	}
	return nil
}

// dirLock is a held index lock and this process's owner record.
type dirLock struct {
	f     *os.File
	owner string // the owner record's path, "" when none was written
}

// lockDir takes the index lock in dir, shared or exclusive, waiting up to
// wait for it. A read-only directory that has no lock file is read
// without one.
func lockDir(ctx context.Context, dir string, shared bool, wait time.Duration, me Owner) (*dirLock, error) {
	path := filepath.Join(dir, lockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil && shared {
		f, err = os.Open(path)
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
			return &dirLock{}, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open index %s: lock: %w", dir, err)
	}
	deadline := time.Now().Add(wait)
	for {
		ok, err := tryLock(f, shared)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("open index %s: lock: %w", dir, err)
		}
		if ok {
			break
		}
		if err := ctx.Err(); err != nil {
			f.Close()
			return nil, fmt.Errorf("open index %s: %w", dir, err)
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, &LockedError{Dir: dir, Holders: Holders(dir)}
		}
		select {
		case <-ctx.Done():
		case <-time.After(20 * time.Millisecond):
		}
	}
	l := &dirLock{f: f}
	me.PID, me.ReadOnly = os.Getpid(), shared
	if me.Command == "" {
		me.Command = CommandLine()
	}
	if me.Started.IsZero() {
		me.Started = time.Now()
	}
	if b, err := json.Marshal(me); err == nil {
		p := filepath.Join(dir, ownerPrefix+strconv.Itoa(me.PID))
		if os.WriteFile(p, b, 0o600) == nil {
			l.owner = p
		}
	}
	return l, nil
}

// unlock removes the owner record and releases the lock.
func (l *dirLock) unlock() {
	if l == nil {
		return
	}
	if l.owner != "" {
		os.Remove(l.owner)
		l.owner = ""
	}
	if l.f != nil {
		l.f.Close() // releases the lock
		l.f = nil
	}
}

// Holders returns the owner records of the live processes holding the
// index in dir, oldest first. Records left by a process that has ended
// are removed.
func Holders(dir string) []Owner {
	entries, _ := os.ReadDir(dir)
	var out []Owner
	for _, e := range entries {
		pid, err := strconv.Atoi(strings.TrimPrefix(e.Name(), ownerPrefix))
		if !strings.HasPrefix(e.Name(), ownerPrefix) || err != nil || pid == os.Getpid() {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if !alive(pid) {
			os.Remove(p)
			continue
		}
		b, err := os.ReadFile(p)
		var o Owner
		if err != nil || json.Unmarshal(b, &o) != nil || o.PID != pid {
			continue
		}
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b Owner) int { return a.Started.Compare(b.Started) })
	return out
}

// CommandLine is this process's command line as an owner record shows
// it: the program's base name and its arguments, control characters
// escaped.
func CommandLine() string {
	args := slices.Clone(os.Args)
	if len(args) > 0 {
		args[0] = filepath.Base(args[0])
	}
	for i, a := range args {
		if strings.ContainsAny(a, " \t\n\r\"'") || strings.ContainsFunc(a, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			args[i] = strconv.Quote(a)
		}
	}
	s := strings.Join(args, " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
