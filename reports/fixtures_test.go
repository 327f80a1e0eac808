package reports_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/reports"
)

// Fixtures: the example town of testdata/musterstadt.json on its
// election day, with counts made up by fixed rules so that every figure
// adds up and every run gives the same documents.

var (
	electionDay = time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)
	generated   = time.Date(2026, 3, 8, 20, 15, 0, 0, time.UTC) // 21:15 in Berlin
)

// local returns the instant of a Berlin wall-clock time on election day
// (CET, UTC+1, in March before the switch to summer time).
func local(hh, mm int) time.Time {
	return electionDay.Add(time.Duration(hh-1)*time.Hour + time.Duration(mm)*time.Minute)
}

func fingerprint(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func musterstadt(t testing.TB) *ballot.Definition {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "musterstadt.json"))
	if err != nil {
		t.Fatal(err)
	}
	def, err := ballot.ParseDefinition(data)
	if err != nil {
		t.Fatal(err)
	}
	return def
}

func district(t testing.TB, def *ballot.Definition, id string) *ballot.District {
	t.Helper()
	d, ok := def.District(id)
	if !ok {
		t.Fatalf("no district %s", id)
	}
	return d
}

// split shares total out by weights, the remainder to the first.
func split(total int64, weights []int64) []int64 {
	var sum, given int64
	for _, w := range weights {
		sum += w
	}
	out := make([]int64, len(weights))
	for i, w := range weights {
		out[i] = total * w / sum
		given += out[i]
	}
	out[0] += total - given
	return out
}

var (
	mayorWeights   = []int64{38, 33, 19, 10}
	councilWeights = []int64{34, 18, 16, 11, 8, 5, 4, 4}
)

// countOf makes up the count of a contest in a district; i varies the
// figures from district to district.
func countOf(c *ballot.Contest, d *ballot.District, i int, stage ballot.Stage) *ballot.Count {
	n := &ballot.Count{Contest: c.ID, Stage: stage, Version: 1, Votes: map[string]int64{}, EnteredBy: []string{d.ID + "-2", d.ID + "-3"}}
	if d.Kind == ballot.Postal {
		n.B = int64(400 + 13*(i%50))
		n.B1 = n.B
		rejected := map[ballot.RejectReason]int64{ballot.RejectNoValidCard: 2, ballot.RejectDeclarationUnsigned: 3, ballot.RejectSecrecyEndangered: 1}
		n.Postal = &ballot.PostalLetters{Received: n.B + 6, Queried: 11, Admitted: 5, Rejected: 6, RejectedBy: rejected}
	} else {
		r := d.Register
		n.A1, n.A2, n.A3 = r.A1, r.A2, r.A3
		n.B = r.A()*55/100 + int64(i%7)
		n.B1 = r.A2 * 45 / 100
	}
	weights := mayorWeights
	if len(c.Options()) == len(councilWeights) {
		weights = councilWeights
	}
	w := slices.Clone(weights)
	w[i%len(w)] += int64(i % 5) // a little local colour
	if c.Kind == ballot.KindCumulative {
		n.Invalid = n.B/50 + 1
		n.Valid = n.B - n.Invalid
		unchanged := n.Valid * 6 / 10
		changed := n.Valid - unchanged
		n.Unchanged, n.Changed = &unchanged, &changed
		n.CandidateVotes = map[string]int64{}
		for k, votes := range split(n.Valid*38, w) {
			l := c.Lists[k]
			n.Votes[l.ID] = votes
			cw := make([]int64, len(l.Candidates))
			for j := range cw {
				cw[j] = int64(len(cw) - j + 2)
			}
			for j, v := range split(votes, cw) {
				n.CandidateVotes[l.Candidates[j].ID] = v
			}
		}
		return n
	}
	n.Invalid = n.B/100 + 1
	n.Valid = n.B - n.Invalid
	for k, v := range split(n.Valid, w) {
		n.Votes[c.Options()[k].ID] = v
	}
	return n
}

