package station

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/station/sqlite"
)

// update runs an act: it reads the state and runs fn in one write
// transaction, so that the rules are checked against the state the act
// changes.
func (s *Station) update(ctx context.Context, fn func(tx *sqlite.Tx, st *State) error) error {
	return s.db.Update(ctx, func(tx *sqlite.Tx) error {
		st, err := s.state(ctx, tx)
		if err != nil {
			return err
		}
		return fn(tx, st)
	})
}

// AddMember enters a person who is not on the office's roster. The id is
// made up when empty.
func (s *Station) AddMember(ctx context.Context, m ballot.Member) (ballot.Member, error) {
	m.Name = strings.TrimSpace(m.Name)
	if m.ID == "" {
		m.ID = "p-" + uuid.NewString()[:8]
	}
	if err := checkMember(m); err != nil {
		return ballot.Member{}, err
	}
	err := s.update(ctx, func(tx *sqlite.Tx, st *State) error {
		if _, ok := st.Person(m.ID); ok {
			return refuse(CodePersonExists, "Die Kennung %s ist schon vergeben.", "The id %s is already taken.", m.ID)
		}
		if err := s.checkBoardSize(st); err != nil {
			return err
		}
		return tx.PutMember(ctx, sqlite.Member{ID: m.ID, Name: m.Name, Role: string(m.Role), AddedAt: s.now().UTC()})
	})
	return m, err
}

func checkMember(m ballot.Member) error {
	if m.Name == "" || utf8.RuneCountInString(m.Name) > 200 || strings.ContainsAny(m.Name, "\n\r\t") {
		return refuse(CodeNameInvalid, "Der Name %q ist leer, zu lang oder enthält Zeilenumbrüche.",
			"The name %q is empty, too long or contains line breaks.", m.Name)
	}
	if !m.Role.Valid() {
		return refuse(CodeRoleInvalid, "%q ist keine Funktion im Wahlvorstand (chair, deputy-chair, secretary, deputy-secretary, assessor).",
			"%q is not a board role (chair, deputy-chair, secretary, deputy-secretary, assessor).", m.Role)
	}
	if strings.TrimSpace(m.ID) != m.ID || m.ID == "" || len(m.ID) > 64 || strings.ContainsAny(m.ID, " \n\r\t") {
		return refuse(CodeNameInvalid, "Die Kennung %q ist nicht verwendbar.", "The id %q cannot be used.", m.ID)
	}
	return nil
}

// CheckIn records a member of the roster arriving at the instant at (now
// when zero).
func (s *Station) CheckIn(ctx context.Context, personID string, at time.Time) (ballot.CheckIn, error) {
	var in ballot.CheckIn
	err := s.onPerson(ctx, personID, at, func(tx *sqlite.Tx, st *State, p Person, at time.Time) error {
		if st.IsPresent(personID, at) {
			return refuse(CodePersonPresent, "%s ist bereits angemeldet.", "%s is already checked in.", p.Name)
		}
		if r, ok := st.replacementOf(personID); ok {
			return refuse(CodeReplaced, "%s wurde um %s durch %s ersetzt und gehört nicht mehr zum Wahlvorstand.",
				"%s was replaced at %s by %s and is no longer on the board.", p.Name, s.clockText(r.At), r.Newcomer.Name)
		}
		in = ballot.CheckIn{Person: p.Member, At: at}
		_, err := s.record(ctx, tx, ballot.RecordCheckIn, &in)
		return err
	})
	return in, err
}

// CheckOut records a member leaving at the instant at (now when zero).
func (s *Station) CheckOut(ctx context.Context, personID string, at time.Time) (ballot.CheckOut, error) {
	var out ballot.CheckOut
	err := s.onPerson(ctx, personID, at, func(tx *sqlite.Tx, st *State, p Person, at time.Time) error {
		if !st.IsPresent(personID, at) {
			return refuse(CodePersonAbsent, "%s ist nicht angemeldet.", "%s is not checked in.", p.Name)
		}
		out = ballot.CheckOut{PersonID: personID, At: at}
		_, err := s.record(ctx, tx, ballot.RecordCheckOut, &out)
		return err
	})
	return out, err
}

