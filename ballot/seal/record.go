package seal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// MaxPayloadSize bounds the payload of a station record, in bytes. The
// largest real record, a final count of a cumulative contest with hundreds
// of candidates, is a few tens of KiB.
const MaxPayloadSize = 256 << 10

// payloadMembers are the JSON members of a ballot.Payload, exactly.
var payloadMembers = []string{"election_id", "package_hash", "district", "station", "seq", "time", "kind", "body"}

// SealRecord signs a station record: the header h and the body of its kind
// (e.g. *ballot.CheckIn for ballot.RecordCheckIn) as a ballot.Payload,
// with the payload type of h.Kind. h.Time is taken in UTC. It refuses a
// header that OpenRecord would refuse, an unknown kind, a body that is not
// a JSON object, a body of a ballot type that belongs to another kind, or
// one that ballot.ValidateBody refuses. Bodies of other Go types (raw JSON)
// are sealed as they are; tests and the fuzzers use them.
func SealRecord(s Signer, h ballot.Header, body any) ([]byte, error) {
	h.Time = h.Time.UTC()
	if !knownKind(h.Kind) {
		return nil, newError(CodePayloadTypeUnknown, fmt.Sprintf("unknown record kind %q", h.Kind))
	}
	if k, ok := kindOfBody(body); ok && k != h.Kind {
		return nil, newError(CodePayloadTypeMismatch, fmt.Sprintf("body %T is a %s record, header says %s", body, k, h.Kind))
	}
	if err := CheckHeader(h); err != nil {
		return nil, err
	}
	var raw []byte
	var err error
	if _, typed := kindOfBody(body); typed {
		// A body of the domain's types is validated and written in the
		// canonical form the tally reads back, so that a station never
		// signs a record the tally must refuse.
		raw, err = ballot.EncodeBody(h.Kind, body)
	} else {
		raw, err = json.Marshal(body)
	}
	if err != nil {
		return nil, wrapError(CodePayloadMalformed, "encoding record body", err)
	}
	if len(raw) == 0 || raw[0] != '{' {
		return nil, newError(CodePayloadMalformed, fmt.Sprintf("record body %T is not a JSON object", body))
	}
	payload, err := json.Marshal(ballot.Payload{Header: h, Body: raw})
	if err != nil {
		return nil, wrapError(CodePayloadMalformed, "encoding record payload", err)
	}
	if len(payload) > MaxPayloadSize {
		return nil, newError(CodePayloadTooLarge, fmt.Sprintf("record payload is %d bytes, at most %d allowed", len(payload), MaxPayloadSize))
	}
	return Sign(s, h.Kind.PayloadType(), payload)
}

// OpenedRecord is a station record whose envelope verified and whose
// payload passed the strict reading and the header checks. Record.Body is
// still raw JSON: Decode turns it into a typed body.
type OpenedRecord struct {
	Opened
	Record ballot.Payload
}

// OpenRecord verifies a station record's envelope with Open and only then
// reads its payload: a record kind's payload type, at most MaxPayloadSize
// bytes, exactly the members of ballot.Payload, a header kind equal to the
// payload type's, a body that is a JSON object, and a header that passes
// CheckHeader.
//
// What needs context stays with the caller: that the key is enrolled for
// Record.District (the tally maps KeyID to its district), the election and
// package hash are the current ones, and Seq is new for the station.
func OpenRecord(envelope []byte, keys KeyRing) (OpenedRecord, error) {
	op, err := Open(envelope, keys)
	if err != nil {
		return OpenedRecord{}, err
	}
	kind, ok := RecordKindOf(op.PayloadType)
	if !ok {
		return OpenedRecord{}, newError(CodePayloadTypeUnknown, fmt.Sprintf("payload type %q is not a station record", op.PayloadType))
	}
	if len(op.Payload) > MaxPayloadSize {
		return OpenedRecord{}, newError(CodePayloadTooLarge, fmt.Sprintf("record payload is %d bytes, at most %d allowed", len(op.Payload), MaxPayloadSize))
	}
	p, err := decodePayload(op.Payload)
	if err != nil {
		return OpenedRecord{}, wrapError(CodePayloadMalformed, "record payload", err)
	}
	if p.Kind != kind {
		return OpenedRecord{}, newError(CodePayloadTypeMismatch, fmt.Sprintf("header kind %q under payload type %q", p.Kind, op.PayloadType))
	}
	if err := CheckHeader(p.Header); err != nil {
		return OpenedRecord{}, err
	}
	return OpenedRecord{Opened: op, Record: p}, nil
}

