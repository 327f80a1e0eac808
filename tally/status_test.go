package tally_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

func (f *fixture) checkIn(district, id, name string, role ballot.Role, at time.Time, replaces string) {
	f.t.Helper()
	f.ingest(f.seal(district, ballot.RecordCheckIn, &ballot.CheckIn{Person: ballot.Member{ID: id, Name: name, Role: role},
		At: at, Replaces: replaces, Instructed: replaces != ""}))
}

func findStation(t *testing.T, st tally.Status, district string) tally.StationStaffing {
	t.Helper()
	for _, s := range st.Staffing.Stations {
		if s.District == district {
			return s
		}
	}
	t.Fatalf("no station %s in the staffing", district)
	return tally.StationStaffing{}
}

func TestStatus_ProgressStaffingTurnoutIncidentsAndEquivocations(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st, "101", "102", "901")
		morning := time.Date(2026, 3, 8, 6, 30, 0, 0, time.UTC) // 07:30 in Berlin
		// 101: chair, secretary, deputy secretary, an assessor and a
		// replacement for the assessor 101-5 who did not come; 101-2 never came.
		f.checkIn("101", "101-1", "Petra Weber", ballot.RoleChair, morning, "")
		f.checkIn("101", "101-3", "Maria Bauer", ballot.RoleSecretary, morning, "")
		f.checkIn("101", "101-4", "Jörg Schneider", ballot.RoleDeputySecretary, morning, "")
		f.checkIn("101", "101-6", "Franziska Bauer", ballot.RoleAssessor, morning, "")
		f.checkIn("101", "r-1", "Ersatz Eins", ballot.RoleAssessor, morning.Add(20*time.Minute), "101-5")
		// 102: three in the morning, one left at noon (11:00 UTC).
		f.checkIn("102", "102-1", "Chair", ballot.RoleChair, morning, "")
		f.checkIn("102", "102-3", "Secretary", ballot.RoleSecretary, morning, "")
		f.checkIn("102", "102-5", "Assessor", ballot.RoleAssessor, morning, "")
		f.ingest(f.seal("102", ballot.RecordCheckOut, &ballot.CheckOut{PersonID: "102-5", At: morning.Add(4*time.Hour + 30*time.Minute)}))

		ten := time.Date(2026, 3, 8, 9, 0, 0, 0, time.UTC)
		f.ingest(f.seal("101", ballot.RecordTurnout, &ballot.Turnout{Slot: "10:00", At: ten, Voters: 100}))
		f.ingest(f.seal("101", ballot.RecordTurnout, &ballot.Turnout{Slot: "10:00", At: ten.Add(5 * time.Minute), Voters: 110})) // corrected
		f.ingest(f.seal("102", ballot.RecordTurnout, &ballot.Turnout{Slot: "10:00", At: ten, Voters: 50}))
		f.ingest(f.seal("101", ballot.RecordTurnout, &ballot.Turnout{Slot: "12:00", At: ten.Add(2 * time.Hour), Voters: 300}))
		f.ingest(f.seal("102", ballot.RecordIncident, &ballot.Incident{At: ten, Text: "Wahlkabine 2 wackelt"}))

		// At 10:45 Berlin: voting, quorum 3.
		f.now = time.Date(2026, 3, 8, 9, 45, 0, 0, time.UTC)
		s, err := f.svc.Status(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		s101, s102 := findStation(t, s, "101"), findStation(t, s, "102")
		if s101.Quorum.Phase != ballot.PhaseVoting || !s101.Quorum.Met || s101.Quorum.Present != 5 {
			t.Errorf("101 at 10:45: %+v", s101.Quorum)
		}
		if !s102.Quorum.Met || s102.Quorum.Present != 3 {
			t.Errorf("102 at 10:45: %+v", s102.Quorum)
		}
		if slices.Contains(s.Staffing.BelowQuorum, "101") || slices.Contains(s.Staffing.BelowQuorum, "102") {
			t.Errorf("below quorum at 10:45: %v", s.Staffing.BelowQuorum)
		}
		if !slices.Contains(s.Staffing.BelowQuorum, "103") {
			t.Errorf("103 has nobody and is not below quorum: %v", s.Staffing.BelowQuorum)
		}
		if len(s101.Replacements) != 1 || s101.Replacements[0].Replaces != "101-5" || s101.Replacements[0].PersonID != "r-1" {
			t.Errorf("replacements %+v", s101.Replacements)
		}
		if !slices.Equal(s101.NoShows, []string{"101-2", "101-5"}) {
			t.Errorf("no-shows %v", s101.NoShows)
		}
		for _, st := range s.Staffing.Stations {
			if st.District == "901" {
				t.Error("a postal district is in the staffing of the stations")
			}
		}

		// At 12:30 Berlin the assessor of 102 has left: 2 of 3.
		f.now = time.Date(2026, 3, 8, 11, 30, 0, 0, time.UTC)
		s, _ = f.svc.Status(f.ctx)
		if q := findStation(t, s, "102").Quorum; q.Met || q.Present != 2 || !slices.Contains(s.Staffing.BelowQuorum, "102") {
			t.Errorf("102 at 12:30: %+v, below %v", q, s.Staffing.BelowQuorum)
		}

		// Turnout: the newest report of a slot stands.
		if len(s.Turnout) != 4 {
			t.Fatalf("turnout slots %+v", s.Turnout)
		}
		ts := s.Turnout[0]
		if ts.Slot != "10:00" || ts.Stations != 2 || ts.Voters != 160 || ts.Of != 40 {
			t.Errorf("10:00: %+v", ts)
		}
		d101, _ := f.def.District("101")
		d102, _ := f.def.District("102")
		if ts.Eligible != d101.Register.A()+d102.Register.A() {
			t.Errorf("eligible %d", ts.Eligible)
		}
		if ts.Wards[0].Ward != "1" || ts.Wards[0].Voters != 160 || ts.Wards[0].Of != 9 || ts.Wards[1].Stations != 0 {
			t.Errorf("wards at 10:00: %+v", ts.Wards)
		}
		if s.Turnout[1].Slot != "12:00" || s.Turnout[1].Voters != 300 || s.Turnout[1].Stations != 1 {
			t.Errorf("12:00: %+v", s.Turnout[1])
		}
		if len(s.Incidents) != 1 || s.Incidents[0].District != "102" || s.Incidents[0].Text != "Wahlkabine 2 wackelt" || s.Incidents[0].AfterClose {
			t.Errorf("incidents %+v", s.Incidents)
		}

		// Evening: quick report of the mayor in 101, final in 102; counting
		// phase, quorum 5.
		f.now = electionDay
		f.ingest(f.seal("101", ballot.RecordCount, f.mayorCount("101", ballot.StageQuick, 1, 600, [4]int64{300, 150, 100, 44})))
		f.ingest(f.seal("102", ballot.RecordCount, f.mayorCount("102", ballot.StageFinal, 1, 500, [4]int64{200, 150, 100, 44})))
		// An equivocation of 102.
		s102st := f.stations["102"]
		_, err = f.svc.Ingest(f.ctx, f.sealSeq(s102st, 1, ballot.RecordIncident, &ballot.Incident{At: f.now, Text: "x"}), tally.ViaHTTP)
		wantRefusal(t, err, tally.CodeSeqConflict, 409)

		s, err = f.svc.Status(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if q := findStation(t, s, "101").Quorum; q.Phase != ballot.PhaseCounting || !q.Met {
			t.Errorf("101 in the evening: %+v", q)
		}
		if len(s.Equivocations) != 1 || s.Equivocations[0].District != "102" || s.Rejections != 1 {
			t.Errorf("equivocations %+v, rejections %d", s.Equivocations, s.Rejections)
		}
		p := s.Progress
		// 101 and 102 reported the mayor and not the council: partial.
		if p.Districts != 50 || p.None != 48 || p.Partial != 2 || p.Quick != 0 || p.Final != 0 {
			t.Errorf("progress %d: none %d partial %d quick %d final %d", p.Districts, p.None, p.Partial, p.Quick, p.Final)
		}
		ob := p.Contests[0]
		if ob.Contest != "ob" || ob.Districts != 50 || ob.Reported != 2 || ob.Final != 1 {
			t.Errorf("progress of ob %+v", ob)
		}
		for _, d := range p.ByDistrict {
			want := map[string]string{"101": tally.StageQuick, "102": tally.StageFinal}[d.District]
			if want == "" {
				want = tally.StageNone
			}
			if d.Contests["ob"] != want || d.Contests["sr"] != tally.StageNone {
				t.Errorf("district %s: %v", d.District, d.Contests)
			}
			if reported := want != tally.StageNone; reported != (d.Stage == tally.StagePartial) {
				t.Errorf("district %s: stage %s", d.District, d.Stage)
			}
		}
	})
}