// Replace records a newcomer standing in for a member who did not come:
// the newcomer joins the roster in the no-show's role (unless a role is
// given) and is checked in at the instant at. The chair must confirm that
// the newcomer was instructed on impartiality and secrecy first.
func (s *Station) Replace(ctx context.Context, noShowID string, newcomer ballot.Member, instructed bool, at time.Time) (ballot.CheckIn, error) {
	var in ballot.CheckIn
	err := s.onPerson(ctx, noShowID, at, func(tx *sqlite.Tx, st *State, noShow Person, at time.Time) error {
		if r, ok := st.replacementOf(noShowID); ok {
			return refuse(CodeReplaced, "%s wurde bereits um %s durch %s ersetzt.", "%s was already replaced at %s by %s.",
				noShow.Name, s.clockText(r.At), r.Newcomer.Name)
		}
		if st.everCheckedIn(noShowID) {
			return refuse(CodePersonPresent, "%s war angemeldet und ist kein Ausfall; für ein Gehen gibt es die Abmeldung.",
				"%s checked in and is not a no-show; use check-out for someone who left.", noShow.Name)
		}
		if !instructed {
			return refuse(CodeNotInstructed, "Die Ersatzperson muss vor Dienstantritt auf Unparteilichkeit und Wahrung des Wahlgeheimnisses verpflichtet werden.",
				"The replacement must be instructed on impartiality and the secrecy of the vote before taking up the duty.")
		}
		newcomer.Name = strings.TrimSpace(newcomer.Name)
		if newcomer.Role == "" {
			newcomer.Role = noShow.Role
		}
		if newcomer.ID == "" {
			newcomer.ID = "p-" + uuid.NewString()[:8]
		}
		if err := checkMember(newcomer); err != nil {
			return err
		}
		if _, ok := st.Person(newcomer.ID); ok {
			return refuse(CodePersonExists, "Die Kennung %s ist schon vergeben.", "The id %s is already taken.", newcomer.ID)
		}
		if err := tx.PutMember(ctx, sqlite.Member{ID: newcomer.ID, Name: newcomer.Name, Role: string(newcomer.Role), AddedAt: s.now().UTC()}); err != nil {
			return err
		}
		in = ballot.CheckIn{Person: newcomer, At: at, Replaces: noShowID, Instructed: true}
		_, err := s.record(ctx, tx, ballot.RecordCheckIn, &in)
		return err
	})
	return in, err
}

// checkBoardSize refuses a new member beyond the board's maximum size; a
// replaced no-show no longer counts.
func (s *Station) checkBoardSize(st *State) error {
	limit := s.def.Board.WithDefaults().MaxSize
	if n := len(st.People) - len(st.Replacements); n >= limit {
		return refuse(CodeBoardFull, "Der Wahlvorstand hat schon %d Mitglieder, mehr als %d sind nicht zulässig.",
			"The board has %d members already; at most %d are allowed.", n, limit)
	}
	return nil
}

// onPerson runs act in one transaction on a member of the roster, at the
// resolved instant of at: the prelude of every act on one person.
func (s *Station) onPerson(ctx context.Context, personID string, at time.Time, act func(tx *sqlite.Tx, st *State, p Person, at time.Time) error) error {
	return s.update(ctx, func(tx *sqlite.Tx, st *State) error {
		at, err := s.when(at, false)
		if err != nil {
			return err
		}
		p, ok := st.Person(personID)
		if !ok {
			return unknownPerson(personID)
		}
		return act(tx, st, p, at)
	})
}

func unknownPerson(id string) error {
	return refuse(CodePersonUnknown, "%q steht nicht im Wahlvorstand dieser Station.", "%q is not on this station's board.", id)
}

// when resolves the time of an act: now when zero, never later than now,
// and within the election day (or, for acts after the close, the night
// after it). onDay demands the election day itself.
func (s *Station) when(at time.Time, onDay bool) (time.Time, error) {
	now := s.now()
	if at.IsZero() {
		at = now
	}
	at = at.UTC()
	if at.After(now) {
		return at, refuse(CodeTimeFuture, "Die Zeit %s liegt in der Zukunft (jetzt ist %s).", "The time %s lies in the future (it is %s now).",
			s.clockText(at), s.clockText(now))
	}
	end := s.day.AddDate(0, 0, 1)
	if !onDay {
		end = s.day.AddDate(0, 0, 2) // the count may run into the night
	}
	if at.Before(s.day) || !at.Before(end) {
		return at, refuse(CodeTimeOutsideDay, "Die Zeit %s liegt nicht am Wahltag %s.", "The time %s is not on the election day %s.",
			at.In(s.loc).Format("02.01.2006 15:04"), s.day.Format("02.01.2006"))
	}
	return at, nil
}

// clockText shows an instant as the board reads it: local time, with the
// date when it is not the election day.
func (s *Station) clockText(t time.Time) string {
	l := t.In(s.loc)
	if y, m, d := l.Date(); y == s.day.Year() && m == s.day.Month() && d == s.day.Day() {
		return l.Format("15:04")
	}
	return l.Format("02.01.2006 15:04")
}

// At reads a local time of day (HH:MM) on the election day, or a full
// RFC 3339 instant.
func (s *Station) At(text string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, text); err == nil {
		return t, nil
	}
	minutes, err := ballot.ParseClock(text)
	if err != nil {
		return time.Time{}, refuse(CodeTimeInvalid, "%q ist keine Uhrzeit (HH:MM).", "%q is not a time of day (HH:MM).", text)
	}
	return s.onElectionDay(minutes), nil
}

// onElectionDay is the instant of a local time of day, in minutes after
// midnight, on the election day (by the wall clock, also on a day when
// the clocks change).
func (s *Station) onElectionDay(minutes int) time.Time {
	return time.Date(s.day.Year(), s.day.Month(), s.day.Day(), minutes/60, minutes%60, 0, 0, s.loc)
}
