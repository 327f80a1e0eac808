package seal

import "github.com/wahlkoffer/wahlkoffer/ballot/internal/coded"

// Code is the stable, machine-readable reason why seal refused something.
// The tally sends it to stations as the "code" of an error answer, and the
// station shows a message chosen by it, so a code, once published, is never
// renamed or reused for another meaning.
//
// The codes, in the order Open and OpenRecord check them:
//
//	envelope-too-large    the envelope is larger than the limit (MaxEnvelopeSize
//	                      for records and receipts, MaxPackageSize for packages);
//	                      nothing of it was read
//	envelope-malformed    not the DSSE envelope JSON seal accepts: invalid UTF-8
//	                      or JSON, a member missing, unknown, duplicated, null or
//	                      of the wrong type, trailing data, base64 that is not
//	                      canonical, an empty payloadType, more than
//	                      MaxSignatures signatures, two signatures by one keyid
//	signature-missing     the envelope has an empty signatures list
//	key-unknown           no signature names a key the verifier knows (for the
//	                      tally: no enrolled station key; for a station: not the
//	                      office key)
//	signature-invalid     a signature names a known key but does not verify:
//	                      the payload, its type or the signature was altered
//	payload-type-unknown  the signature is good but the payload type is not one
//	                      the caller accepts (e.g. a receipt sent as a record)
//	payload-too-large     the signed payload of a record exceeds MaxPayloadSize
//	payload-malformed     the signed payload is not the strict JSON its type
//	                      requires (unknown, duplicated, missing or null members,
//	                      wrong types, a body that is not an object)
//	payload-type-mismatch the header's kind is not the kind the payload type names
//	header-invalid        a header field fails a check that needs no context:
//	                      empty or overlong ids, a package hash that is not 64
//	                      lowercase hex, seq 0, a zero or non-UTC time
//	key-invalid           a key handed to seal is not a usable Ed25519 key (a PEM
//	                      file of the wrong kind, a key ring entry of the wrong
//	                      length or filed under another key's id); this is the
//	                      caller's configuration, never the sender's fault
//
// Everything from payload-type-unknown on is only ever reported for an
// envelope whose signature verified: seal never parses an unverified payload.
// Sign, SealRecord, SealPackage and IssueReceipt report the same codes for
// inputs they refuse to sign, so that nothing is sealed that Open would not
// accept.
type Code string

// The codes; see Code.
const (
	CodeEnvelopeTooLarge    Code = "envelope-too-large"
	CodeEnvelopeMalformed   Code = "envelope-malformed"
	CodeSignatureMissing    Code = "signature-missing"
	CodeKeyUnknown          Code = "key-unknown"
	CodeSignatureInvalid    Code = "signature-invalid"
	CodePayloadTypeUnknown  Code = "payload-type-unknown"
	CodePayloadTooLarge     Code = "payload-too-large"
	CodePayloadMalformed    Code = "payload-malformed"
	CodePayloadTypeMismatch Code = "payload-type-mismatch"
	CodeHeaderInvalid       Code = "header-invalid"
	CodeKeyInvalid          Code = "key-invalid"
)

// Codes lists every code in the order of the doc comment of Code.
var Codes = []Code{
	CodeEnvelopeTooLarge, CodeEnvelopeMalformed, CodeSignatureMissing,
	CodeKeyUnknown, CodeSignatureInvalid, CodePayloadTypeUnknown,
	CodePayloadTooLarge, CodePayloadMalformed, CodePayloadTypeMismatch,
	CodeHeaderInvalid, CodeKeyInvalid,
}

// Error is the error every function of seal returns. Code is stable and may
// be shown to the other side; Msg is for people and logs and may change.
type Error = coded.Error[Code]

// CodeOf returns the code of the first *Error in err's chain, or "" when
// there is none.
func CodeOf(err error) Code { return coded.CodeOf[Code](err) }

func newError(code Code, msg string) *Error { return &Error{Code: code, Msg: msg} }

func wrapError(code Code, msg string, err error) *Error {
	return &Error{Code: code, Msg: msg, Err: err}
}
