package tally_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/synthetic"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
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
	f, db, envs := benchRecords(b)
	svc := groupCommitService(b, f, db)
	b.ResetTimer()
	concurrently(b, 32, len(envs), func(i int) error {
		_, err := svc.Ingest(f.ctx, envs[i], tally.ViaHTTP)
		return err
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkIngestOverHTTP is BenchmarkIngestGroupCommit through the HTTP
// API on loopback, with the access log encoded (and discarded): the
// server's whole path, the clients on the same cores.
func BenchmarkIngestOverHTTP(b *testing.B) {
	f, db, envs := benchRecords(b)
	svc := groupCommitService(b, f, db)
	url := serveService(b, svc, db) + "/v1/envelopes"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}}
	b.ResetTimer()
	concurrently(b, 32, len(envs), func(i int) error {
		resp, err := client.Post(url, "application/json", bytes.NewReader(envs[i]))
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if _, err := io.Copy(io.Discard, resp.Body); err != nil || resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d, %v", resp.StatusCode, err)
		}
		return nil
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// benchRecords is the example town on a SQLite file with every district
// enrolled, and b.N signed final counts of the mayor contest, district
// after district (later rounds are corrections).
func benchRecords(b *testing.B) (*fixture, *sqlite.DB, [][]byte) {
	db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "tally.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
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
	return f, db, envs
}

func groupCommitService(b *testing.B, f *fixture, db *sqlite.DB) *tally.Service {
	svc, err := tally.New(f.ctx, db, f.office, tally.Options{Clock: func() time.Time { return f.now },
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), GroupCommit: tally.GroupCommit{Writers: 1}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(svc.Close)
	return svc
}

// concurrently runs do(0..n-1) from the given number of goroutines.
func concurrently(b *testing.B, workers, n int, do func(i int) error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := do(i); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// BenchmarkResults100k reads the full results of a generated election of
// 100,000 districts (list council) whose every ward has running totals in
// every shard, every view and both kinds of district: the read after the
// whole night, as large as the rows can get. A stored row holds the fields
// of a ward, shard, view, kind and contest; "values" counts the fields.
//
//	go test ./tally -run '^$' -bench Results100k -benchtime 20x
func BenchmarkResults100k(b *testing.B) {
	ctx := context.Background()
	def, err := synthetic.Generate(synthetic.Options{Districts: 90_000, Postal: 10_000, Seed: 1, Council: synthetic.CouncilList})
	if err != nil {
		b.Fatal(err)
	}
	definition, err := json.Marshal(def)
	if err != nil {
		b.Fatal(err)
	}
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "tally.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	office := signer(b, "office")
	if _, err := tally.Init(ctx, db, definition, office, electionDay); err != nil {
		b.Fatal(err)
	}
	svc, err := tally.New(ctx, db, office, tally.Options{Clock: func() time.Time { return electionDay }})
	if err != nil {
		b.Fatal(err)
	}
	rows := 0
	err = db.InTx(ctx, func(tx store.Tx) error {
		var deltas []store.AggregateDelta
		for _, ward := range def.Wards {
			for _, c := range []*ballot.Contest{&def.Ballots[0].Contests[0], &def.Ballots[1].Contests[0]} {
				fields := []string{ballot.FieldDistricts, ballot.FieldA1, ballot.FieldA2, ballot.FieldB, ballot.FieldB1, ballot.FieldC, ballot.FieldD}
				for _, o := range c.Options() {
					fields = append(fields, ballot.OptionField(o.ID))
				}
				for _, view := range []string{tally.ViewQuick, tally.ViewFinal, tally.ViewBest} {
					for _, kind := range []ballot.DistrictKind{ballot.InPerson, ballot.Postal} {
						for shard := range 16 {
							for _, f := range fields {
								deltas = append(deltas, store.AggregateDelta{AggregateKey: store.AggregateKey{Contest: c.ID, View: view,
									DistrictKind: kind, Ward: ward.ID, Shard: shard, Field: f}, Delta: 100})
							}
						}
					}
				}
			}
		}
		rows = len(deltas)
		return tx.AddAggregates(ctx, deltas)
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := svc.Results(ctx, tally.ViewBest); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows), "values")
}