// stationRecord is the final record of district 101: a board with a
// no-show and her replacement, a member away over lunch, turnout reports,
// a Vorfall and a Vorkommnis, both counts and a reason for a warning.
func stationRecord(t testing.TB) reports.StationRecord {
	def := musterstadt(t)
	d := district(t, def, "101")
	newcomer := ballot.Member{ID: "101-7", Name: "Jürgen Öztürk", Role: ballot.RoleAssessor}
	members := append(slices.Clone(d.Roster), newcomer)
	var events []ballot.AttendanceEvent
	for k, m := range d.Roster {
		if m.ID == "101-6" { // Franziska Bauer does not come
			continue
		}
		events = append(events, ballot.AttendanceEvent{At: local(7, 30+k), PersonID: m.ID, Role: m.Role, In: true})
	}
	events = append(events,
		ballot.AttendanceEvent{At: local(7, 52), PersonID: newcomer.ID, Role: newcomer.Role, In: true},
		ballot.AttendanceEvent{At: local(12, 0), PersonID: "101-2"},
		ballot.AttendanceEvent{At: local(13, 0), PersonID: "101-2", Role: ballot.RoleDeputyChair, In: true})
	for _, m := range members {
		if m.ID != "101-6" {
			events = append(events, ballot.AttendanceEvent{At: local(19, 45), PersonID: m.ID})
		}
	}
	opened, closed := local(8, 0), local(18, 0)
	counts := map[string]*ballot.Count{}
	for _, c := range def.ContestsOf(d) {
		counts[c.ID] = countOf(c, d, 1, ballot.StageFinal)
	}
	ob := counts["ob"]
	marks := ob.B - ob.B1 - 1
	ob.Marks = &marks
	ob.Reasons = map[string]string{ballot.FindingMarksDiffer: "Ein Wähler hat ohne Vermerk gewählt; der Schriftführer hat den Vermerk nachgetragen."}
	return reports.StationRecord{
		Election: def.Election, District: *d, WardName: def.Wards[0].Name, Stage: ballot.StageFinal,
		Generated: generated, Members: members, Attendance: events,
		Replacements: []reports.Replacement{{Newcomer: newcomer, Replaces: "101-6", At: local(7, 52), Instructed: true}},
		Opened:       &opened, Closed: &closed,
		Turnouts: []ballot.Turnout{
			{Slot: "10:00", At: local(10, 2), Voters: 212}, {Slot: "12:00", At: local(12, 1), Voters: 431},
			{Slot: "14:00", At: local(14, 3), Voters: 618}, {Slot: "16:00", At: local(16, 0), Voters: 802},
		},
		Incidents: []ballot.Incident{
			{At: local(9, 15), Text: "Ein Wähler hatte seine Wahlbenachrichtigung vergessen und wies sich mit dem Personalausweis aus; er durfte wählen."},
			{At: local(18, 20), Text: "Beim Leeren der Urne fand sich ein Stimmzettel des Stadtrats ohne Kennzeichnung der Größe; dem Wahlamt gemeldet."},
		},
		Contests:    reports.StationContests(def, d, counts),
		Fingerprint: fingerprint("record 101 final"),
	}
}

// postalRecord is the quick report of postal district 901.
func postalRecord(t testing.TB) reports.StationRecord {
	def := musterstadt(t)
	d := district(t, def, "901")
	members := []ballot.Member{
		{ID: "901-1", Name: "Gülay Aßmann-Großhäuser", Role: ballot.RoleChair},
		{ID: "901-2", Name: "Björn Weiß", Role: ballot.RoleSecretary},
		{ID: "901-3", Name: "Ursula Müller", Role: ballot.RoleAssessor},
	}
	var events []ballot.AttendanceEvent
	for k, m := range members {
		events = append(events, ballot.AttendanceEvent{At: local(14, k), PersonID: m.ID, Role: m.Role, In: true})
	}
	counts := map[string]*ballot.Count{}
	for _, c := range def.ContestsOf(d) {
		counts[c.ID] = countOf(c, d, 3, ballot.StageQuick)
	}
	return reports.StationRecord{
		Election: def.Election, District: *d, WardName: def.Wards[0].Name, Stage: ballot.StageQuick,
		Generated: generated, Members: members, Attendance: events,
		Contests: reports.StationContests(def, d, counts),
	}
}

// resultSheet sums made-up counts of every district but three, as the
// tally does, into the official result sheet.
func resultSheet(t testing.TB) reports.ResultSheet {
	def := musterstadt(t)
	missing := map[string]bool{"109": true, "507": true, "910": true}
	s := reports.ResultSheet{Election: def.Election, Generated: generated, Wards: def.Wards,
		Fingerprint: fingerprint("records of musterstadt-2026")}
	for _, b := range def.Ballots {
		for ci := range b.Contests {
			c := &b.Contests[ci]
			total, byKind, byWard := ballot.Totals{}, map[ballot.DistrictKind]ballot.Totals{ballot.InPerson: {}, ballot.Postal: {}}, map[string]ballot.Totals{}
			cs := reports.ContestSheet{Contest: *c}
			for i := range def.Districts {
				d := &def.Districts[i]
				cs.Districts++
				row := reports.DistrictRow{ID: d.ID, Name: d.Name, Ward: d.Ward, Kind: d.Kind}
				if !missing[d.ID] {
					row.Numbers = ballot.TotalsOf(countOf(c, d, i, ballot.StageFinal))
					total.Merge(row.Numbers)
					byKind[d.Kind].Merge(row.Numbers)
					if byWard[d.Ward] == nil {
						byWard[d.Ward] = ballot.Totals{}
					}
					byWard[d.Ward].Merge(row.Numbers)
				}
				cs.Annex = append(cs.Annex, row)
			}
			cs.Total = ballot.Outcome(c, total)
			cs.InPerson = ballot.Outcome(c, byKind[ballot.InPerson])
			cs.Postal = ballot.Outcome(c, byKind[ballot.Postal])
			for _, w := range def.Wards {
				cs.Wards = append(cs.Wards, reports.WardResult{Ward: w.ID, Name: w.Name, Result: ballot.Outcome(c, byWard[w.ID])})
			}
			s.Contests = append(s.Contests, cs)
		}
	}
	return s
}

