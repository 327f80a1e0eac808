package reports

import (
	"slices"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// Period is a stretch of time a board member was present: from a check-in
// to the check-out that followed it (Out is zero while still present).
type Period struct {
	In, Out time.Time
}

// Periods turns check-ins and check-outs into the periods of presence of
// each person, by person id, in time order. A second check-in without a
// check-out between is ignored, as is a check-out without a check-in.
func Periods(events []ballot.AttendanceEvent) map[string][]Period {
	sorted := slices.Clone(events)
	slices.SortStableFunc(sorted, func(a, b ballot.AttendanceEvent) int { return a.At.Compare(b.At) })
	out := map[string][]Period{}
	for _, e := range sorted {
		ps := out[e.PersonID]
		open := len(ps) > 0 && ps[len(ps)-1].Out.IsZero()
		switch {
		case e.In && !open:
			out[e.PersonID] = append(ps, Period{In: e.At})
		case !e.In && open:
			ps[len(ps)-1].Out = e.At
		}
	}
	return out
}

// present sums the closed periods, and reports the first check-in and the
// last check-out (zero when the person is still present).
func present(ps []Period) (first, last time.Time, total time.Duration) {
	for i, p := range ps {
		if i == 0 {
			first = p.In
		}
		last = p.Out
		if !p.Out.IsZero() {
			total += p.Out.Sub(p.In)
		}
	}
	return first, last, total
}

// roleRank orders roles as the official forms do.
func roleRank(r ballot.Role) int {
	if i := slices.Index(ballot.Roles, r); i >= 0 {
		return i
	}
	return len(ballot.Roles)
}
