package station

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
	"github.com/wahlkoffer/wahlkoffer/station/sqlite"
)

// Person is someone who may serve on the board: from the office's roster
// or entered on the day.
type Person struct {
	ballot.Member
	FromOffice bool // on the roster in the election package
}

// Replacement is a newcomer standing in for a member who did not come.
type Replacement struct {
	Newcomer   ballot.Member
	Replaces   string
	At         time.Time
	Instructed bool
}

// SentCount is a count the station signed.
type SentCount struct {
	Count *ballot.Count
	Seq   uint64
	State outbox.State
}

// Entry is one of the two entries of a count, decoded.
type Entry struct {
	Slot      int
	EnteredBy string
	Count     *ballot.Count
	EnteredAt time.Time
}

// State is everything the station knows, derived from its records, the
// people entered on the day and the count entries not yet sent.
type State struct {
	People       []Person
	Attendance   []ballot.AttendanceEvent
	Replacements []Replacement
	Opened       *time.Time
	Closed       *time.Time
	Turnouts     []ballot.Turnout
	Incidents    []ballot.Incident
	// Sent holds every count signed, by contest, in sequence order.
	Sent    map[string][]SentCount
	Entries map[string][]Entry // by contest, slot order
	Records []sqlite.Record
}

// State reads the station's state.
func (s *Station) State(ctx context.Context) (*State, error) {
	var st *State
	err := s.db.View(ctx, func(tx *sqlite.Tx) (err error) {
		st, err = s.state(ctx, tx)
		return err
	})
	return st, err
}

func (s *Station) state(ctx context.Context, tx *sqlite.Tx) (*State, error) {
	recs, err := tx.Records(ctx)
	if err != nil {
		return nil, err
	}
	members, err := tx.Members(ctx)
	if err != nil {
		return nil, err
	}
	entries, err := tx.Entries(ctx)
	if err != nil {
		return nil, err
	}
	st := &State{Sent: map[string][]SentCount{}, Entries: map[string][]Entry{}, Records: recs}
	for _, m := range s.district.Roster {
		st.People = append(st.People, Person{Member: m, FromOffice: true})
	}
	for _, m := range members {
		st.People = append(st.People, Person{Member: ballot.Member{ID: m.ID, Name: m.Name, Role: ballot.Role(m.Role)}})
	}
	for _, r := range recs {
		rec, err := ballot.DecodeRecord(ballot.Payload{Header: ballot.Header{Kind: ballot.RecordKind(r.Kind), Seq: r.Seq, Time: r.Time}, Body: r.Body})
		if err != nil {
			return nil, fmt.Errorf("record %d in the store: %w", r.Seq, err)
		}
		switch b := rec.Body.(type) {
		case *ballot.CheckIn:
			if b.Replaces != "" {
				st.Replacements = append(st.Replacements, Replacement{Newcomer: b.Person, Replaces: b.Replaces, At: b.At, Instructed: b.Instructed})
			}
		case *ballot.PollsOpened:
			st.Opened = &b.At
		case *ballot.PollsClosed:
			st.Closed = &b.At
		case *ballot.Turnout:
			st.Turnouts = append(st.Turnouts, *b)
		case *ballot.Incident:
			st.Incidents = append(st.Incidents, *b)
		case *ballot.Count:
			st.Sent[b.Contest] = append(st.Sent[b.Contest], SentCount{Count: b, Seq: r.Seq, State: r.State})
		}
		st.Attendance = append(st.Attendance, ballot.AttendanceEvents([]ballot.Record{rec})...)
	}
	for _, e := range entries {
		var c ballot.Count
		if err := json.Unmarshal(e.Figures, &c); err != nil {
			return nil, fmt.Errorf("entry %d of %s in the store: %w", e.Slot, e.Contest, err)
		}
		st.Entries[e.Contest] = append(st.Entries[e.Contest], Entry{Slot: e.Slot, EnteredBy: e.EnteredBy, Count: &c, EnteredAt: e.EnteredAt})
	}
	return st, nil
}

// Person returns the person with the id.
func (st *State) Person(id string) (Person, bool) {
	for _, p := range st.People {
		if p.ID == id {
			return p, true
		}
	}
	return Person{}, false
}

// PresentAt returns who is on the board at the instant.
func (st *State) PresentAt(at time.Time) []ballot.Attendance {
	return ballot.PresentAt(st.Attendance, at)
}

// IsPresent reports whether the person is checked in at the instant.
func (st *State) IsPresent(id string, at time.Time) bool {
	return slices.ContainsFunc(st.PresentAt(at), func(a ballot.Attendance) bool { return a.PersonID == id })
}

// replacementOf returns the replacement of a no-show, if there is one.
func (st *State) replacementOf(id string) (Replacement, bool) {
	for _, r := range st.Replacements {
		if r.Replaces == id {
			return r, true
		}
	}
	return Replacement{}, false
}

// everCheckedIn reports whether the person checked in at any time.
func (st *State) everCheckedIn(id string) bool {
	return slices.ContainsFunc(st.Attendance, func(e ballot.AttendanceEvent) bool { return e.In && e.PersonID == id })
}

// LastSent returns the newest count of a contest in a stage, or nil.
func (st *State) LastSent(contest string, stage ballot.Stage) *SentCount {
	var last *SentCount
	for i, sc := range st.Sent[contest] {
		if sc.Count.Stage == stage && (last == nil || sc.Count.Version > last.Count.Version) {
			last = &st.Sent[contest][i]
		}
	}
	return last
}

// Phase is where the station's day stands.
type Phase string

const (
	PhaseBeforeOpening Phase = "before-opening"
	PhaseVoting        Phase = "voting"
	PhaseCounting      Phase = "counting"
	PhaseReported      Phase = "reported" // every contest has its final record
)

// Phase returns the station's phase.
func (s *Station) Phase(st *State) Phase {
	switch {
	case st.Closed != nil && s.allFinal(st):
		return PhaseReported
	case st.Closed != nil:
		return PhaseCounting
	case st.Opened != nil:
		return PhaseVoting
	}
	return PhaseBeforeOpening
}

func (s *Station) allFinal(st *State) bool {
	for _, c := range s.def.ContestsOf(s.district) {
		if st.LastSent(c.ID, ballot.StageFinal) == nil {
			return false
		}
	}
	return true
}

// quorumPhase is the phase whose quorum the board needs now: voting (or
// the admission of ballot letters) until the close, counting after it.
func (s *Station) quorumPhase(st *State) ballot.Phase {
	postal := s.district.Kind == ballot.Postal
	switch {
	case st.Closed != nil && postal:
		return ballot.PhasePostalCounting
	case st.Closed != nil:
		return ballot.PhaseCounting
	case postal:
		return ballot.PhasePostalAdmission
	}
	return ballot.PhaseVoting
}

// Quorum says whether the board present at the instant has the quorum of
// the current phase, and what it lacks.
func (s *Station) Quorum(st *State, at time.Time) ballot.QuorumStatus {
	return ballot.EvaluateQuorum(s.def.Board, s.quorumPhase(st), st.PresentAt(at))
}
