package sheets_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/evidence"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/sheets"
	"github.com/wahlkoffer/wahlkoffer/reports"
	"github.com/wahlkoffer/wahlkoffer/station/stationtest"
	"github.com/wahlkoffer/wahlkoffer/tally"
)

// sha256Lines is the fingerprint of a result sheet computed by hand: the
// SHA-256 of the hashes, sorted, one per line.
func sha256Lines(hashes ...string) string {
	slices.Sort(hashes)
	sum := sha256.Sum256([]byte(strings.Join(hashes, "\n") + "\n"))
	return hex.EncodeToString(sum[:])
}

func TestFingerprint(t *testing.T) {
	for _, tc := range []struct {
		hashes []string
		want   string
	}{
		// SHA-256 of nothing.
		{nil, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		// SHA-256 of "a\nb\n", whatever the order given.
		{[]string{"b", "a"}, "911169ddaaf146aff539f58c26c489af3b892dff0fe283c1c264c65ae5aa59a2"},
		{[]string{"a", "b"}, "911169ddaaf146aff539f58c26c489af3b892dff0fe283c1c264c65ae5aa59a2"},
	} {
		if got := sheets.Fingerprint(tc.hashes); got != tc.want {
			t.Errorf("Fingerprint(%q) = %s, want %s", tc.hashes, got, tc.want)
		}
	}
	in := []string{"b", "a"}
	sheets.Fingerprint(in)
	if in[0] != "b" {
		t.Error("Fingerprint sorted its argument in place")
	}
}

func TestResultSheet(t *testing.T) {
	ctx := context.Background()
	s := newScenario(t)
	s.runDay(t)
	s.deliver(t)

	sheet, err := sheets.ResultSheet(ctx, s.svc, s.db, tally.ViewBest)
	if err != nil {
		t.Fatal(err)
	}
	if sheet.Election.Title != "Kommunalwahl Musterstadt 2026" || !sheet.Generated.Equal(tallyNow) || len(sheet.Wards) != 5 {
		t.Errorf("election %q, generated %v, %d wards", sheet.Election.Title, sheet.Generated, len(sheet.Wards))
	}
	// Best: the final records, the mayor's in its corrected version.
	if want := sha256Lines(s.hashes["ob/final/2"], s.hashes["sr/final/1"]); sheet.Fingerprint != want {
		t.Errorf("fingerprint %s, want %s", sheet.Fingerprint, want)
	}
	if len(sheet.Contests) != 2 {
		t.Fatalf("%d contests, want 2", len(sheet.Contests))
	}
	ob, sr := sheet.Contests[0], sheet.Contests[1]
	if ob.Contest.ID != "ob" || sr.Contest.ID != "sr" {
		t.Fatalf("contests %s, %s; want ob, sr", ob.Contest.ID, sr.Contest.ID)
	}
	if ob.Districts != 50 || ob.Total.Districts != 1 || ob.Certified {
		t.Errorf("ob: %d of %d districts, certified %v; want 1 of 50, not certified", ob.Total.Districts, ob.Districts, ob.Certified)
	}
	if ob.Total.A != 1944 || ob.Total.B != 1000 || ob.Total.Invalid != 10 || ob.Total.Valid != 990 {
		t.Errorf("ob total A %d B %d C %d D %d; want 1944 1000 10 990", ob.Total.A, ob.Total.B, ob.Total.Invalid, ob.Total.Valid)
	}
	if ob.InPerson.B != 1000 || ob.Postal.B != 0 || ob.Total.Options[1].Name != "Jürgen Öztürk" || ob.Total.Options[1].Votes != 300 {
		t.Errorf("ob in-person B %d, postal B %d, option 2 %+v", ob.InPerson.B, ob.Postal.B, ob.Total.Options[1])
	}
	if len(ob.Wards) != 5 || ob.Wards[0].Name != "Stadtbezirk 1 – Altstadt" || ob.Wards[0].Result.B != 1000 || ob.Wards[1].Result.B != 0 {
		t.Errorf("ob wards: %+v", ob.Wards)
	}
	if sr.Total.B != s.srB {
		t.Errorf("sr B %d, want %d", sr.Total.B, s.srB)
	}
	// The annex: every district of the contest, in the definition's order,
	// with the counts of the view.
	if len(ob.Annex) != 50 {
		t.Fatalf("ob annex: %d rows, want 50", len(ob.Annex))
	}
	row := ob.Annex[0]
	if row.ID != "101" || row.Name != "Wahlbezirk 101 – Grundschule an der Lindenstraße" || row.Ward != "1" || row.Kind != ballot.InPerson {
		t.Errorf("first row %+v", row)
	}
	if row.Numbers[ballot.FieldB] != 1000 || row.Numbers[ballot.OptionField("ob-1")] != 400 || row.Numbers[ballot.FieldA1] != 1409 {
		t.Errorf("101's numbers %v", row.Numbers)
	}
	if ob.Annex[1].ID != "102" || ob.Annex[1].Numbers != nil {
		t.Errorf("102 has not reported: %+v", ob.Annex[1])
	}
	if last := ob.Annex[49]; last.ID != "910" || last.Kind != ballot.Postal {
		t.Errorf("last row %+v", last)
	}

	// Quick: the quick reports, with their own fingerprint.
	quick, err := sheets.ResultSheet(ctx, s.svc, s.db, tally.ViewQuick)
	if err != nil {
		t.Fatal(err)
	}
	if want := sha256Lines(s.hashes["ob/quick/1"], s.hashes["sr/quick/1"]); quick.Fingerprint != want {
		t.Errorf("quick fingerprint %s, want %s", quick.Fingerprint, want)
	}
	if _, err := sheets.ResultSheet(ctx, s.svc, s.db, "draft"); !errors.Is(err, sheets.ErrUnknownView) {
		t.Errorf("view draft: %v, want ErrUnknownView", err)
	}

	// Certified contests are certified on the sheet.
	if err := s.svc.CertifyIncomplete(ctx, "ob", "Wahlausschuss", "a test with one district"); err != nil {
		t.Fatal(err)
	}
	certified, err := sheets.ResultSheet(ctx, s.svc, s.db, tally.ViewFinal)
	if err != nil {
		t.Fatal(err)
	}
	if !certified.Contests[0].Certified || certified.Contests[1].Certified {
		t.Errorf("certified: ob %v, sr %v; want true, false", certified.Contests[0].Certified, certified.Contests[1].Certified)
	}
	if certified.Fingerprint != sheet.Fingerprint {
		t.Errorf("final and best stand on the same records: %s and %s", certified.Fingerprint, sheet.Fingerprint)
	}

	var pdf bytes.Buffer
	if err := reports.WriteResultSheet(&pdf, sheet, ballot.German); err != nil {
		t.Fatalf("the sheet does not render: %v", err)
	}
}

// An observer recomputes the result sheet's fingerprint from the evidence
// file alone, as the comment of Fingerprint says.
func TestResultSheet_FingerprintFromEvidence(t *testing.T) {
	ctx := context.Background()
	s := newScenario(t)
	s.runDay(t)
	s.deliver(t)
	var file bytes.Buffer
	if _, err := s.svc.ExportEvidence(ctx, &file); err != nil {
		t.Fatal(err)
	}
	replay := tally.NewReplay(s.def)
	if _, err := evidence.Read(&file, nil, func(it evidence.Item) error {
		return replay.Add(it.Record, it.EnvelopeHash, it.Key.EnrolledAt)
	}); err != nil {
		t.Fatal(err)
	}
	for _, view := range []string{tally.ViewBest, tally.ViewFinal, tally.ViewQuick} {
		sheet, err := sheets.ResultSheet(ctx, s.svc, s.db, view)
		if err != nil {
			t.Fatal(err)
		}
		if got := sheets.ResultsFingerprint(sheets.ViewCounts(replay.CurrentCounts(), view)); got != sheet.Fingerprint {
			t.Errorf("%s: recomputed %s, the sheet says %s", view, got, sheet.Fingerprint)
		}
	}
}

func TestStationRecord(t *testing.T) {
	ctx := context.Background()
	s := newScenario(t)
	s.runDay(t)
	s.clock.Set(day(19, 50))

	rec, err := sheets.StationRecordFromStation(ctx, s.st, ballot.StageFinal)
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Generated.Equal(day(19, 50)) || rec.Stage != ballot.StageFinal || rec.District.ID != "101" ||
		rec.WardName != "Stadtbezirk 1 – Altstadt" || rec.Election.ID != "musterstadt-2026" {
		t.Errorf("generated %v, stage %s, district %s, ward %q, election %s", rec.Generated, rec.Stage, rec.District.ID, rec.WardName, rec.Election.ID)
	}
	// The newest final count record is the mayor's correction at 19:40.
	if rec.Fingerprint != s.hashes["ob/final/2"] {
		t.Errorf("fingerprint %s, want the hash of ob final v2 %s", rec.Fingerprint, s.hashes["ob/final/2"])
	}
	var names []string
	for _, m := range rec.Members {
		names = append(names, m.Name)
	}
	if want := "Petra Weber, Benedikt Weiß, Maria Bauer, Jörg Schneider, Magdalena Fischer, Franziska Bauer, Anna Berger"; strings.Join(names, ", ") != want {
		t.Errorf("members %s, want %s", strings.Join(names, ", "), want)
	}
	want := []reports.Replacement{{Newcomer: ballot.Member{ID: "101-6e", Name: "Anna Berger", Role: ballot.RoleAssessor},
		Replaces: "101-6", At: day(7, 45).UTC(), Instructed: true}}
	if !reflect.DeepEqual(rec.Replacements, want) {
		t.Errorf("replacements %+v, want %+v", rec.Replacements, want)
	}
	// 6 check-ins at the start, 101-4 out and in, 6 check-outs at 19:45.
	if len(rec.Attendance) != 14 {
		t.Errorf("%d attendance events, want 14", len(rec.Attendance))
	}
	if rec.Opened == nil || !rec.Opened.Equal(day(8, 0)) || rec.Closed == nil || !rec.Closed.Equal(day(18, 0)) {
		t.Errorf("opened %v, closed %v", rec.Opened, rec.Closed)
	}
	if len(rec.Turnouts) != 1 || rec.Turnouts[0].Slot != "10:00" || rec.Turnouts[0].Voters != 312 {
		t.Errorf("turnouts %+v", rec.Turnouts)
	}
	if len(rec.Incidents) != 1 || rec.Incidents[0].Text != "Wähler ohne Ausweis abgewiesen" || !rec.Incidents[0].At.Equal(day(11, 15)) {
		t.Errorf("incidents %+v", rec.Incidents)
	}
	if len(rec.Contests) != 2 {
		t.Fatalf("%d contests, want 2", len(rec.Contests))
	}
	ob, sr := rec.Contests[0], rec.Contests[1]
	if ob.Contest.ID != "ob" || ob.Position != 0 || ob.Count == nil || ob.Count.Version != 2 || *ob.Count.Marks != 700 ||
		ob.Count.B != 1000 || ob.Count.A1 != 1409 || ob.Count.CorrectionReason != "Stimmabgabevermerke nachgezählt" {
		t.Errorf("ob: %+v", ob)
	}
	if !slices.ContainsFunc(ob.Findings, func(f ballot.Finding) bool {
		return f.Code == "marks-plus-cards-differ" && f.Severity == ballot.SeverityWarning
	}) {
		t.Errorf("ob's findings lack the warning its reason answers: %+v", ob.Findings)
	}
	if sr.Contest.ID != "sr" || sr.Count == nil || sr.Count.Stage != ballot.StageFinal || sr.Count.Version != 1 || sr.Count.B != s.srB || len(sr.Findings) != 0 {
		t.Errorf("sr: %+v", sr)
	}

	quick, err := sheets.StationRecordFromStation(ctx, s.st, ballot.StageQuick)
	if err != nil {
		t.Fatal(err)
	}
	// The council's quick report (18:50) came after the mayor's (18:45).
	if quick.Fingerprint != s.hashes["sr/quick/1"] || quick.Contests[0].Count.Stage != ballot.StageQuick || quick.Contests[0].Count.Marks != nil {
		t.Errorf("quick: fingerprint %s (want %s), ob %+v", quick.Fingerprint, s.hashes["sr/quick/1"], quick.Contests[0].Count)
	}
	if _, err := sheets.StationRecordFromStation(ctx, s.st, "draft"); !errors.Is(err, sheets.ErrUnknownStage) {
		t.Errorf("stage draft: %v, want ErrUnknownStage", err)
	}

	for _, lang := range []ballot.Lang{ballot.German, ballot.English} {
		var pdf bytes.Buffer
		if err := reports.WriteStationRecord(&pdf, rec, lang); err != nil {
			t.Fatalf("the record does not render: %v", err)
		}
	}
}

// The office's copy of a station record is the station's own, rebuilt from
// the records the tally accepted, with the same fingerprint.
func TestStationRecord_TallyMatchesStation(t *testing.T) {
	ctx := context.Background()
	s := newScenario(t)
	s.runDay(t)
	s.deliver(t)
	for _, stage := range []ballot.Stage{ballot.StageFinal, ballot.StageQuick} {
		fromStation, err := sheets.StationRecordFromStation(ctx, s.st, stage)
		if err != nil {
			t.Fatal(err)
		}
		fromTally, err := sheets.StationRecordFromTally(ctx, s.svc, s.db, "101", stage)
		if err != nil {
			t.Fatal(err)
		}
		if !fromTally.Generated.Equal(tallyNow) {
			t.Errorf("the office's copy is dated %v, want the tally's clock %v", fromTally.Generated, tallyNow)
		}
		fromTally.Generated = fromStation.Generated
		if !reflect.DeepEqual(fromTally, fromStation) {
			t.Errorf("%s: the office's record differs from the station's:\noffice:  %s\nstation: %s", stage, dump(fromTally), dump(fromStation))
		}
		var a, b bytes.Buffer
		if err := reports.WriteStationRecord(&a, fromStation, ballot.German); err != nil {
			t.Fatal(err)
		}
		if err := reports.WriteStationRecord(&b, fromTally, ballot.German); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: the PDFs of the station and of the office differ", stage)
		}
	}
}

