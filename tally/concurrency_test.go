package tally_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
	"github.com/wahlkoffer/wahlkoffer/tally/store/postgres"
	"github.com/wahlkoffer/wahlkoffer/tally/store/sqlite"
)

// twoHandles opens two stores on one database, as two tally processes
// would have them.
func twoHandles(t *testing.T, kind string) (store.Store, store.Store) {
	t.Helper()
	ctx := context.Background()
	switch kind {
	case "sqlite":
		path := filepath.Join(t.TempDir(), "tally.db")
		a, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		b, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close(); b.Close() })
		return a, b
	default:
		url := os.Getenv(postgresEnv)
		if url == "" {
			t.Skip("PostgreSQL tests skipped: set " + postgresEnv)
		}
		schema := fmt.Sprintf("wk_tally_%d", rand.Uint64())
		a, err := postgres.Open(ctx, url, postgres.Schema(schema))
		if err != nil {
			t.Fatal(err)
		}
		b, err := postgres.Open(ctx, url, postgres.Schema(schema))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			a.Close()
			b.Close()
			if conn, err := pgx.Connect(ctx, url); err == nil {
				conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
				conn.Close(ctx)
			}
		})
		return a, b
	}
}

// Two tally instances on one database, each a real HTTP server on
// loopback, receive the same records at the same time, as happens when a
// station retries against another instance behind a load balancer: every
// record is accepted exactly once, every sender gets the same receipt, and
// the totals equal those of one instance alone.
func TestIngest_TwoInstancesOnOneDatabaseAcceptEachRecordOnce(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		for _, gc := range []tally.GroupCommit{{}, {Writers: 2, MaxBatch: 5}} {
			name := kind
			if gc.Writers > 0 {
				name += "/group-commit"
			}
			t.Run(name, func(t *testing.T) { twoInstances(t, kind, gc) })
		}
	}
}

// twoInstances sends every record four times at once, twice to each of two
// tally instances sharing one database.
func twoInstances(t *testing.T, kind string, gc tally.GroupCommit) {
	a, b := twoHandles(t, kind)
	districts := []string{"101", "102", "103", "104", "105", "106"}
	f := newFixture(t, a, districts...)
	opts := tally.Options{Clock: func() time.Time { return f.now }, Logger: slog.New(slog.DiscardHandler), GroupCommit: gc}
	first, err := tally.New(f.ctx, a, f.office, opts)
	if err != nil {
		t.Fatal(err)
	}
	other, err := tally.New(f.ctx, b, f.office, opts)
	if err != nil {
		t.Fatal(err)
	}
	var envs [][]byte
	for _, d := range districts {
		reg, _ := f.def.District(d)
		voters := reg.Register.A1 / 2
		valid := voters - 6
		envs = append(envs,
			f.seal(d, ballot.RecordPollsOpened, &ballot.PollsOpened{At: f.now}),
			f.seal(d, ballot.RecordCount, f.mayorCount(d, ballot.StageQuick, 1, voters, [4]int64{valid / 2, valid / 4, valid / 8, valid - valid/2 - valid/4 - valid/8})))
	}
	urls := []string{serveService(t, first, a) + "/v1/envelopes", serveService(t, other, b) + "/v1/envelopes"}
	// One connection per request, like many stations; a pooled client
	// would leave spare connections that hold up the shutdown.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	// Each record is sent 4 times, twice to each instance, all at once.
	receipts := make([][][]byte, len(envs))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, env := range envs {
		for j := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := client.Post(urls[j%2], "application/json", bytes.NewReader(env))
				if err != nil {
					t.Errorf("record %d: %v", i, err)
					return
				}
				defer resp.Body.Close()
				receipt, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != http.StatusOK {
					t.Errorf("record %d: %d %s", i, resp.StatusCode, receipt)
					return
				}
				mu.Lock()
				receipts[i] = append(receipts[i], receipt)
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	for i, rs := range receipts {
		for _, r := range rs {
			if !bytes.Equal(r, rs[0]) {
				t.Errorf("record %d got different receipts", i)
			}
		}
	}
	if n, _ := a.EnvelopeCount(f.ctx); n != int64(len(envs)) {
		t.Errorf("%d envelopes stored, want %d", n, len(envs))
	}
	res, _ := other.Results(f.ctx, tally.ViewBest)
	if got := res.Contests[0].Total.Districts; got != int64(len(districts)) {
		t.Errorf("the mayor's totals count %d districts, want %d", got, len(districts))
	}
	if report, err := first.Verify(f.ctx); err != nil || !report.OK() {
		t.Errorf("verify: %v %v", report.Differences, err)
	}
}

// Group commit changes when records are committed, not what they add up
// to: records sent at once by many clients, batched, give the same results
// as the same records taken one by one, and verify clean.
func TestGroupCommit_BatchesGiveTheResultsOfOneByOne(t *testing.T) {
	forEachStoreKind(t, func(t *testing.T, open func(t *testing.T) store.Store) {
		st := open(t)
		districts := []string{"101", "102", "103", "201", "202", "301"}
		f := newFixture(t, st, districts...)
		envs := randomRecords(f, rand.New(rand.NewPCG(8, 8)), districts, 120)
		batched, err := tally.New(f.ctx, st, f.office, tally.Options{Clock: func() time.Time { return f.now },
			Logger: slog.New(slog.DiscardHandler), GroupCommit: tally.GroupCommit{Writers: 2, MaxBatch: 16}})
		if err != nil {
			t.Fatal(err)
		}
		defer batched.Close()
		var wg sync.WaitGroup
		next := make(chan []byte)
		for range 12 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for env := range next {
					if _, err := batched.Ingest(f.ctx, env, tally.ViaHTTP); err != nil && tally.CodeOf(err) == "" {
						t.Errorf("ingest: %v", err)
					}
				}
			}()
		}
		for _, env := range envs {
			next <- env
		}
		close(next)
		wg.Wait()
		if report, err := batched.Verify(f.ctx); err != nil || !report.OK() {
			t.Fatalf("verify after batched ingest: %v %v", report.Differences, err)
		}

		// The same records one by one into a second store, with the same
		// (deterministic) keys.
		other := newFixture(t, open(t), districts...)
		for _, env := range envs {
			if _, err := other.svc.Ingest(other.ctx, env, tally.ViaHTTP); err != nil && tally.CodeOf(err) == "" {
				t.Fatal(err)
			}
		}
		for _, view := range []string{tally.ViewBest, tally.ViewFinal, tally.ViewQuick} {
			got, _ := batched.Results(f.ctx, view)
			want, _ := other.svc.Results(other.ctx, view)
			got.Generated = want.Generated
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("view %s: batched results differ from one by one", view)
			}
		}
	})
}
