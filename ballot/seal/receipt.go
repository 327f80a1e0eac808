package seal

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ReceiptPayloadType is the payload type of the office's receipt for an
// envelope.
const ReceiptPayloadType = "application/vnd.wahlkoffer.receipt+json"

// Receipt is the office's signed statement that it received and stored one
// envelope. The station keeps it as proof of delivery. EnvelopeSHA256 is
// what binds it to the envelope; district, station and seq repeat the
// record's header so that a receipt can be read on its own.
type Receipt struct {
	EnvelopeSHA256 string    `json:"envelope_sha256"` // EnvelopeHash of the envelope as received
	ReceivedAt     time.Time `json:"received_at"`     // UTC, when the office first stored it
	District       string    `json:"district"`
	Station        string    `json:"station"`
	Seq            uint64    `json:"seq"`
}

var receiptMembers = []string{"envelope_sha256", "received_at", "district", "station", "seq"}

// ReceiptFor returns the receipt for a record the office stored at
// receivedAt.
func ReceiptFor(r OpenedRecord, receivedAt time.Time) Receipt {
	return Receipt{
		EnvelopeSHA256: r.EnvelopeHash,
		ReceivedAt:     receivedAt.UTC(),
		District:       r.Record.District,
		Station:        r.Record.Station,
		Seq:            r.Record.Seq,
	}
}

// IssueReceipt signs r with the office key. ReceivedAt is taken in UTC.
// Signing is deterministic, so the office may re-issue the receipt for a
// duplicate from the stored facts and the station gets the same bytes.
func IssueReceipt(office Signer, r Receipt) ([]byte, error) {
	r.ReceivedAt = r.ReceivedAt.UTC()
	if err := r.check(); err != nil {
		return nil, err
	}
	payload, err := json.Marshal(r)
	if err != nil {
		return nil, wrapError(CodePayloadMalformed, "encoding receipt", err)
	}
	return Sign(office, ReceiptPayloadType, payload)
}

// OpenReceipt verifies a receipt against the office's public key and reads
// it strictly.
func OpenReceipt(b []byte, officeKey ed25519.PublicKey) (Receipt, error) {
	ring, err := singleKey(officeKey)
	if err != nil {
		return Receipt{}, err
	}
	op, err := Open(b, ring)
	if err != nil {
		return Receipt{}, err
	}
	if op.PayloadType != ReceiptPayloadType {
		return Receipt{}, newError(CodePayloadTypeUnknown, fmt.Sprintf("payload type %q is not a receipt", op.PayloadType))
	}
	if _, err := strictObject(op.Payload, receiptMembers...); err != nil {
		return Receipt{}, wrapError(CodePayloadMalformed, "receipt", err)
	}
	var r Receipt
	dec := json.NewDecoder(bytes.NewReader(op.Payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return Receipt{}, wrapError(CodePayloadMalformed, "receipt", err)
	}
	if err := r.check(); err != nil {
		return Receipt{}, err
	}
	return r, nil
}

// Covers reports whether the receipt is for exactly these envelope bytes.
func (r Receipt) Covers(envelope []byte) bool {
	return r.EnvelopeSHA256 == EnvelopeHash(envelope)
}

func (r Receipt) check() error {
	invalid := func(err error) error { return wrapError(CodePayloadMalformed, "receipt", err) }
	if !isHex64(r.EnvelopeSHA256) {
		return invalid(fmt.Errorf("envelope_sha256 %q is not 64 lowercase hex digits", r.EnvelopeSHA256))
	}
	if r.ReceivedAt.IsZero() {
		return invalid(errors.New("received_at is not set"))
	}
	if r.ReceivedAt.Location() != time.UTC {
		return invalid(fmt.Errorf("received_at %s is not in UTC", r.ReceivedAt.Format(time.RFC3339Nano)))
	}
	if err := CheckID("district", r.District); err != nil {
		return invalid(err)
	}
	if err := CheckID("station", r.Station); err != nil {
		return invalid(err)
	}
	if r.Seq < 1 {
		return invalid(errors.New("seq must be at least 1"))
	}
	return nil
}
