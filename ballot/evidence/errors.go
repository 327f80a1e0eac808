package evidence

import (
	"fmt"

	"github.com/wahlkoffer/wahlkoffer/ballot/internal/coded"
)

// Code is the stable, machine-readable reason why an evidence file was
// refused. `wahlkoffer audit` prints it with the line number; scripts may
// rely on it, so a code, once published, is never renamed or reused.
//
// The codes, roughly in the order a reader meets them:
//
//	evidence-malformed       not the JSON Lines this package writes: a line that
//	                         is not JSON, not in its one canonical spelling, too
//	                         long, missing its line feed, or out of place (lines
//	                         missing, in the wrong order, or after the manifest);
//	                         an office envelope not as seal writes it
//	evidence-format-unknown  the header names another format (version)
//	evidence-office-key      the file's office key is not the one the caller
//	                         trusts
//	evidence-signature       a signature does not verify: the package, a part
//	                         of the key list or the manifest is not signed by the
//	                         file's office key, or a record's signature by its
//	                         station key is broken
//	evidence-package         the package verifies but its definition cannot be
//	                         read or is for another election than the header's
//	evidence-keys            the key list is inconsistent: a part missing or out
//	                         of order, a key listed twice or out of order, an
//	                         entry incomplete, a district not in the definition,
//	                         the office key enrolled as a station's
//	evidence-key-unknown     a record is signed by no key of the key list
//	evidence-key-mismatch    a record's key is enrolled for another district or
//	                         station than the record names
//	evidence-key-revoked     a record was received outside its key's enrollment:
//	                         before it was enrolled or once it was revoked
//	evidence-receipt         a receipt is not the office's, does not cover its
//	                         envelope byte for byte, or names another district,
//	                         station or sequence number than its record
//	evidence-record          a record whose signature verified is refused: its
//	                         payload or body is malformed, or it is for another
//	                         election or package
//	evidence-duplicate       a second record of one station with one sequence
//	                         number (a repeated line, or an equivocation the
//	                         office should never have accepted)
//	evidence-manifest        the manifest is missing (the file ends early) or
//	                         disagrees with the file: the count of records, the
//	                         hash chain over them, the header, the key list or
//	                         the package
//
// The writer uses the same codes for what it refuses to write.
type Code string

// The codes; see Code.
const (
	CodeMalformed     Code = "evidence-malformed"
	CodeFormatUnknown Code = "evidence-format-unknown"
	CodeOfficeKey     Code = "evidence-office-key"
	CodeSignature     Code = "evidence-signature"
	CodePackage       Code = "evidence-package"
	CodeKeys          Code = "evidence-keys"
	CodeKeyUnknown    Code = "evidence-key-unknown"
	CodeKeyMismatch   Code = "evidence-key-mismatch"
	CodeKeyRevoked    Code = "evidence-key-revoked"
	CodeReceipt       Code = "evidence-receipt"
	CodeRecord        Code = "evidence-record"
	CodeDuplicate     Code = "evidence-duplicate"
	CodeManifest      Code = "evidence-manifest"
)

// Codes lists every code in the order of the doc comment of Code.
var Codes = []Code{
	CodeMalformed, CodeFormatUnknown, CodeOfficeKey, CodeSignature, CodePackage,
	CodeKeys, CodeKeyUnknown, CodeKeyMismatch, CodeKeyRevoked, CodeReceipt,
	CodeRecord, CodeDuplicate, CodeManifest,
}

// Error is the error Read, Reader and Writer return for the file itself.
// Line is the 1-based line of the file it concerns, 0 when none.
type Error = coded.Error[Code]

// CodeOf returns the code of the first *Error in err's chain, or "" when
// there is none.
func CodeOf(err error) Code { return coded.CodeOf[Code](err) }

func errorf(code Code, line int, format string, args ...any) *Error {
	return &Error{Code: code, Line: line, Msg: fmt.Sprintf(format, args...)}
}

func wrapf(code Code, line int, err error, format string, args ...any) *Error {
	return &Error{Code: code, Line: line, Msg: fmt.Sprintf(format, args...), Err: err}
}
