package extract

import (
	"errors"
	"testing"
)

func TestPanicErrorIsOneLine(t *testing.T) {
	e := NewPanicError("quote rules", errors.New("bad quote\n  at offset 12"))
	if got, want := e.Error(), "panic in quote rules: bad quote at offset 12"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if e.Unwrap() == nil || len(e.Stack) == 0 {
		t.Errorf("Unwrap %v, stack of %d bytes", e.Unwrap(), len(e.Stack))
	}
	if (&PanicError{Where: "x", Value: 42}).Unwrap() != nil {
		t.Error("a panic value that is no error unwraps to one")
	}
}