func TestStatus_AStationWithAContestLeftToCountStillNeedsItsBoard(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st, "101")
		f.ingest(f.seal("101", ballot.RecordCount, f.mayorCount("101", ballot.StageFinal, 1, 600, [4]int64{300, 150, 100, 44})))
		s, err := f.svc.Status(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		// The council is still missing, so the board must still be there.
		if !slices.Contains(s.Staffing.BelowQuorum, "101") {
			t.Errorf("101 has no board and a contest to count: %v", s.Staffing.BelowQuorum)
		}
		// The morning after, staffing is history: nobody is sent anywhere.
		f.now = f.now.AddDate(0, 0, 2)
		if s, err = f.svc.Status(f.ctx); err != nil {
			t.Fatal(err)
		}
		if len(s.Staffing.BelowQuorum) != 0 {
			t.Errorf("alerts two days later: %v", s.Staffing.BelowQuorum)
		}
	})
}

// Notes after a station's polls closed are Vorkommnisse, before Vorfälle;
// the office sees them all in the order of their time.
func TestStatus_IncidentsAreListedByTimeAndMarkedAfterTheClose(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st, "101", "102")
		at := func(h, m int) time.Time { return time.Date(2026, 3, 8, h, m, 0, 0, time.UTC) }
		f.ingest(f.seal("101", ballot.RecordPollsClosed, &ballot.PollsClosed{At: at(17, 0)}))
		f.ingest(f.seal("101", ballot.RecordIncident, &ballot.Incident{At: at(17, 10), Text: "Zählung unterbrochen"}))
		f.ingest(f.seal("102", ballot.RecordIncident, &ballot.Incident{At: at(17, 5), Text: "Stromausfall"}))
		f.ingest(f.seal("101", ballot.RecordIncident, &ballot.Incident{At: at(9, 0), Text: "Urne verspätet versiegelt"}))
		s, err := f.svc.Status(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, in := range s.Incidents {
			got = append(got, fmt.Sprintf("%s %s %v", in.District, in.At.Format("15:04"), in.AfterClose))
		}
		want := []string{"101 09:00 false", "102 17:05 false", "101 17:10 true"}
		if !slices.Equal(got, want) {
			t.Errorf("incidents %v, want %v", got, want)
		}
	})
}
