package tally_test

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// A replacement laptop numbers its versions afresh: its final record,
// version 1, takes the place of the broken laptop's version 3, however the
// records arrive; verify and the evidence agree.
func TestReplacementLaptop_ItsCountTakesThePlaceOfTheOldLaptops(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st, "101")
		var oldEnvs [][]byte
		for v := 1; v <= 3; v++ {
			oldEnvs = append(oldEnvs, f.seal("101", ballot.RecordCount,
				f.mayorCount("101", ballot.StageFinal, v, 600, [4]int64{300, 150, 100, 44})))
		}
		// Only the first two reach the office before the laptop breaks.
		f.ingest(oldEnvs[0])
		f.ingest(oldEnvs[1])
		f.now = f.now.Add(time.Hour)
		f.enroll("101", "replacement")
		f.ingest(f.seal("101", ballot.RecordCount,
			f.mayorCount("101", ballot.StageFinal, 1, 600, [4]int64{310, 140, 100, 44})))

		// The old laptop's version 3 arrives late: refused, its key revoked.
		_, err := f.svc.Ingest(f.ctx, oldEnvs[2], tally.ViaImport)
		wantRefusal(t, err, tally.CodeKeyRevoked, 403)
		if tally.TryAgain(err) {
			t.Fatal("a revoked key's record is a try-again")
		}

		res, err := f.svc.Results(f.ctx, tally.ViewFinal)
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Contests[0].Total.Options[0].Votes; got != 310 {
			t.Fatalf("ob-1 has %d votes: the old laptop's version 2 is still current, want the replacement's 310", got)
		}
		counts, _ := st.CurrentCounts(f.ctx)
		if len(counts) != 1 || counts[0].Version != 1 || counts[0].KeyEnrolledAt.IsZero() {
			t.Fatalf("current counts %+v", counts)
		}

		report, err := f.svc.Verify(f.ctx)
		if err != nil || !report.OK() {
			t.Fatalf("verify: %v %v", report.Differences, err)
		}
		var buf bytes.Buffer
		if _, err := f.svc.ExportEvidence(f.ctx, &buf); err != nil {
			t.Fatal(err)
		}
		audit, err := tally.AuditEvidence(&buf, f.office.Public())
		if err != nil {
			t.Fatal(err)
		}
		got, _ := audit.Results(tally.ViewFinal)
		got.Generated = res.Generated
		if !reflect.DeepEqual(got, res) {
			t.Fatalf("the evidence gives other results than the office: %+v", got.Contests[0].Total.Options)
		}
	})
}

// An office clock that reads earlier than a key's enrollment would make
// evidence of a record received before its key existed: the record is
// turned away with "try again" (503), not refused for good nor kept as a
// refusal, and taken in once the clock is right.
func TestIngest_AnOfficeClockBehindTheEnrollmentSaysTryAgain(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st, "101")
		enrolled := f.now
		f.now = enrolled.Add(-24 * time.Hour)
		env := f.seal("101", ballot.RecordIncident, &ballot.Incident{At: enrolled, Text: "Uhr des Wahlamts falsch gestellt"})
		_, err := f.svc.Ingest(f.ctx, env, tally.ViaHTTP)
		wantRefusal(t, err, tally.CodeOfficeClockBehind, 503)
		if !tally.TryAgain(err) {
			t.Fatal("a 503 is not a try-again")
		}
		if rej, _ := st.Rejections(f.ctx); len(rej) != 0 {
			t.Fatalf("kept as a refusal: %+v", rej)
		}
		f.now = enrolled.Add(time.Minute)
		f.ingest(env)
		var buf bytes.Buffer
		if _, err := f.svc.ExportEvidence(f.ctx, &buf); err != nil {
			t.Fatalf("the evidence does not export: %v", err)
		}
	})
}
