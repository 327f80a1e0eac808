package station

import (
	"errors"
	"fmt"
	"strings"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// Code names why a use case refused: stable, for scripts and the tests;
// the message is for the board, in German or English.
type Code string

// Refusal codes.
const (
	CodeLocked          Code = "station-locked"     // the act needs the PIN
	CodePersonUnknown   Code = "person-unknown"     // not on the roster
	CodePersonExists    Code = "person-exists"      // the id is taken
	CodePersonPresent   Code = "person-present"     // already checked in
	CodePersonAbsent    Code = "person-absent"      // not checked in
	CodeNotInstructed   Code = "not-instructed"     // a replacement must be instructed first
	CodeRoleInvalid     Code = "role-invalid"       // not a board role
	CodeNameInvalid     Code = "name-invalid"       // empty or unusable name
	CodeTimeFuture      Code = "time-in-future"     // an act cannot be dated later than now
	CodeTimeOutsideDay  Code = "time-outside-day"   // not on the election day
	CodeTimeOrder       Code = "time-order"         // e.g. closing before opening
	CodePollsNotOpen    Code = "polls-not-open"     // the act needs open polls
	CodePollsOpen       Code = "polls-already-open" // opened once already
	CodePollsNotClosed  Code = "polls-not-closed"   // counting needs closed polls
	CodePollsClosed     Code = "polls-already-closed"
	CodeQuorum          Code = "quorum-not-met" // the board present is too small for the act
	CodeSlotUnknown     Code = "turnout-slot-unknown"
	CodeSlotReported    Code = "turnout-slot-reported"
	CodeTurnoutDecrease Code = "turnout-decreasing" // fewer voters than an earlier report
	CodeTextInvalid     Code = "text-invalid"
	CodeContestUnknown  Code = "contest-unknown"
	CodeEntriesFull     Code = "entries-complete"   // both entries made by others
	CodeEntriesMissing  Code = "entries-missing"    // fewer than two entries
	CodeEntriesDiffer   Code = "entries-differ"     // the two entries disagree
	CodeCountBlocked    Code = "count-not-sendable" // errors, or warnings without reasons
	CodeAlreadySent     Code = "count-already-sent" // the same figures were sent in this stage
	CodeCorrectionNeeds Code = "correction-reason-missing"
	CodeStageInvalid    Code = "stage-invalid"
	CodeNotEntrant      Code = "entrant-not-present" // who enters must be on the board now
	CodeReplaced        Code = "person-replaced"     // a no-show already replaced
	CodeBoardFull       Code = "board-full"          // the board's maximum size is reached
	CodeTimeInvalid     Code = "time-invalid"        // not a time of day or an instant
	CodeStoreExists     Code = "store-exists"        // setup into a folder that has a store
	CodeReasonUnknown   Code = "reason-not-asked"    // a reason for a warning the count does not raise
	CodeTurnoutPostal   Code = "turnout-not-postal"  // postal boards report no turnout
	CodeTooEarly        Code = "before-opening-time" // the poll opens at the set time, not before
	CodeFiguresInvalid  Code = "figures-invalid"     // an option, candidate or reason id that is not UTF-8
)

// Error is a refusal of a use case. Findings and Diffs say more for a
// count that cannot be sent or whose entries differ.
type Error struct {
	Code     Code
	de, en   string
	Findings []ballot.Finding
	Diffs    []ballot.FieldDiff
	contest  *ballot.Contest // names the fields of Diffs
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message(ballot.English) }

// Message is the text for the board in lang, with the findings or the
// differing fields named.
func (e *Error) Message(lang ballot.Lang) string {
	msg := e.de
	if lang == ballot.English {
		msg = e.en
	}
	var parts []string
	for _, f := range e.Findings {
		parts = append(parts, f.Message(lang))
	}
	for _, d := range e.Diffs {
		parts = append(parts, DiffText(e.contest, d, lang))
	}
	if len(parts) > 0 {
		msg += "\n  " + strings.Join(parts, "\n  ")
	}
	return msg
}

// Is matches another *Error of the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// CodeOf returns the code of a refusal in err's chain, or "".
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// refuse builds a refusal from a German and an English format with the
// same arguments.
func refuse(code Code, de, en string, args ...any) *Error {
	return &Error{Code: code, de: fmt.Sprintf(de, args...), en: fmt.Sprintf(en, args...)}
}

// DiffText names one field where two entries of a count of contest c
// differ, by the name the board knows it by.
func DiffText(c *ballot.Contest, d ballot.FieldDiff, lang ballot.Lang) string {
	v := func(p *int64) string {
		if p == nil {
			return "–"
		}
		return ballot.FormatCount(*p, lang)
	}
	if lang == ballot.English {
		return fmt.Sprintf("%s: first entry %s, second entry %s", label(c, d.Field, lang), v(d.First), v(d.Second))
	}
	return fmt.Sprintf("%s: erste Eingabe %s, zweite Eingabe %s", label(c, d.Field, lang), v(d.First), v(d.Second))
}

// label is the field's name with its letter: "D2 Jürgen Öztürk" reads
// worse than "Jürgen Öztürk (D:ob-2)", which also says what to type.
func label(c *ballot.Contest, field string, lang ballot.Lang) string {
	if l := ballot.FieldLabel(c, field, lang); l != field {
		return l + " (" + field + ")"
	}
	return field
}

func (c Code) String() string { return string(c) }
