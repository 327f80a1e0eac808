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
		t.Run(kind, func(t *testing.T) {
			a, b := twoHandles(t, kind)
			districts := []string{"101", "102", "103", "104", "105", "106"}
			f := newFixture(t, a, districts...)
			other, err := tally.New(f.ctx, b, f.office, tally.Options{Clock: func() time.Time { return f.now }, Logger: slog.New(slog.DiscardHandler)})
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
			urls := []string{serveService(t, f.svc, a) + "/v1/envelopes", serveService(t, other, b) + "/v1/envelopes"}
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
		})
	}
}
