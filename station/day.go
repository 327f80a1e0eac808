package station

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/station/sqlite"
)

// OpenPolls records the opening of the poll at the instant at (now when
// zero). It needs the voting quorum present: the board opens the poll.
func (s *Station) OpenPolls(ctx context.Context, at time.Time) (ballot.PollsOpened, error) {
	var body ballot.PollsOpened
	err := s.update(ctx, func(tx *sqlite.Tx, st *State) error {
		var err error
		if at, err = s.when(at, true); err != nil {
			return err
		}
		if st.Opened != nil {
			return refuse(CodePollsOpen, "Die Wahlhandlung wurde bereits um %s eröffnet.", "The poll was already opened at %s.", s.clockText(*st.Opened))
		}
		if q := s.Quorum(st, at); !q.Met {
			return quorumRefusal(q, "Die Eröffnung", "open the poll")
		}
		if opens := s.pollsOpen(); s.district.Kind == ballot.InPerson && at.Before(opens) {
			return refuse(CodeTooEarly, "Die Wahlhandlung beginnt um %s, nicht früher.", "The poll opens at %s, not earlier.", s.clockText(opens))
		}
		body = ballot.PollsOpened{At: at}
		_, err = s.record(ctx, tx, ballot.RecordPollsOpened, &body)
		return err
	})
	return body, err
}

// ClosePolls records the close of the poll at the instant at (now when
// zero), after its opening.
func (s *Station) ClosePolls(ctx context.Context, at time.Time) (ballot.PollsClosed, error) {
	var body ballot.PollsClosed
	err := s.update(ctx, func(tx *sqlite.Tx, st *State) error {
		var err error
		if at, err = s.when(at, true); err != nil {
			return err
		}
		switch {
		case st.Opened == nil:
			return refuse(CodePollsNotOpen, "Die Wahlhandlung ist noch nicht eröffnet.", "The poll has not been opened.")
		case st.Closed != nil:
			return refuse(CodePollsClosed, "Die Wahlhandlung wurde bereits um %s geschlossen.", "The poll was already closed at %s.", s.clockText(*st.Closed))
		case at.Before(*st.Opened):
			return refuse(CodeTimeOrder, "Die Schließung (%s) liegt vor der Eröffnung (%s).", "The close (%s) lies before the opening (%s).",
				s.clockText(at), s.clockText(*st.Opened))
		}
		body = ballot.PollsClosed{At: at}
		_, err = s.record(ctx, tx, ballot.RecordPollsClosed, &body)
		return err
	})
	return body, err
}

// pollsOpen is the set opening time of the election day.
func (s *Station) pollsOpen() time.Time {
	hhmm := s.def.Election.PollsOpen
	if hhmm == "" {
		hhmm = ballot.DefaultPollsOpen
	}
	minutes, err := ballot.ParseClock(hhmm)
	if err != nil {
		minutes = 8 * 60 // the definition was validated; this cannot happen
	}
	return s.onElectionDay(minutes)
}

func quorumRefusal(q ballot.QuorumStatus, actDE, actEN string) *Error {
	return &Error{Code: CodeQuorum,
		de: fmt.Sprintf("%s ist nicht möglich. %s", actDE, q.Message(ballot.German)),
		en: fmt.Sprintf("Cannot %s. %s", actEN, q.Message(ballot.English))}
}

// TurnoutDue is the next scheduled turnout report.
type TurnoutDue struct {
	Slot    string    // HH:MM
	At      time.Time // the slot's instant
	Overdue bool      // its time has come and it is not reported
}

// NextTurnout returns the first scheduled report not yet made, or false
// when none is left, the poll is closed, or the board is a postal one.
func (s *Station) NextTurnout(st *State, now time.Time) (TurnoutDue, bool) {
	if st.Closed != nil || s.district.Kind == ballot.Postal {
		return TurnoutDue{}, false
	}
	for _, slot := range s.def.Election.TurnoutTimes {
		if st.reported(slot) {
			continue
		}
		minutes, err := ballot.ParseClock(slot)
		if err != nil {
			continue // the definition was validated; this cannot happen
		}
		at := s.onElectionDay(minutes)
		return TurnoutDue{Slot: slot, At: at, Overdue: !now.Before(at)}, true
	}
	return TurnoutDue{}, false
}

