package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/pipeline"
)

// childCommand is the hidden subcommand that extracts documents in a child
// process (see pipeline.Child): requests on stdin, replies on stdout.
const childCommand = "__extract"

func runChildCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet(childCommand, childCommand+" [flags] FORMAT", "", stderr)
	var maxMem int64
	fs.Int64Var(&maxMem, "max-memory", 0, "memory limit for the garbage collector, in bytes")
	var mode ocrFlag
	fs.Var(&mode, "ocr", "OCR mode: auto, off or force")
	args, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return &usageError{childCommand + ": want one FORMAT"}
	}
	ex := pipeline.ExtractorsOCR(mode.mode())[extract.Format(args[0])]
	if ex == nil {
		return &usageError{fmt.Sprintf("%s: unknown format %q", childCommand, args[0])}
	}
	limit := int64(pipeline.ChildHeapLimit)
	if maxMem > 0 {
		limit = min(limit, maxMem*3/4) // the parent kills at maxMem
	}
	pipeline.TuneGC(limit)
	return pipeline.ServeChild(ctx, ex, os.Stdin, stdout)
}