func TestStationRecordFromTally_NothingReported(t *testing.T) {
	ctx := context.Background()
	s := newScenario(t)
	rec, err := sheets.StationRecordFromTally(ctx, s.svc, s.db, "102", ballot.StageFinal)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Fingerprint != "" || len(rec.Members) != 5 || len(rec.Attendance) != 0 || rec.Opened != nil || len(rec.Contests) != 2 || rec.Contests[0].Count != nil {
		t.Errorf("102 before any record: %s", dump(rec))
	}
	if _, err := sheets.StationRecordFromTally(ctx, s.svc, s.db, "999", ballot.StageFinal); !errors.Is(err, sheets.ErrUnknownDistrict) {
		t.Errorf("district 999: %v, want ErrUnknownDistrict", err)
	} else if !strings.Contains(err.Error(), `"999"`) {
		t.Errorf("the error does not name the district: %v", err)
	}
	if _, err := sheets.StationRecordFromTally(ctx, s.svc, s.db, "101", "draft"); !errors.Is(err, sheets.ErrUnknownStage) {
		t.Errorf("stage draft: %v, want ErrUnknownStage", err)
	}
}

func TestTurnoutAndStaffing(t *testing.T) {
	ctx := context.Background()
	s := newScenario(t)
	s.runDay(t)
	s.deliver(t)

	tr, err := sheets.Turnout(ctx, s.svc)
	if err != nil {
		t.Fatal(err)
	}
	if !tr.Generated.Equal(tallyNow) || len(tr.Wards) != 5 || len(tr.Slots) != 4 {
		t.Fatalf("generated %v, %d wards, %d slots", tr.Generated, len(tr.Wards), len(tr.Slots))
	}
	ten := tr.Slots[0]
	if ten.Slot != "10:00" || ten.Stations != 1 || ten.Of != 40 || ten.Voters != 312 || ten.Eligible != 1944 {
		t.Errorf("10:00: %+v", ten)
	}
	if w := ten.Wards[0]; w != (reports.WardTurnout{Ward: "1", Stations: 1, Of: 9, Voters: 312, Eligible: 1944}) {
		t.Errorf("10:00 in ward 1: %+v", w)
	}
	if w := ten.Wards[1]; w != (reports.WardTurnout{Ward: "2", Stations: 0, Of: 8}) {
		t.Errorf("10:00 in ward 2: %+v", w)
	}
	if noon := tr.Slots[1]; noon.Slot != "12:00" || noon.Stations != 0 || noon.Voters != 0 {
		t.Errorf("12:00: %+v", noon)
	}

	sf, err := sheets.Staffing(ctx, s.svc)
	if err != nil {
		t.Fatal(err)
	}
	if !sf.Generated.Equal(tallyNow) || len(sf.Stations) != 40 {
		t.Fatalf("generated %v, %d stations; want 40 in-person stations", sf.Generated, len(sf.Stations))
	}
	st := sf.Stations[0]
	wantRepl := []reports.StaffReplacement{{PersonID: "101-6e", Name: "Anna Berger", Replaces: "101-6", At: day(7, 45).UTC()}}
	if st.District != "101" || st.Ward != "1" || len(st.Roster) != 6 || !reflect.DeepEqual(st.Replacements, wantRepl) ||
		!reflect.DeepEqual(st.NoShows, []string{"101-6"}) {
		t.Errorf("101: %s", dump(st))
	}
	// Everyone left at 19:45; the final records are in, so no alert.
	if len(st.Present) != 0 || st.Quorum.Met || st.Alert {
		t.Errorf("101 at 20:00: present %v, quorum met %v, alert %v; want nobody, false, false", st.Present, st.Quorum.Met, st.Alert)
	}
	// 102 never reported: its board is below quorum, an alert on election
	// night, and all its roster counts as not come.
	if st := sf.Stations[1]; st.District != "102" || !st.Alert || len(st.NoShows) != 5 || len(st.Roster) != 5 {
		t.Errorf("102: %s", dump(st))
	}
	for _, render := range []func() error{
		func() error { return reports.WriteTurnout(&bytes.Buffer{}, tr, ballot.German) },
		func() error { return reports.WriteStaffing(&bytes.Buffer{}, sf, ballot.English) },
	} {
		if err := render(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAllowance(t *testing.T) {
	ctx := context.Background()
	s := newScenario(t)
	s.runDay(t)
	s.deliver(t)
	l, err := sheets.Allowance(ctx, s.svc, s.db)
	if err != nil {
		t.Fatal(err)
	}
	if !l.Generated.Equal(tallyNow) || l.Rates.Currency != "EUR" || l.Rates.PerRole[ballot.RoleChair] != 6000 || l.Rates.PerRole[ballot.RoleAssessor] != 4000 {
		t.Errorf("generated %v, rates %+v", l.Generated, l.Rates)
	}
	type person struct {
		name    string
		role    ballot.Role
		periods string
	}
	var got []person
	for _, p := range l.People {
		if p.District != "101" || p.DistrictName != "Wahlbezirk 101 – Grundschule an der Lindenstraße" {
			t.Errorf("%s is listed for district %s %q", p.Name, p.District, p.DistrictName)
		}
		var ps []string
		for _, pd := range p.Periods {
			ps = append(ps, pd.In.In(stationtest.Berlin).Format("15:04")+"-"+pd.Out.In(stationtest.Berlin).Format("15:04"))
		}
		got = append(got, person{p.Name, p.Role, strings.Join(ps, " ")})
	}
	want := []person{
		{"Petra Weber", ballot.RoleChair, "07:30-19:45"},
		{"Benedikt Weiß", ballot.RoleDeputyChair, "07:30-19:45"},
		{"Maria Bauer", ballot.RoleSecretary, "07:30-19:45"},
		{"Jörg Schneider", ballot.RoleDeputySecretary, "07:30-11:00 17:30-19:45"},
		{"Magdalena Fischer", ballot.RoleAssessor, "07:30-19:45"},
		{"Franziska Bauer", ballot.RoleAssessor, ""}, // did not come: listed, no allowance
		{"Anna Berger", ballot.RoleAssessor, "07:45-19:45"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("people:\n got %+v\nwant %+v", got, want)
	}
	if err := reports.WriteAllowance(&bytes.Buffer{}, l, ballot.German); err != nil {
		t.Fatal(err)
	}

	// Before any check-in the list is empty: no district reported.
	fresh := newScenario(t)
	empty, err := sheets.Allowance(ctx, fresh.svc, fresh.db)
	if err != nil {
		t.Fatal(err)
	}
	if len(empty.People) != 0 {
		t.Errorf("nobody checked in, yet %d people are listed", len(empty.People))
	}
}

// dump shows a value for a failure message, times in UTC.
func dump(v any) string { return fmt.Sprintf("%+v", v) }
