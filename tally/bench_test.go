package tally_test

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/synthetic"
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

// BenchmarkIngestGroupCommit takes final counts of different districts in
// from 32 concurrent callers with group commit (one writer), the way
// `tally serve` runs on SQLite: the figure to compare with BenchmarkIngest.
func BenchmarkIngestGroupCommit(b *testing.B) {
	db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "tally.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	f := newFixture(b, db)
	for _, d := range f.def.Districts {
		f.enroll(d.ID, "laptop")
	}
	rng := rand.New(rand.NewPCG(1, 1))
	envs := make([][]byte, b.N)
	for i := range envs {
		d := &f.def.Districts[i%len(f.def.Districts)]
		c := synthetic.Counts(rng, f.def, d)["ob"]
		c.Stage, c.Version, c.EnteredBy = ballot.StageFinal, i/len(f.def.Districts)+1, []string{"m1", "m2"}
		if c.Version > 1 {
			c.CorrectionReason = "Berichtigung nach Nachzählung"
		}
		for _, fd := range ballot.CheckCount(f.def, d, &c, ballot.CheckContext{}) {
			if fd.Severity == ballot.SeverityWarning {
				c.Reasons = map[string]string{fd.Code: "Begründung des Wahlvorstands"}
			}
		}
		envs[i] = f.seal(d.ID, ballot.RecordCount, &c)
	}
	svc, err := tally.New(f.ctx, db, f.office, tally.Options{Clock: func() time.Time { return f.now },
		Logger: slog.New(slog.DiscardHandler), GroupCommit: tally.GroupCommit{Writers: 1}})
	if err != nil {
		b.Fatal(err)
	}
	defer svc.Close()
	b.ResetTimer()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(envs) {
					return
				}
				if _, err := svc.Ingest(f.ctx, envs[i], tally.ViaHTTP); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
