package sheets

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/reports"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// Turnout builds the turnout report from the tally's status: per report
// time of the election (and any other a station answered) the stations
// that reported, their voters and registered voters, per ward and overall,
// as they stand at the service's clock.
func Turnout(ctx context.Context, svc *tally.Service) (reports.TurnoutReport, error) {
	s, err := svc.Status(ctx)
	if err != nil {
		return reports.TurnoutReport{}, err
	}
	return TurnoutOf(svc.Definition(), s), nil
}

// TurnoutOf is Turnout from a status already read.
func TurnoutOf(def *ballot.Definition, s tally.Status) reports.TurnoutReport {
	r := reports.TurnoutReport{Election: def.Election, Generated: s.At, Wards: def.Wards}
	for _, slot := range s.Turnout {
		ts := reports.TurnoutSlot{Slot: slot.Slot, Stations: slot.Stations, Of: slot.Of, Voters: slot.Voters, Eligible: slot.Eligible}
		for _, w := range slot.Wards {
			ts.Wards = append(ts.Wards, reports.WardTurnout(w))
		}
		r.Slots = append(r.Slots, ts)
	}
	return r
}

// Staffing builds the staffing report from the tally's status: every
// in-person station's board against its quorum at the service's clock,
// with its roster (to name the people), the replacements and the members
// who did not come.
func Staffing(ctx context.Context, svc *tally.Service) (reports.StaffingReport, error) {
	s, err := svc.Status(ctx)
	if err != nil {
		return reports.StaffingReport{}, err
	}
	return StaffingOf(svc.Definition(), s), nil
}

// StaffingOf is Staffing from a status already read.
func StaffingOf(def *ballot.Definition, s tally.Status) reports.StaffingReport {
	r := reports.StaffingReport{Election: def.Election, Generated: s.At, Wards: def.Wards}
	for _, ss := range s.Staffing.Stations {
		st := reports.StationStaffing{District: ss.District, Name: ss.Name, Ward: ss.Ward, Present: ss.Present,
			Quorum: ss.Quorum, NoShows: ss.NoShows, Alert: ss.Alert}
		if d, ok := def.District(ss.District); ok {
			st.Roster = d.Roster
		}
		for _, rp := range ss.Replacements {
			st.Replacements = append(st.Replacements, reports.StaffReplacement(rp))
		}
		r.Stations = append(r.Stations, st)
	}
	return r
}

// Allowance builds the allowance list (Erfrischungsgeld) from the
// check-ins and check-outs the stations reported: per district, in the
// order of the definition, everyone who checked in, with the role of their
// last check-in and their periods of presence (reports.Periods), and the
// roster members of that district who never came (listed, with no
// allowance). Districts that reported no check-in are left out: the office
// cannot tell a board that did not come from a station that did not
// report. Within a district people are in the order of the roles, then
// the roster's order, then of their first check-in.
//
// The rates are the definition's Allowance; an office that pays other
// amounts sets List.Rates before printing. The service's clock dates the
// list.
func Allowance(ctx context.Context, svc *tally.Service, r store.Reader) (reports.AllowanceList, error) {
	att, err := r.Attendance(ctx)
	if err != nil {
		return reports.AllowanceList{}, fmt.Errorf("read the attendance: %w", err)
	}
	def := svc.Definition()
	return AllowanceOf(def, att, svc.Now()), nil
}

// AllowanceOf is Allowance from the attendance rows already read.
func AllowanceOf(def *ballot.Definition, att []store.Attendance, generated time.Time) reports.AllowanceList {
	l := reports.AllowanceList{Election: def.Election, Generated: generated, Rates: def.Allowance}
	byDistrict := map[string][]store.Attendance{}
	for _, a := range att {
		byDistrict[a.District] = append(byDistrict[a.District], a)
	}
	for i := range def.Districts {
		d := &def.Districts[i]
		rows := byDistrict[d.ID]
		if len(rows) == 0 {
			continue
		}
		// The rows come in the order of acceptance; the station's order of
		// acts is the order of time.
		slices.SortStableFunc(rows, func(a, b store.Attendance) int { return a.At.Compare(b.At) })
		var people []reports.AllowancePerson
		index := map[string]int{}
		add := func(id, name string, role ballot.Role) {
			if _, ok := index[id]; !ok {
				index[id] = len(people)
				people = append(people, reports.AllowancePerson{District: d.ID, DistrictName: d.Name, Name: name, Role: role})
			}
		}
		for _, m := range d.Roster {
			add(m.ID, m.Name, m.Role)
		}
		var events []ballot.AttendanceEvent
		for _, a := range rows {
			events = append(events, ballot.AttendanceEvent{At: a.At, PersonID: a.PersonID, Role: a.Role, In: a.In})
			if !a.In {
				continue
			}
			add(a.PersonID, a.Name, a.Role)
			p := &people[index[a.PersonID]]
			if a.Name != "" {
				p.Name = a.Name
			}
			if a.Role != "" {
				p.Role = a.Role
			}
		}
		periods := reports.Periods(events)
		for id, i := range index {
			people[i].Periods = periods[id]
			if people[i].Name == "" {
				people[i].Name = id
			}
		}
		slices.SortStableFunc(people, func(a, b reports.AllowancePerson) int {
			return cmp.Compare(roleRank(a.Role), roleRank(b.Role))
		})
		l.People = append(l.People, people...)
	}
	return l
}

func roleRank(r ballot.Role) int {
	if i := slices.Index(ballot.Roles, r); i >= 0 {
		return i
	}
	return len(ballot.Roles)
}