// turnoutReport is the turnout of the in-person stations at the four
// report times, with a station or two late at each.
func turnoutReport(t testing.TB) reports.TurnoutReport {
	def := musterstadt(t)
	r := reports.TurnoutReport{Election: def.Election, Generated: local(16, 30), Wards: def.Wards}
	for si, slot := range def.Election.TurnoutTimes {
		ts := reports.TurnoutSlot{Slot: slot}
		wards := map[string]*reports.WardTurnout{}
		for _, w := range def.Wards {
			wards[w.ID] = &reports.WardTurnout{Ward: w.ID}
		}
		for i, d := range def.Districts {
			if d.Kind != ballot.InPerson {
				continue
			}
			w := wards[d.Ward]
			ts.Of++
			w.Of++
			if (i+si)%9 == 0 { // late
				continue
			}
			a := d.Register.A()
			voters := a * int64(9+11*si+i%4) / 100
			ts.Stations++
			ts.Voters += voters
			ts.Eligible += a
			w.Stations++
			w.Voters += voters
			w.Eligible += a
		}
		for _, w := range def.Wards {
			ts.Wards = append(ts.Wards, *wards[w.ID])
		}
		r.Slots = append(r.Slots, ts)
	}
	return r
}

// staffingReport: 101 with a replacement, 102 below quorum, 103 with a
// no-show, the rest fully staffed.
func staffingReport(t testing.TB) reports.StaffingReport {
	def := musterstadt(t)
	r := reports.StaffingReport{Election: def.Election, Generated: local(10, 30), Wards: def.Wards}
	rules := def.Board
	for _, d := range def.Districts {
		if d.Kind != ballot.InPerson {
			continue
		}
		s := reports.StationStaffing{District: d.ID, Name: d.Name, Ward: d.Ward, Roster: d.Roster}
		present := []ballot.Attendance{
			{PersonID: d.ID + "-1", Role: ballot.RoleChair}, {PersonID: d.ID + "-3", Role: ballot.RoleSecretary},
			{PersonID: d.ID + "-5", Role: ballot.RoleAssessor},
		}
		switch d.ID {
		case "101":
			s.Replacements = []reports.StaffReplacement{{PersonID: "101-7", Name: "Jürgen Öztürk", Replaces: "101-6", At: local(7, 52)}}
			s.NoShows = []string{"101-6"}
		case "102":
			present = present[:1]
			s.NoShows = []string{"102-3", "102-5"}
		case "103":
			s.NoShows = []string{"103-2"}
		}
		s.Present = present
		s.Quorum = ballot.EvaluateQuorum(rules, ballot.PhaseVoting, present)
		s.Alert = !s.Quorum.Met
		r.Stations = append(r.Stations, s)
	}
	return r
}

// allowanceList pays the boards of 101 to 103 by their rosters.
func allowanceList(t testing.TB) reports.AllowanceList {
	def := musterstadt(t)
	l := reports.AllowanceList{Election: def.Election, Generated: local(22, 0), Rates: def.Allowance}
	for _, id := range []string{"101", "102", "103"} {
		d := district(t, def, id)
		var events []ballot.AttendanceEvent
		for k, m := range d.Roster {
			if m.ID == "103-2" {
				continue // did not come
			}
			events = append(events, ballot.AttendanceEvent{At: local(7, 15+3*k), PersonID: m.ID, Role: m.Role, In: true},
				ballot.AttendanceEvent{At: local(19, 10+5*k), PersonID: m.ID})
		}
		periods := reports.Periods(events)
		for _, m := range d.Roster {
			l.People = append(l.People, reports.AllowancePerson{District: d.ID, DistrictName: d.Name, Name: m.Name, Role: m.Role, Periods: periods[m.ID]})
		}
	}
	return l
}
