package tally_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal/sealtest"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// electionDay is the example town's election day, 18:30 Berlin time.
var electionDay = time.Date(2026, 3, 8, 17, 30, 0, 0, time.UTC)

func signer(t testing.TB, label string) seal.Signer { return sealtest.Signer(t, label) }

// station is an enrolled laptop of the fixture.
type station struct {
	district string
	id       string
	key      seal.Signer
	seq      uint64
}

// fixture is the example town's office on a real store, with stations
// enrolled for a few districts.
type fixture struct {
	t        testing.TB
	ctx      context.Context
	st       store.Store
	svc      *tally.Service
	office   seal.Signer
	def      *ballot.Definition
	election store.Election
	now      time.Time
	stations map[string]*station
}

func newFixture(t testing.TB, st store.Store, districts ...string) *fixture {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "musterstadt.json"))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, ctx: context.Background(), st: st, office: signer(t, "office"), now: electionDay, stations: map[string]*station{}}
	f.election, err = tally.Init(f.ctx, st, data, f.office, f.now)
	if err != nil {
		t.Fatal(err)
	}
	f.svc, err = tally.New(f.ctx, st, f.office, tally.Options{Clock: func() time.Time { return f.now }, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	f.def = f.svc.Definition()
	for _, d := range districts {
		f.enroll(d, "laptop")
	}
	return f
}

func (f *fixture) enroll(district, label string) *station {
	f.t.Helper()
	s := &station{district: district, id: "station-" + district + "-" + label, key: signer(f.t, district+label)}
	if _, err := f.svc.EnrollKey(f.ctx, district, s.id, s.key.Public()); err != nil {
		f.t.Fatal(err)
	}
	f.stations[district] = s
	return s
}

// seal signs a record of the district's station with the next sequence
// number.
func (f *fixture) seal(district string, kind ballot.RecordKind, body any) []byte {
	f.t.Helper()
	s := f.stations[district]
	s.seq++
	return f.sealSeq(s, s.seq, kind, body)
}

func (f *fixture) sealSeq(s *station, seq uint64, kind ballot.RecordKind, body any) []byte {
	f.t.Helper()
	env, err := seal.SealRecord(s.key, ballot.Header{
		ElectionID: f.election.ID, PackageHash: f.election.PackageHash, District: s.district,
		Station: s.id, Seq: seq, Time: f.now, Kind: kind,
	}, body)
	if err != nil {
		f.t.Fatal(err)
	}
	return env
}

func (f *fixture) ingest(env []byte) []byte {
	f.t.Helper()
	acc, err := f.svc.Ingest(f.ctx, env, tally.ViaHTTP)
	if err != nil {
		f.t.Fatalf("ingest: %v", err)
	}
	return acc.Receipt
}

// mayorCount is a consistent count of the mayor contest for an in-person
// district of the example town: B voters, of whom 6 invalid, the valid
// votes split as given (they must add up to B − 6).
func (f *fixture) mayorCount(district string, stage ballot.Stage, version int, b int64, votes [4]int64) *ballot.Count {
	f.t.Helper()
	d, ok := f.def.District(district)
	if !ok || d.Register == nil {
		f.t.Fatalf("no in-person district %s", district)
	}
	c := &ballot.Count{
		Contest: "ob", Stage: stage, Version: version,
		A1: d.Register.A1, A2: d.Register.A2, A3: d.Register.A3, B: b, B1: b / 6,
		Invalid: 6, Valid: b - 6,
		Votes:     map[string]int64{"ob-1": votes[0], "ob-2": votes[1], "ob-3": votes[2], "ob-4": votes[3]},
		EnteredBy: []string{"m1", "m2"},
	}
	if version > 1 {
		c.CorrectionReason = "Zählfehler bei der Nachzählung berichtigt"
	}
	return c
}
