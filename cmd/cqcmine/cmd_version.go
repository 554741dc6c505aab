package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
)

func runVersionCmd(_ context.Context, _ []string, stdout, _ io.Writer) error {
	v := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		v = bi.Main.Version
	}
	fmt.Fprintf(stdout, "cqcmine %s\n", v)
	return nil
}
