package tally_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/store/sqlite"
)

// BenchmarkIngest takes final counts of the mayor contest in through the
// whole path (verify, decode, check, one durable transaction each) on a
// SQLite file with synchronous=FULL, one after the other.
func BenchmarkIngest(b *testing.B) {
	db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "tally.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	f := newFixture(b, db, "101")
	c := f.mayorCount("101", ballot.StageFinal, 1, 600, [4]int64{300, 150, 100, 44})
	envs := make([][]byte, b.N)
	for i := range envs {
		c.Version = i + 1
		c.CorrectionReason = "Berichtigung nach Nachzählung"
		envs[i] = f.seal("101", ballot.RecordCount, c)
	}
	b.ResetTimer()
	for _, env := range envs {
		if _, err := f.svc.Ingest(f.ctx, env, tally.ViaHTTP); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
