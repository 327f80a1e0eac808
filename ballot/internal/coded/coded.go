// Package coded is the error with a stable code that the packages of
// ballot return: the code is for machines and the other side of the wire,
// the message for people and logs.
package coded

import (
	"errors"
	"fmt"
)

// Error is a refusal with a code of type C. Line is the 1-based line of a
// file it concerns, 0 when none.
type Error[C ~string] struct {
	Code C
	Line int
	Msg  string
	Err  error // the underlying cause, if any
}

func (e *Error[C]) Error() string {
	s := string(e.Code) + ": "
	if e.Line > 0 {
		s += fmt.Sprintf("line %d: ", e.Line)
	}
	s += e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error[C]) Unwrap() error { return e.Err }

// Is matches any *Error of the same code type with the same code, so that
// errors.Is(err, &Error[C]{Code: c}) works.
func (e *Error[C]) Is(target error) bool {
	t, ok := target.(*Error[C])
	return ok && t.Code == e.Code
}

// CodeOf returns the code of the first *Error[C] in err's chain, or ""
// when there is none.
func CodeOf[C ~string](err error) C {
	var e *Error[C]
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
