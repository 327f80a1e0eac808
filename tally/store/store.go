// Package store is the persistence contract of the tally service. The
// store is deliberately simple: it keeps rows and applies them atomically.
// Every rule (what a duplicate is, which count is current, how aggregates
// change) lives in package tally and runs unchanged on every store.
//
// Implementations: tally/store/sqlite (the embedded default) and
// tally/store/postgres (several tally processes sharing one database). The
// suite in tally/store/storetest runs against both.
package store

import (
	"context"
	"crypto/ed25519"
	"errors"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
)

// Errors the store returns; implementations wrap them with detail.
var (
	ErrNotFound       = errors.New("not found")
	ErrExists         = errors.New("already exists")
	ErrNotInitialised = errors.New("the store holds no election; run tally init")
	// ErrConflict: a write collided with a concurrent transaction (a
	// unique key taken since it was looked up, a serialisation failure, a
	// deadlock). InTx retries fn from the start when fn returns it.
	ErrConflict = errors.New("conflict with a concurrent transaction")
)

// MaxTxAttempts bounds how often InTx runs fn on ErrConflict.
const MaxTxAttempts = 20

// Election is the one election a store serves.
type Election struct {
	ID              string
	Definition      []byte // the definition as the office wrote it
	Package         []byte // the definition signed by the office (DSSE)
	PackageHash     string // hex SHA-256 of Definition
	OfficePublicKey ed25519.PublicKey
	CreatedAt       time.Time
}

// StationKey is the public key of a station laptop, enrolled for one
// district. A district has at most one key that is not revoked.
type StationKey struct {
	KeyID        seal.KeyID
	District     string
	Station      string // the station id carried in every record header
	PublicKey    ed25519.PublicKey
	EnrolledAt   time.Time
	RevokedAt    time.Time // zero while valid
	RevokeReason string
}

// Revoked reports whether the key was revoked.
func (k StationKey) Revoked() bool { return !k.RevokedAt.IsZero() }

// Envelope is an accepted record: the envelope bytes exactly as received,
// what was read from them, and the receipt the office signed.
type Envelope struct {
	Hash        string // hex SHA-256 of Bytes
	ContentHash string // hex SHA-256 of what was signed (type and payload)
	KeyID       seal.KeyID
	District    string
	Station     string
	Seq         uint64
	Kind        ballot.RecordKind
	RecordTime  time.Time // the time in the record header
	ReceivedAt  time.Time
	Via         string // "http", "import"
	Bytes       []byte
	Receipt     []byte
}

// Rejection is an envelope refused, kept as evidence with the reason.
type Rejection struct {
	ID         int64
	Hash       string
	District   string // as far as it could be read; may be empty
	Station    string
	Seq        uint64
	Code       string
	Message    string
	ReceivedAt time.Time
	Via        string
	Bytes      []byte
}

// Equivocation is a station signing two different records with the same
// sequence number: the office must look at it.
type Equivocation struct {
	Station    string
	District   string
	Seq        uint64
	FirstHash  string // the envelope accepted
	SecondHash string // the one refused
	DetectedAt time.Time
}

// CountKey names one current count: a district's result of one contest at
// one stage.
type CountKey struct {
	District string
	Contest  string
	Stage    ballot.Stage
}

// CurrentCount is the count that stands for a CountKey: the newest valid
// version, with its numbers as ballot.Count.Numbers names them.
type CurrentCount struct {
	CountKey
	// KeyEnrolledAt is when the key that signed the count was enrolled: a
	// replacement laptop's count takes the place of the old laptop's
	// whatever the versions (each laptop numbers its own).
	KeyEnrolledAt time.Time
	Version       int
	Seq           uint64 // the record's sequence number, breaking ties of version
	EnvelopeHash  string
	Numbers       map[string]int64
}

// EnvelopeID is what makes an envelope the same as another (its hash or
// its content hash) or contradict it (its station's sequence number).
type EnvelopeID struct {
	Hash, ContentHash string
	Station           string
	Seq               uint64
}

// AggregateKey names one row of the running totals. View is "quick",
// "final" or "best" (the final record where there is one, else the quick
// report). Shard spreads the rows of busy wards so that concurrent
// submissions do not all wait for one row.
type AggregateKey struct {
	Contest      string
	View         string
	DistrictKind ballot.DistrictKind
	Ward         string
	Shard        int
	Field        string // a field of ballot.Count.Numbers, or "districts"
}

// AggregateDelta adds Delta to one row of the running totals.
type AggregateDelta struct {
	AggregateKey
	Delta int64
}

// AggregateRow is a row of totals summed over shards.
type AggregateRow struct {
	Contest      string
	View         string
	DistrictKind ballot.DistrictKind
	Ward         string
	Field        string
	Value        int64
}

// Attendance is a board member's check-in or check-out as a station
// reported it.
type Attendance struct {
	District     string
	PersonID     string
	Name         string
	Role         ballot.Role
	At           time.Time
	In           bool   // check-in; false for check-out
	Replaces     string // for a replacement: the member replaced
	EnvelopeHash string
}

// DistrictEvent is an opening, a closing, a turnout report or an incident.
type DistrictEvent struct {
	District     string
	Kind         ballot.RecordKind
	At           time.Time
	Slot         string // turnout: the report time answered, "" ad hoc
	Voters       int64  // turnout
	Text         string // incident
	EnvelopeHash string
}

// Certification is the electoral committee's certification of a contest.
type Certification struct {
	Contest     string
	CertifiedAt time.Time
	By          string
	RevokedAt   time.Time
	RevokedBy   string
	Reason      string
}

// Token is a bearer token for the office API, stored as a hash only.
type Token struct {
	ID        string
	Name      string
	Role      string // admin, office, viewer
	Hash      string // hex SHA-256 of the secret
	CreatedAt time.Time
	RevokedAt time.Time
}