// Decode turns the record's raw body into its typed body with decode.
//
// This is the hook for the typed decoding, which belongs to package ballot:
// call it as r.Decode(ballot.DecodeRecord). seal stops at ballot.Payload so
// that it does not depend on the body types. An error from decode that is
// not already an *Error comes back as payload-malformed, so the tally can
// answer with a code for it too.
func (r OpenedRecord) Decode(decode func(ballot.Payload) (ballot.Record, error)) (ballot.Record, error) {
	rec, err := decode(r.Record)
	if err != nil {
		var se *Error
		if errors.As(err, &se) {
			return ballot.Record{}, err
		}
		return ballot.Record{}, wrapError(CodePayloadMalformed, "record body", err)
	}
	return rec, nil
}

// decodePayload reads a record payload strictly (see strictObject); in the
// body it checks only that no member is duplicated, the rest of the body is
// ballot's to check.
func decodePayload(b []byte) (ballot.Payload, error) {
	m, err := strictObject(b, payloadMembers...)
	if err != nil {
		return ballot.Payload{}, err
	}
	if body := bytes.TrimSpace(m["body"]); len(body) == 0 || body[0] != '{' {
		return ballot.Payload{}, errors.New(`member "body" is not a JSON object`)
	}
	if err := uniqueKeys(m["body"]); err != nil {
		return ballot.Payload{}, fmt.Errorf("body: %w", err)
	}
	var p ballot.Payload
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return ballot.Payload{}, err
	}
	return p, nil
}

// RecordKindOf returns the record kind whose payload type is payloadType.
func RecordKindOf(payloadType string) (ballot.RecordKind, bool) {
	rest, ok := strings.CutPrefix(payloadType, ballot.PayloadTypePrefix)
	if !ok {
		return "", false
	}
	k, ok := strings.CutSuffix(rest, ballot.PayloadTypeSuffix)
	if !ok || !knownKind(ballot.RecordKind(k)) {
		return "", false
	}
	return ballot.RecordKind(k), true
}

func knownKind(k ballot.RecordKind) bool {
	for _, x := range ballot.RecordKinds {
		if k == x {
			return true
		}
	}
	return false
}

// kindOfBody names the kind a ballot body type belongs to. Bodies of other
// types (raw JSON, maps, later types) are not checked here.
func kindOfBody(body any) (ballot.RecordKind, bool) {
	switch body.(type) {
	case ballot.CheckIn, *ballot.CheckIn:
		return ballot.RecordCheckIn, true
	case ballot.CheckOut, *ballot.CheckOut:
		return ballot.RecordCheckOut, true
	case ballot.PollsOpened, *ballot.PollsOpened:
		return ballot.RecordPollsOpened, true
	case ballot.PollsClosed, *ballot.PollsClosed:
		return ballot.RecordPollsClosed, true
	case ballot.Turnout, *ballot.Turnout:
		return ballot.RecordTurnout, true
	case ballot.Incident, *ballot.Incident:
		return ballot.RecordIncident, true
	case ballot.Count, *ballot.Count:
		return ballot.RecordCount, true
	}
	return "", false
}

// CheckHeader checks what a header must satisfy whatever the election: an
// election id, a district and a station that are present, printable and at
// most MaxIDLength bytes, a package hash of 64 lowercase hex digits, a
// sequence number from 1, and a time that is set and in UTC. It does not
// check the kind, which OpenRecord and SealRecord check against the payload
// type. A failure is header-invalid.
func CheckHeader(h ballot.Header) error {
	invalid := func(err error) error { return wrapError(CodeHeaderInvalid, "record header", err) }
	for _, f := range []struct{ what, v string }{
		{"election_id", h.ElectionID}, {"district", h.District}, {"station", h.Station},
	} {
		if err := CheckID(f.what, f.v); err != nil {
			return invalid(err)
		}
	}
	if !isHex64(h.PackageHash) {
		return invalid(fmt.Errorf("package_hash %q is not 64 lowercase hex digits", h.PackageHash))
	}
	if h.Seq < 1 {
		return invalid(errors.New("seq must be at least 1"))
	}
	if h.Time.IsZero() {
		return invalid(errors.New("time is not set"))
	}
	// JSON time with a "Z" decodes to time.UTC; "+00:00" or another offset
	// decodes to a fixed zone and is refused, so records are UTC in letter.
	if h.Time.Location() != time.UTC {
		return invalid(fmt.Errorf("time %s is not in UTC", h.Time.Format(time.RFC3339Nano)))
	}
	return nil
}
