package kit

import "github.com/wahlkoffer/wahlkoffer/ballot/internal/coded"

// Code is the stable, machine-readable reason why a kit was refused. The
// station chooses its message (German or English) by it, so a code, once
// published, is never renamed or reused.
//
//	kit-pin-wrong       the PIN does not open the kit: mistyped (its check digit
//	                    fails or it is too short to be any PIN Seal accepts) or
//	                    simply not this kit's PIN; see Open for the few damaged
//	                    bytes that look the same
//	kit-pin-weak        Seal refuses the PIN: too short to protect a private key
//	                    (see MinPINLength) or a 16-digit PIN whose check digit
//	                    fails
//	kit-damaged         not a kit, or a kit that is truncated, altered or whose
//	                    contents are incomplete or invalid
//	kit-foreign         the kit is intact but does not belong together: the
//	                    election package is not signed by the kit's office key,
//	                    or names another election, or lacks the kit's district
//	kit-format-unknown  a kit of another format version, or an age file that is
//	                    not sealed with a PIN
type Code string

// The codes; see Code.
const (
	CodePINWrong      Code = "kit-pin-wrong"
	CodePINWeak       Code = "kit-pin-weak"
	CodeDamaged       Code = "kit-damaged"
	CodeForeign       Code = "kit-foreign"
	CodeFormatUnknown Code = "kit-format-unknown"
)

// Codes lists every code in the order of the doc comment of Code.
var Codes = []Code{CodePINWrong, CodePINWeak, CodeDamaged, CodeForeign, CodeFormatUnknown}

// Error is the error Seal, Open, Check, Definition and CheckPIN return. Code is stable; Msg is
// for people and logs and may change.
type Error = coded.Error[Code]

// CodeOf returns the code of the first *Error in err's chain, or "" when
// there is none.
func CodeOf(err error) Code { return coded.CodeOf[Code](err) }

func newError(code Code, msg string) *Error { return &Error{Code: code, Msg: msg} }

func wrapError(code Code, msg string, err error) *Error {
	return &Error{Code: code, Msg: msg, Err: err}
}