// AuditEntry records an office action: who did what, when, with which
// outcome.
type AuditEntry struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	Subject string    `json:"subject"`
	Outcome string    `json:"outcome"` // "ok" or the error
	Detail  string    `json:"detail,omitempty"`
}

// Store is what the tally service needs from a database.
type Store interface {
	// InTx runs fn in one transaction: all its writes are durable together
	// once InTx returns nil (synchronous commit), or none of them happened.
	// When fn returns an error wrapping ErrConflict, InTx rolls back and
	// runs fn again (at most MaxTxAttempts times), so fn must not have
	// effects outside tx. A statement that met a conflict spoils the
	// transaction: if fn swallows the error and returns nil, InTx does not
	// commit but runs fn again. SQLite transactions begin IMMEDIATE.
	InTx(ctx context.Context, fn func(tx Tx) error) error
	// Reader methods read committed state outside a transaction.
	Reader
	Close() error
}

// Reader reads. Times come back in UTC, to the microsecond at least; a
// zero time stays zero.
type Reader interface {
	Election(ctx context.Context) (Election, error)
	// ElectionDefinition is Election without the signed package (Package
	// is nil): what opening a service needs, at half the bytes (the
	// package holds the definition again, in base64).
	ElectionDefinition(ctx context.Context) (Election, error)
	StationKeys(ctx context.Context) ([]StationKey, error)
	StationKey(ctx context.Context, id seal.KeyID) (StationKey, error)
	// Envelopes calls fn for every accepted envelope in the order of
	// acceptance; fn returning an error stops the walk with that error.
	Envelopes(ctx context.Context, fn func(Envelope) error) error
	EnvelopeCount(ctx context.Context) (int64, error)
	Rejections(ctx context.Context) ([]Rejection, error)
	Equivocations(ctx context.Context) ([]Equivocation, error)
	CurrentCounts(ctx context.Context) ([]CurrentCount, error)
	Aggregates(ctx context.Context) ([]AggregateRow, error)
	// AggregatesOf is Aggregates of one view only.
	AggregatesOf(ctx context.Context, view string) ([]AggregateRow, error)
	Attendance(ctx context.Context) ([]Attendance, error)
	DistrictEvents(ctx context.Context) ([]DistrictEvent, error)
	Certifications(ctx context.Context) ([]Certification, error)
	TokenByHash(ctx context.Context, hash string) (Token, error)
	AuditLog(ctx context.Context) ([]AuditEntry, error)
}

// Tx is a transaction. Reads inside it see its own writes; rows read with
// a "ForUpdate" method stay locked until the transaction ends. An
// envelope's KeyID must be an enrolled key, and the EnvelopeHash of a
// current count, an attendance or a district event an accepted envelope
// (the stores keep these as foreign keys).
type Tx interface {
	Election(ctx context.Context) (Election, error)
	InitElection(ctx context.Context, e Election) error // ErrExists if one is there

	// StationKey finds a key (ErrNotFound if none); no other transaction
	// can revoke it until this one ends.
	StationKey(ctx context.Context, id seal.KeyID) (StationKey, error)
	// StationKeysOf is StationKey for many keys in one read: those of ids
	// that are enrolled, by id.
	StationKeysOf(ctx context.Context, ids []seal.KeyID) (map[seal.KeyID]StationKey, error)
	// AddStationKey enrolls a key; ErrExists if its id is enrolled or its
	// district has a valid key (revoke that first, in the same tx).
	AddStationKey(ctx context.Context, k StationKey) error
	// RevokeDistrictKeys revokes every valid key of the district and
	// returns how many it revoked.
	RevokeDistrictKeys(ctx context.Context, district string, at time.Time, reason string) (int, error)

	// PriorEnvelopes finds, in one read, the accepted envelopes an
	// incoming one may repeat or contradict: the one with its hash, the
	// one with its content hash, and the one its station sent with its
	// sequence number. Each is listed once; none found is an empty list.
	PriorEnvelopes(ctx context.Context, id EnvelopeID) ([]Envelope, error)
	// InsertEnvelope stores an accepted envelope; ErrConflict if its hash,
	// content hash or (station, seq) is taken, which a concurrent
	// transaction may have done since the lookups.
	InsertEnvelope(ctx context.Context, e Envelope) error
	InsertRejection(ctx context.Context, r Rejection) error
	// InsertEquivocation flags an equivocation; the same (station, seq,
	// first, second) again is no error and no second row.
	InsertEquivocation(ctx context.Context, e Equivocation) error

	// CurrentCountForUpdate returns the current count of the key and locks
	// it (ErrNotFound if there is none yet).
	CurrentCountForUpdate(ctx context.Context, k CountKey) (CurrentCount, error)
	// PutCurrentCount inserts or replaces the current count of its key;
	// ErrConflict if a concurrent transaction inserted it first.
	PutCurrentCount(ctx context.Context, c CurrentCount) error
	// AddAggregates adds the deltas, in any order. It writes the rows in
	// the order of their keys, so that concurrent transactions lock rows
	// in the same order.
	AddAggregates(ctx context.Context, deltas []AggregateDelta) error

	InsertAttendance(ctx context.Context, a Attendance) error
	InsertDistrictEvent(ctx context.Context, e DistrictEvent) error

	// Certifications lists the certifications. None can change in another
	// transaction until this one ends, so a record checked against them
	// commits before a certification or sees it.
	Certifications(ctx context.Context) ([]Certification, error)
	PutCertification(ctx context.Context, c Certification) error

	InsertToken(ctx context.Context, t Token) error
	AppendAudit(ctx context.Context, e AuditEntry) error
}
