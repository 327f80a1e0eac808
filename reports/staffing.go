package reports

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// StaffingReport is the boards of the in-person stations against their
// quorum, as tally.Status.Staffing has them: the stations below quorum,
// the replacements and the members who did not come.
type StaffingReport struct {
	Election  ballot.Election
	Generated time.Time     // the moment the staffing stands at
	Wards     []ballot.Ward // names of the wards
	Stations  []StationStaffing
}

// StationStaffing is one station's board (tally.StationStaffing, with
// the district's roster to name the people by).
type StationStaffing struct {
	District     string
	Name         string
	Ward         string
	Roster       []ballot.Member // the district's roster (ballot.District.Roster)
	Present      []ballot.Attendance
	Quorum       ballot.QuorumStatus
	Replacements []StaffReplacement
	NoShows      []string // roster ids of the members who have not come
	Alert        bool     // below quorum while it matters
}

// StaffReplacement is a person checked in for a member who did not come.
// It has the fields of tally.Replacement, so one converts to the other.
type StaffReplacement struct {
	PersonID string
	Name     string
	Replaces string
	At       time.Time
}

// WriteStaffing writes the staffing report as a PDF.
func WriteStaffing(w io.Writer, r StaffingReport, lang ballot.Lang) error {
	d, err := newDoc(lang, r.Election, r.Generated)
	if err != nil {
		return err
	}
	d.title(r.Election.Authority, d.w("staffing.title"), r.Election.Title)
	wards := map[string]string{}
	for _, w := range r.Wards {
		wards[w.ID] = w.Name
	}
	below, repl, noShows := 0, 0, 0
	for _, s := range r.Stations {
		below += b2i(s.Alert)
		repl += len(s.Replacements)
		noShows += len(s.NoShows)
	}
	d.facts([2]string{d.w("election.day"), d.day(r.Election.Date)},
		[2]string{d.w("as.of"), d.stamp(r.Generated)},
		[2]string{d.w("stations"), d.n(int64(len(r.Stations)))},
		[2]string{d.w("below.quorum"), d.n(int64(below))},
		[2]string{d.w("replacements"), d.n(int64(repl))},
		[2]string{d.w("no.shows"), d.n(int64(noShows))})
	station := func(s StationStaffing) string { return s.District + " – " + s.Name }

	d.heading(d.w("below.quorum"))
	if below == 0 {
		d.para(d.w("none"))
	} else {
		t := d.table(8, text(d.w("district"), 0), num(d.w("present"), 20), num(d.w("required"), 22), text(d.w("missing"), 70))
		for _, s := range r.Stations {
			if !s.Alert {
				continue
			}
			var needs []string
			for _, n := range s.Quorum.Missing {
				needs = append(needs, n.Message(d.lang))
			}
			t.row(station(s), d.n(int64(s.Quorum.Present)), d.n(int64(s.Quorum.Required)), strings.Join(needs, " "))
		}
	}

	d.heading(d.w("replacements"))
	if repl == 0 {
		d.para(d.w("none"))
	} else {
		t := d.table(8, text(d.w("district"), 0), text(d.w("time"), 16), text(d.w("newcomer"), 45), text(d.w("replaced"), 45))
		for _, s := range r.Stations {
			for _, rp := range s.Replacements {
				t.row(station(s), d.clock(rp.At), rp.Name, memberLabel(d, s.Roster, rp.Replaces))
			}
		}
	}

	d.heading(d.w("no.shows"))
	if noShows == 0 {
		d.para(d.w("none"))
	} else {
		t := d.table(8, text(d.w("district"), 0), text(d.w("member"), 80))
		for _, s := range r.Stations {
			for _, id := range s.NoShows {
				t.row(station(s), memberLabel(d, s.Roster, id))
			}
		}
	}

	d.heading(d.w("all.boards"))
	t := d.table(8, text(d.w("district"), 0), text(d.w("ward"), 45), num(d.w("present"), 20),
		num(d.w("required"), 22), text(d.w("quorum"), 34))
	for _, s := range r.Stations {
		state := d.w("quorum.met")
		if !s.Quorum.Met {
			state = d.w("quorum.missing")
		}
		ward := wards[s.Ward]
		if ward == "" {
			ward = s.Ward
		}
		t.row(station(s), ward, d.n(int64(s.Quorum.Present)), d.n(int64(s.Quorum.Required)), state)
	}
	return d.finish(w)
}

// memberLabel names a roster member with the role: "Maria Bauer
// (Schriftführer)"; an id not on the roster stands as it is.
func memberLabel(d *doc, roster []ballot.Member, id string) string {
	for _, m := range roster {
		if m.ID == id {
			return fmt.Sprintf("%s (%s)", m.Name, d.w("role."+string(m.Role)))
		}
	}
	return id
}
