package ballot

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Phase is a stretch of the election day with its own quorum.
type Phase string

const (
	PhaseVoting          Phase = "voting"           // polls open (in-person boards)
	PhaseCounting        Phase = "counting"         // after the close (in-person boards)
	PhasePostalAdmission Phase = "postal-admission" // admitting or rejecting ballot letters
	PhasePostalCounting  Phase = "postal-counting"  // counting postal votes
)

// Phases lists the phases in the order of the day.
var Phases = []Phase{PhaseVoting, PhaseCounting, PhasePostalAdmission, PhasePostalCounting}

// Required returns the quorum of the phase under rules (defaults applied),
// and false for an unknown phase.
func (p Phase) Required(rules BoardRules) (int, bool) {
	r := rules.WithDefaults()
	switch p {
	case PhaseVoting:
		return r.QuorumVoting, true
	case PhaseCounting:
		return r.QuorumCounting, true
	case PhasePostalAdmission:
		return r.PostalQuorumAdmission, true
	case PhasePostalCounting:
		return r.PostalQuorumCounting, true
	}
	return 0, false
}

// Attendance is a person present on the board now, in the role they hold.
type Attendance struct {
	PersonID string `json:"person_id"`
	Role     Role   `json:"role"`
}

// Need is something the board lacks for its quorum: Count more people of
// the kind Code names.
type Need struct {
	Code  string `json:"code"`
	Count int    `json:"count"`
}

// Need codes.
const (
	NeedChairOrDeputy     = "chair-or-deputy"
	NeedSecretaryOrDeputy = "secretary-or-deputy"
	NeedMembers           = "members"       // further members of any role
	NeedPhaseUnknown      = "phase-unknown" // the phase is not one of Phases
)

// QuorumStatus says whether the board present has a quorum in a phase,
// and if not, what it lacks. The needs are disjoint: a board of one chair
// in the voting phase (quorum 3) needs a secretary or deputy and 1 more
// member, 2 people in all.
type QuorumStatus struct {
	Phase    Phase  `json:"phase"`
	Required int    `json:"required"`
	Present  int    `json:"present"`
	Met      bool   `json:"met"`
	Missing  []Need `json:"missing,omitempty"`
}

// EvaluateQuorum decides whether the people present have a quorum in the
// phase (BWahlG § 9, BWO § 6): at least the phase's number of members,
// among them the chair or the deputy chair and the secretary or the deputy
// secretary. Each person holds one role, so one person never fills both
// needs. A person listed twice counts once (the first listing wins).
func EvaluateQuorum(rules BoardRules, phase Phase, present []Attendance) QuorumStatus {
	st := QuorumStatus{Phase: phase}
	required, ok := phase.Required(rules)
	if !ok {
		st.Missing = []Need{{Code: NeedPhaseUnknown}}
		return st
	}
	st.Required = required
	seen := map[string]bool{}
	chair, secretary := false, false
	for _, a := range present {
		if seen[a.PersonID] {
			continue
		}
		seen[a.PersonID] = true
		st.Present++
		switch a.Role {
		case RoleChair, RoleDeputyChair:
			chair = true
		case RoleSecretary, RoleDeputySecretary:
			secretary = true
		}
	}
	roleNeeds := 0
	if !chair {
		st.Missing = append(st.Missing, Need{Code: NeedChairOrDeputy, Count: 1})
		roleNeeds++
	}
	if !secretary {
		st.Missing = append(st.Missing, Need{Code: NeedSecretaryOrDeputy, Count: 1})
		roleNeeds++
	}
	if more := st.Required - st.Present - roleNeeds; more > 0 {
		st.Missing = append(st.Missing, Need{Code: NeedMembers, Count: more})
	}
	st.Met = len(st.Missing) == 0
	return st
}

// Message renders the need in the given language.
func (n Need) Message(lang Lang) string {
	en := lang == English
	switch n.Code {
	case NeedChairOrDeputy:
		if en {
			return "Neither the chair nor the deputy chair is present."
		}
		return "Weder der Wahlvorsteher noch sein Stellvertreter ist anwesend."
	case NeedSecretaryOrDeputy:
		if en {
			return "Neither the secretary nor the deputy secretary is present."
		}
		return "Weder der Schriftführer noch sein Stellvertreter ist anwesend."
	case NeedMembers:
		switch {
		case en && n.Count == 1:
			return "1 more member is needed."
		case en:
			return fmt.Sprintf("%d more members are needed.", n.Count)
		case n.Count == 1:
			return "Es fehlt noch 1 weiteres Mitglied."
		default:
			return fmt.Sprintf("Es fehlen noch %d weitere Mitglieder.", n.Count)
		}
	case NeedPhaseUnknown:
		if en {
			return "The phase of the election day is unknown."
		}
		return "Der Abschnitt des Wahltags ist unbekannt."
	}
	return n.Code
}

