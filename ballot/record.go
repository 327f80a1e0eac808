package ballot

import (
	"encoding/json"
	"time"
)

// RecordKind names what a station record says. It appears in the payload
// header and, as application/vnd.wahlkoffer.<kind>+json, as the payload
// type of the signed envelope.
type RecordKind string

const (
	RecordCheckIn     RecordKind = "checkin"
	RecordCheckOut    RecordKind = "checkout"
	RecordPollsOpened RecordKind = "polls-opened"
	RecordPollsClosed RecordKind = "polls-closed"
	RecordTurnout     RecordKind = "turnout"
	RecordIncident    RecordKind = "incident"
	RecordCount       RecordKind = "count"
)

// RecordKinds lists every record kind in a stable order.
var RecordKinds = []RecordKind{
	RecordCheckIn, RecordCheckOut, RecordPollsOpened, RecordPollsClosed,
	RecordTurnout, RecordIncident, RecordCount,
}

// PayloadTypePrefix and PayloadTypeSuffix frame a record kind in a DSSE
// payload type.
const (
	PayloadTypePrefix = "application/vnd.wahlkoffer."
	PayloadTypeSuffix = "+json"
)

// PayloadType returns the DSSE payload type of a record kind.
func (k RecordKind) PayloadType() string { return PayloadTypePrefix + string(k) + PayloadTypeSuffix }

// Header is the part every station record shares. It binds the record to
// one election package, one district and one station key, and orders it:
// Seq is strictly increasing per station, so a record cannot be replayed
// or silently replaced.
type Header struct {
	ElectionID string `json:"election_id"`
	// PackageHash is the hex SHA-256 of the election package's definition
	// bytes: a record made against another version of the definition is
	// refused.
	PackageHash string     `json:"package_hash"`
	District    string     `json:"district"`
	Station     string     `json:"station"`
	Seq         uint64     `json:"seq"`
	Time        time.Time  `json:"time"` // UTC, when the station made the record
	Kind        RecordKind `json:"kind"`
}

// Payload is a record as it travels inside the envelope: the header and the
// body of its kind, still undecoded.
type Payload struct {
	Header
	Body json.RawMessage `json:"body"`
}

// Record is a decoded payload: the header and a typed body, one of
// *CheckIn, *CheckOut, *PollsOpened, *PollsClosed, *Turnout, *Incident,
// *Count, matching Header.Kind.
type Record struct {
	Header
	Body any
}

// CheckIn records a board member arriving. A replacement for a no-show
// names the member replaced and confirms that the newcomer was instructed
// on impartiality and secrecy before taking up the duty.
type CheckIn struct {
	Person     Member    `json:"person"`
	At         time.Time `json:"at"`
	Replaces   string    `json:"replaces,omitempty"` // member id of the no-show
	Instructed bool      `json:"instructed,omitempty"`
}

// CheckOut records a board member leaving.
type CheckOut struct {
	PersonID string    `json:"person_id"`
	At       time.Time `json:"at"`
}

// PollsOpened records the opening of the poll.
type PollsOpened struct {
	At time.Time `json:"at"`
}

// PollsClosed records the closing of the poll.
type PollsClosed struct {
	At time.Time `json:"at"`
}

// Turnout reports the number of voters so far. Slot is the scheduled report
// time (HH:MM, local) it answers, or empty for an ad hoc report.
type Turnout struct {
	Slot   string    `json:"slot,omitempty"`
	At     time.Time `json:"at"`
	Voters int64     `json:"voters"`
}

// Incident is a note of something that happened. Before the poll closes it
// is a Vorfall, afterwards a Vorkommnis (see IncidentTerm).
type Incident struct {
	At   time.Time `json:"at"`
	Text string    `json:"text"`
}

// Stage says whether a count is the quick report or the final record.
type Stage string

const (
	StageQuick Stage = "quick" // Schnellmeldung
	StageFinal Stage = "final" // Wahlniederschrift
)

// RejectReason is a legal reason for a postal board to reject a ballot
// letter (BWahlG § 39 (4) no. 2–8).
type RejectReason string

const (
	RejectNoValidCard          RejectReason = "no-valid-card"           // no. 2: no polling card, or an invalid one
	RejectNoBallotEnvelope     RejectReason = "no-ballot-envelope"      // no. 3
	RejectUnsealed             RejectReason = "unsealed"                // no. 4: neither envelope sealed
	RejectEnvelopesWithoutCard RejectReason = "envelopes-without-cards" // no. 5: several envelopes, too few cards
	RejectDeclarationUnsigned  RejectReason = "declaration-unsigned"    // no. 6
	RejectUnofficialEnvelope   RejectReason = "unofficial-envelope"     // no. 7
	RejectSecrecyEndangered    RejectReason = "secrecy-endangered"      // no. 8: envelope endangers secrecy or holds an object
)

// RejectReasons lists the seven reasons in the order of the law.
var RejectReasons = []RejectReason{
	RejectNoValidCard, RejectNoBallotEnvelope, RejectUnsealed, RejectEnvelopesWithoutCard,
	RejectDeclarationUnsigned, RejectUnofficialEnvelope, RejectSecrecyEndangered,
}

// PostalLetters is the intake of ballot letters of a postal district.
type PostalLetters struct {
	Received   int64                  `json:"received"` // including late ones that came before 18:00
	Queried    int64                  `json:"queried"`  // beanstandet
	Admitted   int64                  `json:"admitted"` // of the queried, admitted by the board
	Rejected   int64                  `json:"rejected"` // of the queried, rejected
	RejectedBy map[RejectReason]int64 `json:"rejected_by"`
}

// Count is the result of one contest in one district, as quick report or
// final record. The newest version of a district and contest is current;
// a version above 1 is a correction and carries its reason.
//
// The letters are those of the federal forms: A1, A2, A3 from the register
// (in-person only), B voters in total, B1 of them with a polling card; per
// contest Invalid (C) and Valid (D) and Votes per option (D1 … Dn). For a
// cumulative contest Invalid and Valid count ballots, Votes counts votes
// per list, CandidateVotes per candidate, and Unchanged and Changed split
// the valid ballots into single list crosses and the rest.
type Count struct {
	Contest          string `json:"contest"`
	Stage            Stage  `json:"stage"`
	Version          int    `json:"version"`
	CorrectionReason string `json:"correction_reason,omitempty"`

	A1 int64 `json:"a1,omitempty"`
	A2 int64 `json:"a2,omitempty"`
	A3 int64 `json:"a3,omitempty"`
	B  int64 `json:"b"`
	B1 int64 `json:"b1"`
	// Marks is the number of vote marks in the register (in-person, when
	// counted); B differing from Marks + B1 needs a reason.
	Marks *int64 `json:"marks,omitempty"`

	Postal *PostalLetters `json:"postal,omitempty"`

	Invalid int64            `json:"invalid"`
	Valid   int64            `json:"valid"`
	Votes   map[string]int64 `json:"votes"`

	CandidateVotes map[string]int64 `json:"candidate_votes,omitempty"`
	Unchanged      *int64           `json:"unchanged,omitempty"`
	Changed        *int64           `json:"changed,omitempty"`

	// Reasons holds the board's written reason for each warning, by
	// finding code.
	Reasons map[string]string `json:"reasons,omitempty"`
	// EnteredBy names the two board members whose entries agreed.
	EnteredBy []string `json:"entered_by"`
}

// A is the number of registered voters on the record, A1 + A2 + A3.
func (c *Count) A() int64 { return c.A1 + c.A2 + c.A3 }
