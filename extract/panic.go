package extract

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// PanicError is a panic recovered while handling one document: a bug in
// an extractor or a tagger rule, which fails that document and no other.
// Its Error is one line, fit for a run report; Stack is the stack of the
// goroutine that panicked, for the log.
type PanicError struct {
	// Where names the code that panicked: "rating rules", "pdf
	// extractor", ...
	Where string
	// Value is what was passed to panic.
	Value any
	Stack []byte
}

// NewPanicError returns the PanicError of the panic value v, with the
// current goroutine's stack. Call it in the deferred function that
// recovered v, so that the stack shows where the panic happened.
func NewPanicError(where string, v any) *PanicError {
	return &PanicError{Where: where, Value: v, Stack: debug.Stack()}
}

func (e *PanicError) Error() string {
	return "panic in " + e.Where + ": " + strings.Join(strings.Fields(fmt.Sprint(e.Value)), " ")
}

// Unwrap returns the panic value when it is an error (a runtime.Error, an
// error passed to panic), else nil.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}