// Message renders the status as one line for the screen.
func (s QuorumStatus) Message(lang Lang) string {
	if s.Met {
		if lang == English {
			return fmt.Sprintf("Quorum met: %d present, %d required.", s.Present, s.Required)
		}
		return fmt.Sprintf("Beschlussfähig: %d anwesend, %d erforderlich.", s.Present, s.Required)
	}
	out := fmt.Sprintf("Nicht beschlussfähig: %d anwesend, %d erforderlich.", s.Present, s.Required)
	if lang == English {
		out = fmt.Sprintf("No quorum: %d present, %d required.", s.Present, s.Required)
	}
	for _, n := range s.Missing {
		out += " " + n.Message(lang)
	}
	return out
}

// AttendanceEvent is a check-in (In, with the role taken up) or a
// check-out of one person at a time.
type AttendanceEvent struct {
	At       time.Time `json:"at"`
	PersonID string    `json:"person_id"`
	Role     Role      `json:"role,omitempty"`
	In       bool      `json:"in"`
}

// AttendanceEvents extracts the check-ins and check-outs from decoded
// records (bodies *CheckIn and *CheckOut, as DecodeRecord returns them, or
// the values), in record order, at the time the body gives.
func AttendanceEvents(records []Record) []AttendanceEvent {
	var out []AttendanceEvent
	for _, r := range records {
		switch b := r.Body.(type) {
		case *CheckIn:
			out = append(out, AttendanceEvent{At: b.At, PersonID: b.Person.ID, Role: b.Person.Role, In: true})
		case CheckIn:
			out = append(out, AttendanceEvent{At: b.At, PersonID: b.Person.ID, Role: b.Person.Role, In: true})
		case *CheckOut:
			out = append(out, AttendanceEvent{At: b.At, PersonID: b.PersonID})
		case CheckOut:
			out = append(out, AttendanceEvent{At: b.At, PersonID: b.PersonID})
		}
	}
	return out
}

// PresentAt returns who is present at the instant at: everyone whose last
// event at or before at is a check-in, once, in the role of that check-in.
// A check-in at exactly at counts, a check-out at exactly at has left.
// Events are taken in time order, and in the given order at equal times.
// The result is in the order of Roles, then by person id.
func PresentAt(events []AttendanceEvent, at time.Time) []Attendance {
	sorted := slices.Clone(events)
	slices.SortStableFunc(sorted, func(a, b AttendanceEvent) int { return a.At.Compare(b.At) })
	present := map[string]Role{}
	for _, e := range sorted {
		if e.At.After(at) {
			break
		}
		if e.In {
			present[e.PersonID] = e.Role
		} else {
			delete(present, e.PersonID)
		}
	}
	out := make([]Attendance, 0, len(present))
	for id, role := range present {
		out = append(out, Attendance{PersonID: id, Role: role})
	}
	slices.SortFunc(out, func(a, b Attendance) int {
		return cmp.Or(cmp.Compare(roleRank(a.Role), roleRank(b.Role)), cmp.Compare(a.PersonID, b.PersonID))
	})
	return out
}

func roleRank(r Role) int {
	if i := slices.Index(Roles, r); i >= 0 {
		return i
	}
	return len(Roles)
}

// IncidentTerm returns the German word the station record uses for an
// incident at the instant at: "Vorfall" before the poll closed,
// "Vorkommnis" from the close on. A nil pollsClosed means the poll is open.
func IncidentTerm(at time.Time, pollsClosed *time.Time) string {
	return IncidentTermIn(German, at, pollsClosed)
}

// IncidentTermIn is IncidentTerm in a language; English has no pair of
// words for it, so it says which side of the close the note is on.
func IncidentTermIn(lang Lang, at time.Time, pollsClosed *time.Time) string {
	after := pollsClosed != nil && !at.Before(*pollsClosed)
	switch {
	case lang == English && after:
		return "occurrence after the close"
	case lang == English:
		return "incident during voting"
	case after:
		return "Vorkommnis"
	default:
		return "Vorfall"
	}
}
