package tally_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/evidence"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// The results recomputed from the evidence file alone equal the office's.
func TestExportEvidence_AuditEqualsResults(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		districts := []string{"101", "102", "201", "202"}
		f := newFixture(t, st, districts...)
		envs := randomRecords(f, rand.New(rand.NewPCG(5, 5)), districts, 40)
		// A replaced laptop: what the old key sent before stays valid.
		f.ingest(envs[0])
		f.now = f.now.Add(1)
		f.enroll("101", "replacement")
		for _, e := range envs[1:] {
			if _, err := f.svc.Ingest(f.ctx, e, tally.ViaHTTP); err != nil && !isKeyRevoked(err) {
				t.Fatal(err)
			}
		}
		f.ingest(f.seal("101", ballot.RecordCount, f.mayorCount("101", ballot.StageFinal, 3, 600, [4]int64{300, 150, 100, 44})))
		// The certification of the mayor contest travels in the manifest,
		// so the audit shows it certified as the results do.
		if err := f.svc.CertifyIncomplete(f.ctx, "ob", "Wahlausschuss", "a test with four districts"); err != nil {
			t.Fatal(err)
		}

		var buf bytes.Buffer
		n, err := f.svc.ExportEvidence(f.ctx, &buf)
		if err != nil {
			t.Fatal(err)
		}
		if stored, _ := st.EnvelopeCount(f.ctx); int64(n) != stored {
			t.Fatalf("exported %d records, the store holds %d", n, stored)
		}
		if _, err := evidence.Read(bytes.NewReader(buf.Bytes()), f.office.Public(), nil); err != nil {
			t.Fatalf("the export does not read back: %v", err)
		}
		audit, err := tally.AuditEvidence(bytes.NewReader(buf.Bytes()), f.office.Public())
		if err != nil {
			t.Fatal(err)
		}
		if audit.Records != n {
			t.Errorf("audit replayed %d records, want %d", audit.Records, n)
		}
		for _, view := range []string{tally.ViewBest, tally.ViewFinal, tally.ViewQuick} {
			want, err := f.svc.Results(f.ctx, view)
			if err != nil {
				t.Fatal(err)
			}
			got, err := audit.Results(view)
			if err != nil {
				t.Fatal(err)
			}
			got.Generated = want.Generated
			if st := got.Contests[0].Status(); st != want.Contests[0].Status() || !got.Contests[0].Certified {
				t.Fatalf("view %s: audit says %s, results %s", view, st, want.Contests[0].Status())
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("view %s: audit %+v\nresults %+v", view, got.Contests[0].Total, want.Contests[0].Total)
			}
		}
	})
}

func isKeyRevoked(err error) bool {
	var te *tally.Error
	return errors.As(err, &te) && te.Code == tally.CodeKeyRevoked
}

// Any flipped byte makes the file fail to read, wherever it is.
func TestExportEvidence_AFlippedByteIsFound(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st, "101", "102")
		for _, e := range randomRecords(f, rand.New(rand.NewPCG(6, 6)), []string{"101", "102"}, 6) {
			f.ingest(e)
		}
		var buf bytes.Buffer
		if _, err := f.svc.ExportEvidence(f.ctx, &buf); err != nil {
			t.Fatal(err)
		}
		file := buf.Bytes()
		r := rand.New(rand.NewPCG(1, 1))
		for range 40 {
			bad := bytes.Clone(file)
			i := r.IntN(len(bad))
			bad[i] ^= byte(1 << r.IntN(8))
			if _, err := evidence.Read(bytes.NewReader(bad), f.office.Public(), nil); err == nil {
				t.Fatalf("a flipped bit at byte %d went unnoticed", i)
			}
			if _, err := tally.AuditEvidence(bytes.NewReader(bad), nil); err == nil {
				t.Fatalf("audit took a flipped bit at byte %d", i)
			}
		}
	})
}