func (st *State) reported(slot string) bool {
	for _, t := range st.Turnouts {
		if t.Slot == slot {
			return true
		}
	}
	return false
}

// ReportTurnout reports the number of voters so far, for a scheduled slot
// (HH:MM) or ad hoc (empty slot), at the instant at (now when zero).
func (s *Station) ReportTurnout(ctx context.Context, slot string, voters int64, at time.Time) (ballot.Turnout, error) {
	var body ballot.Turnout
	err := s.update(ctx, func(tx *sqlite.Tx, st *State) error {
		var err error
		if at, err = s.when(at, true); err != nil {
			return err
		}
		if s.district.Kind == ballot.Postal {
			return refuse(CodeTurnoutPostal, "Briefwahlvorstände melden keine Wahlbeteiligung.", "Postal boards report no turnout.")
		}
		if st.Opened == nil {
			return refuse(CodePollsNotOpen, "Die Wahlhandlung ist noch nicht eröffnet.", "The poll has not been opened.")
		}
		if slot != "" {
			if err := s.checkSlot(st, slot, at); err != nil {
				return err
			}
		}
		if voters < 0 {
			return refuse(CodeTurnoutDecrease, "Die Zahl der Wählenden kann nicht negativ sein.", "The number of voters cannot be negative.")
		}
		for _, t := range st.Turnouts {
			if t.Voters > voters && !t.At.After(at) {
				return &Error{Code: CodeTurnoutDecrease,
					de: fmt.Sprintf("Um %s wurden bereits %s Wählende gemeldet; die Zahl kann nicht sinken.", s.clockText(t.At), ballot.FormatCount(t.Voters, ballot.German)),
					en: fmt.Sprintf("%s voters were reported at %s already; the number cannot go down.", ballot.FormatCount(t.Voters, ballot.English), s.clockText(t.At))}
			}
		}
		body = ballot.Turnout{Slot: slot, At: at, Voters: voters}
		_, err = s.record(ctx, tx, ballot.RecordTurnout, &body)
		return err
	})
	return body, err
}

func (s *Station) checkSlot(st *State, slot string, at time.Time) error {
	known := false
	for _, t := range s.def.Election.TurnoutTimes {
		known = known || t == slot
	}
	if !known {
		return refuse(CodeSlotUnknown, "%s ist keine Meldezeit dieser Wahl (%s).", "%s is not a report time of this election (%s).",
			slot, strings.Join(s.def.Election.TurnoutTimes, ", "))
	}
	if st.reported(slot) {
		return refuse(CodeSlotReported, "Die Meldung für %s ist bereits abgegeben.", "The report for %s was already made.", slot)
	}
	minutes, _ := ballot.ParseClock(slot)
	if due := s.onElectionDay(minutes); at.Before(due) {
		return refuse(CodeTimeOrder, "Die Meldung für %s kann erst ab %s abgegeben werden.", "The report for %s can only be made from %s on.",
			slot, s.clockText(due))
	}
	return nil
}

// MaxIncidentLength bounds the text of an incident, in characters.
const MaxIncidentLength = 2000

// LogIncident notes something that happened at the instant at (now when
// zero): a Vorfall before the close, a Vorkommnis after it.
func (s *Station) LogIncident(ctx context.Context, text string, at time.Time) (ballot.Incident, error) {
	var body ballot.Incident
	err := s.update(ctx, func(tx *sqlite.Tx, st *State) error {
		var err error
		if at, err = s.when(at, false); err != nil {
			return err
		}
		text = strings.TrimSpace(text)
		if n := utf8.RuneCountInString(text); n < ballot.MinReasonLength || n > MaxIncidentLength {
			return refuse(CodeTextInvalid, "Der Text muss %d bis %d Zeichen lang sein, er hat %d.", "The text must be %d to %d characters long, it has %d.",
				ballot.MinReasonLength, MaxIncidentLength, n)
		}
		body = ballot.Incident{At: at, Text: text}
		_, err = s.record(ctx, tx, ballot.RecordIncident, &body)
		return err
	})
	return body, err
}
