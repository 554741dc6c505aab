// Command cqcmine mines CQC inspection reports, warning notices and trust
// statements for evidence: ratings, must-do and should-do actions and
// quoted findings, each with its page.
//
// Usage:
//
//	cqcmine extract [flags] PATH...   findings as JSONL or CSV
//	cqcmine index   [flags] [PATH...] build or update the search index
//	cqcmine search  [flags] QUERY     search the index from the terminal
//	cqcmine serve   [flags] [PATH...] the search UI in a browser
//
// Exit status: 0 when every document was processed, 1 when some documents
// failed (all others were processed) or the command failed, 2 for a usage
// error, 130 when interrupted.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Exit codes.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitInterrupted = 130
)

type command struct {
	name  string
	short string
	run   func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"extract", "extract findings from documents as JSONL or CSV", runExtractCmd},
	{"index", "build or update the search index", runIndexCmd},
	{"search", "search the index from the terminal", runSearchCmd},
	{"serve", "serve the evidence-lookup UI", runServeCmd},
	{"version", "print the version", runVersionCmd},
}

func main() {
	os.Exit(cqcmineMain(os.Args[1:], os.Stdout, os.Stderr))
}

// cqcmineMain runs one command and maps its error to an exit code, so
// that deferred work in the command is done before the process exits.
func cqcmineMain(args []string, stdout, stderr io.Writer) int {
	ctx, stop := stopOnSignal(stderr)
	defer stop()
	err := dispatch(ctx, args, stdout, stderr)
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "cqcmine: %s\n", printable(err.Error()))
		return exitUsage
	case errors.Is(err, errSomeFailed):
		return exitFailed // the summary is already on stderr
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		fmt.Fprintf(stderr, "cqcmine: interrupted: %s\n", printable(err.Error()))
		return exitInterrupted
	default:
		fmt.Fprintf(stderr, "cqcmine: %s\n", printable(err.Error()))
		return exitFailed
	}
}

// stopGrace is how long a command has to end cleanly after SIGINT or
// SIGTERM: then, or at a second signal, the process exits. Every write
// cqcmine makes survives being cut short, so the next run completes it.
const stopGrace = 1500 * time.Millisecond

// stopOnSignal returns a context cancelled by SIGINT or SIGTERM, and a
// function to call when the command has returned.
func stopOnSignal(stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		var s os.Signal
		select {
		case s = <-sigs:
		case <-done:
			return
		}
		cancel()
		select {
		case <-sigs:
		case <-time.After(stopGrace):
		case <-done:
			return
		}
		fmt.Fprintf(stderr, "cqcmine: %v: stopped before finishing cleanly (a later run completes the work)\n", s)
		os.Exit(exitInterrupted)
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel()
	}
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) > 1 {
			return dispatch(ctx, []string{args[1], "-h"}, stdout, stderr)
		}
		usage(stderr)
		if len(args) == 0 {
			return &usageError{"no command given"}
		}
		return errHelp
	}
	if args[0] == childCommand {
		return runChildCmd(ctx, args[1:], stdout, stderr)
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	usage(stderr)
	return &usageError{fmt.Sprintf("unknown command %q", args[0])}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `cqcmine mines CQC inspection documents for evidence.

Usage: cqcmine COMMAND [flags] [args]

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.short)
	}
	fmt.Fprint(w, `
Run "cqcmine COMMAND -h" for a command's flags and examples.
Exit status: 0 all documents processed, 1 some failed, 2 usage error, 130 interrupted.
`)
}
