// Command gendemo writes cqcmine's demo corpus into a directory. It is run
// by go generate in corpus/demo:
//
//	go generate ./corpus/demo
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/cqcmine/cqcmine/corpus/demo/internal/gen"
)

func main() {
	out := flag.String("out", "files/demo", "directory to write the demo documents into")
	flag.Parse()
	if err := gen.WriteDir(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gendemo:", err)
		os.Exit(1)
	}
}
