package tally

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
)

// Error is a refusal with a stable code, sent to stations as
// {"code": ..., "message": ...} with Status as the HTTP status.
type Error struct {
	Code     string
	Status   int
	Message  string
	Findings []ballot.Finding // for count-rejected: what blocks the count
	Err      error
	header   *ballot.Header // the record's, when its signature verified
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }
func (e *Error) Unwrap() error { return e.Err }

// Codes of the tally's own refusals; seal's codes (envelope-malformed,
// signature-invalid, key-unknown, …) pass through unchanged.
const (
	CodeNotInitialised   = "not-initialised"
	CodeKeyRevoked       = "key-revoked"
	CodeKeyWrongDistrict = "key-wrong-district"
	CodeStationMismatch  = "station-mismatch"
	CodeElectionMismatch = "election-mismatch"
	CodePackageMismatch  = "package-mismatch"
	CodeDistrictUnknown  = "district-unknown"
	CodeRecordInvalid    = "record-invalid"
	CodeCountRejected    = "count-rejected"
	CodeSeqConflict      = "seq-conflict"
	CodeContestCertified = "contest-certified"
	CodeStoreUnavailable = "store-unavailable"
	// CodeOfficeClockBehind: the office's clock reads earlier than the
	// enrollment of the record's key. The record is not refused for good
	// (503: send again); the office must fix its clock, or its evidence
	// would show a record received before its key existed.
	CodeOfficeClockBehind = "office-clock-behind"
)

// TryAgain reports whether err says the record was not taken in for now,
// through no fault of its own (a 5xx): the same bytes may be sent again.
func TryAgain(err error) bool {
	var e *Error
	return !errors.As(err, &e) || e.Status >= http.StatusInternalServerError
}

func refuse(code string, status int, format string, args ...any) *Error {
	return &Error{Code: code, Status: status, Message: fmt.Sprintf(format, args...)}
}

// sealStatus maps seal's codes to HTTP statuses: a malformed request is
// 400, a signature or key we cannot accept 403, a body too large 413.
func fromSeal(err error) *Error {
	var se *seal.Error
	if !errors.As(err, &se) {
		return &Error{Code: CodeRecordInvalid, Status: http.StatusBadRequest, Message: err.Error(), Err: err}
	}
	status := http.StatusBadRequest
	switch se.Code {
	case seal.CodeKeyUnknown, seal.CodeSignatureInvalid, seal.CodeSignatureMissing:
		status = http.StatusForbidden
	case seal.CodeEnvelopeTooLarge, seal.CodePayloadTooLarge:
		status = http.StatusRequestEntityTooLarge
	}
	return &Error{Code: string(se.Code), Status: status, Message: se.Error(), Err: err}
}

// CodeOf returns the code of a refusal, or "" for other errors.
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
