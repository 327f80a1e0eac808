// Package outbox delivers a station's signed records to the tally. It sends
// the envelopes of a Store in sequence order, retries what went unanswered
// with the same bytes (so a lost answer never makes a duplicate), verifies
// every receipt with the office key before it counts as delivery, and
// marks a record rejected, with the tally's code and message, when the
// tally refuses it for good.
//
// The package knows nothing of SQLite or of the terminal: the station's
// store implements Store, and the command line and the terminal app call
// Sender.
package outbox

import (
	"context"
	"time"
)

// State is where a record stands on its way to the tally.
type State string

const (
	StatePending      State = "pending"      // never tried, or tried and not yet answered
	StateSent         State = "sent"         // sent at least once, no receipt yet
	StateAcknowledged State = "acknowledged" // a receipt from the office covers it
	StateRejected     State = "rejected"     // the tally refused it for good
)

// States lists the states in the order of the way.
var States = []State{StatePending, StateSent, StateAcknowledged, StateRejected}

// Item is one record of the outbox, as the Sender needs it.
type Item struct {
	Seq      uint64
	Kind     string // the record kind, for messages
	Envelope []byte // the signed envelope, sent verbatim
	State    State
	Attempts int
}

// Delivery is the proof that the tally stored a record.
type Delivery struct {
	Receipt    []byte    // the office's signed receipt, verbatim
	ReceivedAt time.Time // from the receipt, UTC
	At         time.Time // when the station got it
}

// Rejection is the tally's permanent refusal of a record.
type Rejection struct {
	Code    string // the tally's stable error code, e.g. count-rejected
	Message string
	Status  int // the HTTP status
	At      time.Time
}

// Store is the outbox side of the station's store. Every method is one
// durable transaction.
type Store interface {
	// Undelivered returns the records in state pending or sent, in
	// sequence order.
	Undelivered(ctx context.Context) ([]Item, error)
	// MarkSent records an attempt: the state becomes sent (unless the
	// record is already acknowledged or rejected) and Attempts grows by one.
	MarkSent(ctx context.Context, seq uint64, at time.Time) error
	// MarkAcknowledged stores the receipt; the state becomes acknowledged.
	MarkAcknowledged(ctx context.Context, seq uint64, d Delivery) error
	// MarkRejected stores the refusal; the state becomes rejected.
	MarkRejected(ctx context.Context, seq uint64, r Rejection) error
}
