package sheets_test

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal/sealtest"
	"github.com/wahlkoffer/wahlkoffer/ballot/synthetic"
	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/sqlite"
	"github.com/wahlkoffer/wahlkoffer/station/stationtest"
	"github.com/wahlkoffer/wahlkoffer/tally"
	tallysqlite "github.com/wahlkoffer/wahlkoffer/tally/store/sqlite"
)

// The example town's day and clock (package stationtest).
type clock = stationtest.Clock

var day = stationtest.Day

// tallyNow is the office's clock: 20:00 on election night.
var tallyNow = day(20, 0)

// scenario is the Musterstadt election with a tally on SQLite and the
// station of district 101, which has run its day (see runDay).
type scenario struct {
	svc   *tally.Service
	db    *tallysqlite.DB
	st    *station.Station
	clock *clock
	def   *ballot.Definition
	// hashes names the station's count records: "ob/quick/1",
	// "sr/final/1", ... → envelope hash.
	hashes map[string]string
	srB    int64 // B of the council count
}

func newScenario(t *testing.T) *scenario {
	t.Helper()
	ctx := context.Background()
	definition := stationtest.Musterstadt(t)
	office := sealtest.Signer(t, "sheets office")
	db, err := tallysqlite.Open(ctx, filepath.Join(t.TempDir(), "tally.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := tally.Init(ctx, db, definition, office, day(7, 0)); err != nil {
		t.Fatal(err)
	}
	svc, err := tally.New(ctx, db, office, tally.Options{Clock: func() time.Time { return tallyNow },
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}

	key := sealtest.Signer(t, "sheets station 101")
	if _, err := svc.EnrollKey(ctx, "101", "station-101", key.Public()); err != nil {
		t.Fatal(err)
	}
	e := svc.Election()
	pkg, err := svc.Package(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sealed, pin := stationtest.Kit(t, "101", stationtest.KitOptions{Package: pkg, OfficeKey: e.OfficePublicKey,
		StationKey: key, URLs: []string{}, IssuedAt: day(7, 0)})
	c := stationtest.NewClock(day(7, 30))
	st, err := station.Setup(ctx, filepath.Join(t.TempDir(), "station"), sealed, pin, station.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &scenario{svc: svc, db: db, st: st, clock: c, def: svc.Definition(), hashes: map[string]string{}}
}

// mayorCount is district 101's count of the mayor contest: B 1000 (200
// with a polling card), 10 invalid, 990 valid.
func mayorCount() ballot.Count { return stationtest.MayorCount() }

// runDay plays district 101's day on the station's clock:
//
//	07:30 101-1 … 101-5 check in
//	07:45 Anna Berger (101-6e) replaces the no-show 101-6, instructed
//	08:00 polls open
//	10:02 turnout for 10:00: 312 voters
//	11:15 incident; 101-4 checked out at 11:00
//	17:30 101-4 back
//	18:00 polls close
//	18:45 ob quick report, 18:50 sr quick report
//	19:30 ob final record, 19:35 sr final record
//	19:40 ob final record version 2 (marks counted: a warning with a reason)
//	19:45 everyone present checks out
func (s *scenario) runDay(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	st, d := s.st, s.st.District()
	at := func(h, m int) { s.clock.Set(day(h, m)) }
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	enter := func(contest string, c ballot.Count) {
		t.Helper()
		for _, who := range []string{"101-1", "101-3"} {
			res, err := st.EnterCount(ctx, contest, who, c)
			must("entry of "+contest+" by "+who, err)
			if who == "101-3" && !res.Agreed {
				t.Fatalf("the entries of %s do not agree: %v", contest, res.Diffs)
			}
		}
	}
	submit := func(contest string, stage ballot.Stage, version int, o station.SubmitOptions) {
		t.Helper()
		c, err := st.Submit(ctx, contest, stage, o)
		must("submit "+contest, err)
		if c.Version != version {
			t.Fatalf("%s %s: version %d, want %d", contest, stage, c.Version, version)
		}
	}
	at(7, 30)
	for _, id := range []string{"101-1", "101-2", "101-3", "101-4", "101-5"} {
		_, err := st.CheckIn(ctx, id, time.Time{})
		must("check-in "+id, err)
	}
	at(7, 45)
	_, err := st.Replace(ctx, "101-6", ballot.Member{ID: "101-6e", Name: "Anna Berger", Role: ballot.RoleAssessor}, true, time.Time{})
	must("replace", err)
	at(8, 0)
	_, err = st.OpenPolls(ctx, time.Time{})
	must("open", err)
	at(10, 2)
	_, err = st.ReportTurnout(ctx, "10:00", 312, time.Time{})
	must("turnout", err)
	at(11, 15)
	_, err = st.LogIncident(ctx, "Wähler ohne Ausweis abgewiesen", time.Time{})
	must("incident", err)
	_, err = st.CheckOut(ctx, "101-4", day(11, 0))
	must("check-out 101-4", err)
	at(17, 30)
	_, err = st.CheckIn(ctx, "101-4", time.Time{})
	must("check-in 101-4", err)
	at(18, 0)
	_, err = st.ClosePolls(ctx, time.Time{})
	must("close", err)

	council := synthetic.Counts(rand.New(rand.NewPCG(1, 101)), s.def, d)["sr"]
	s.srB = council.B
	at(18, 45)
	enter("ob", mayorCount())
	submit("ob", ballot.StageQuick, 1, station.SubmitOptions{})
	at(18, 50)
	enter("sr", council)
	submit("sr", ballot.StageQuick, 1, station.SubmitOptions{})
	at(19, 30)
	submit("ob", ballot.StageFinal, 1, station.SubmitOptions{})
	at(19, 35)
	submit("sr", ballot.StageFinal, 1, station.SubmitOptions{})
	at(19, 40)
	corrected := mayorCount()
	marks := int64(700)
	corrected.Marks = &marks
	enter("ob", corrected)
	submit("ob", ballot.StageFinal, 2, station.SubmitOptions{CorrectionReason: "Stimmabgabevermerke nachgezählt",
		Reasons: map[string]string{"marks-plus-cards-differ": "Vermerk bei Wählern übersehen"}})
	at(19, 45)
	for _, id := range []string{"101-1", "101-2", "101-3", "101-4", "101-5", "101-6e"} {
		_, err := st.CheckOut(ctx, id, time.Time{})
		must("check-out "+id, err)
	}

	state, err := st.State(ctx)
	must("state", err)
	for _, r := range state.Records {
		if r.Kind != string(ballot.RecordCount) {
			continue
		}
		rec, err := ballot.DecodeRecord(ballot.Payload{Header: ballot.Header{Kind: ballot.RecordKind(r.Kind)}, Body: r.Body})
		must("decode", err)
		c := rec.Body.(*ballot.Count)
		s.hashes[c.Contest+"/"+string(c.Stage)+"/"+strconv.Itoa(c.Version)] = r.EnvelopeHash
		if r.EnvelopeHash != seal.EnvelopeHash(r.Envelope) {
			t.Fatalf("record %d: stored hash %s, envelope hashes to %s", r.Seq, r.EnvelopeHash, seal.EnvelopeHash(r.Envelope))
		}
	}
	if len(s.hashes) != 5 {
		t.Fatalf("count records: %v, want 5", s.hashes)
	}
}

// deliver hands every record of the station to the tally, as a USB
// bundle's import does.
func (s *scenario) deliver(t *testing.T) []sqlite.Record {
	t.Helper()
	ctx := context.Background()
	state, err := s.st.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range state.Records {
		if _, err := s.svc.Ingest(ctx, r.Envelope, "import"); err != nil {
			t.Fatalf("ingest record %d: %v", r.Seq, err)
		}
	}
	return state.Records
}
