package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wahlkoffer/wahlkoffer/tally/store"
	"github.com/wahlkoffer/wahlkoffer/tally/store/storetest"
)

// envURL names the server the tests use, e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const envURL = "WAHLKOFFER_TEST_POSTGRES"

const skipMessage = "PostgreSQL tests skipped: set " + envURL

func TestMain(m *testing.M) {
	if os.Getenv(envURL) == "" {
		// Said once where `make test` shows it, not only under -v.
		fmt.Fprintln(os.Stderr, skipMessage)
	}
	os.Exit(m.Run())
}

// testURL returns the server's URL or skips the test.
func testURL(tb testing.TB) string {
	tb.Helper()
	url := os.Getenv(envURL)
	if url == "" {
		tb.Skip(skipMessage)
	}
	return url
}

// freshSchema creates an empty schema for tb and drops it at the end.
func freshSchema(tb testing.TB) (url, schema string) {
	tb.Helper()
	url = testURL(tb)
	b := make([]byte, 6)
	rand.Read(b)
	schema = "wk_test_" + hex.EncodeToString(b)
	ctx := context.Background()
	admin, err := pgxpool.New(ctx, url)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
		admin.Close()
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return url, schema
}

// openSchema opens a handle on the schema, closed before it is dropped.
func openSchema(tb testing.TB, url, schema string) *DB {
	tb.Helper()
	db, err := Open(context.Background(), url, Schema(schema))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func openFresh(tb testing.TB) *DB {
	tb.Helper()
	url, schema := freshSchema(tb)
	return openSchema(tb, url, schema)
}

// reopenable lets the suite open a second handle on the same schema.
type reopenable struct {
	*DB
	url string
}

func (r reopenable) Reopen(t *testing.T) store.Store {
	return openSchema(t, r.url, r.schema)
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		url, schema := freshSchema(t)
		return reopenable{openSchema(t, url, schema), url}
	})
}

func BenchmarkInsertEnvelope(b *testing.B) {
	storetest.BenchInsertEnvelope(b, func(b *testing.B) store.Store { return openFresh(b) })
}

// TestConcurrentOpensMigrateOnce: processes starting together on a new
// schema must not race to create it.
func TestConcurrentOpensMigrateOnce(t *testing.T) {
	url := testURL(t)
	_, schema := freshSchema(t)
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Go(func() {
			db, err := Open(context.Background(), url, Schema(schema))
			if err == nil {
				db.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	db := openSchema(t, url, schema)
	files, _ := fs.Glob(migrations, "migrations/*.sql")
	var n int
	if err := db.pool.QueryRow(context.Background(), "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil || n != len(files) || n < 4 {
		t.Errorf("schema_migrations has %d rows, %v; want %d (one per migration)", n, err, len(files))
	}
}

func TestMigration4KeepsTheRunningTotals(t *testing.T) {
	url, schema := freshSchema(t)
	old, err := Open(context.Background(), url, Schema(schema), func(o *options) { o.migrations = storetest.MigrationsUpTo(t, migrations, "migrations", 3) })
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	storetest.TotalsSurviveMigration4(t, func(q string) error {
		_, err := old.pool.Exec(context.Background(), q)
		return err
	}, func() store.Store {
		old.Close()
		return openSchema(t, url, schema)
	})
}

// TestSchemaCreatedIfMissing: Schema names a schema that need not exist.
func TestSchemaCreatedIfMissing(t *testing.T) {
	url, schema := freshSchema(t)
	inner := schema + "_x"
	db, err := Open(context.Background(), url, Schema(inner))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	admin, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	if _, err := admin.Exec(context.Background(), "DROP SCHEMA "+inner+" CASCADE"); err != nil {
		t.Errorf("drop the created schema: %v", err)
	}
	if db.Schema() != inner {
		t.Errorf("Schema() = %q, want %q", db.Schema(), inner)
	}
}

// TestSearchPathInURL: without the option, the URL's search_path decides.
func TestSearchPathInURL(t *testing.T) {
	url, schema := freshSchema(t)
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	db, err := Open(context.Background(), url+sep+"search_path="+schema)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Schema() != schema {
		t.Errorf("Schema() = %q, want %q", db.Schema(), schema)
	}
}

// TestPutCurrentCountConflictsWithAConcurrentInsert: a count inserted by
// another transaction after this one looked is a conflict, not silently
// overwritten.
func TestPutCurrentCountConflictsWithAConcurrentInsert(t *testing.T) {
	db := openFresh(t)
	ctx := context.Background()
	key := store.CountKey{District: "D1", Contest: "c", Stage: "final"}
	// No envelope to point at: the foreign key is not what is tested.
	if _, err := db.pool.Exec(ctx, "ALTER TABLE current_counts DROP CONSTRAINT current_counts_envelope_hash_fkey"); err != nil {
		t.Fatal(err)
	}
	looked, inserted := make(chan struct{}), make(chan error, 1)
	go func() {
		<-looked
		inserted <- db.InTx(ctx, func(tx store.Tx) error {
			return tx.PutCurrentCount(ctx, store.CurrentCount{CountKey: key, Version: 2, EnvelopeHash: "other"})
		})
	}()
	attempts := 0
	var firstPut error
	err := db.InTx(ctx, func(tx store.Tx) error {
		attempts++
		_, err := tx.CurrentCountForUpdate(ctx, key)
		if attempts == 1 {
			close(looked)
			if e := <-inserted; e != nil {
				return e
			}
			firstPut = tx.PutCurrentCount(ctx, store.CurrentCount{CountKey: key, Version: 1, EnvelopeHash: "mine"})
			return firstPut
		}
		if err == nil {
			return nil // the retry sees the other one's count
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !errorsIsConflict(firstPut) || attempts != 2 {
		t.Errorf("first Put = %v after %d attempts, want ErrConflict and a retry", firstPut, attempts)
	}
	counts, _ := db.CurrentCounts(ctx)
	if len(counts) != 1 || counts[0].EnvelopeHash != "other" {
		t.Errorf("counts = %+v, want the other transaction's", counts)
	}
}

func errorsIsConflict(err error) bool {
	return err != nil && strings.Contains(err.Error(), store.ErrConflict.Error())
}

func TestAppendOnlyTables(t *testing.T) {
	db := openFresh(t)
	ctx := context.Background()
	for _, stmt := range []string{
		"INSERT INTO audit_log (actor, action, subject, outcome, detail) VALUES ('a', 'b', '', 'ok', '')",
		"INSERT INTO station_keys (key_id, district, station, public_key) VALUES ('k', 'D1', 's', '\\x00')",
		"INSERT INTO envelopes (hash, content_hash, key_id, district, station, seq, kind, via, bytes) VALUES ('h', 'c', 'k', 'D1', 's', 1, 'count', 'http', '\\x00')",
	} {
		if _, err := db.pool.Exec(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	for _, stmt := range []string{"UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log", "UPDATE envelopes SET receipt = '\\x01'", "DELETE FROM envelopes"} {
		if _, err := db.pool.Exec(ctx, stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused as append-only", stmt, err)
		}
	}
}

func TestDeadlockIsAConflictAndRetried(t *testing.T) {
	db := openFresh(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	a := store.AggregateDelta{AggregateKey: store.AggregateKey{Contest: "c", View: "best", DistrictKind: "in-person", Ward: "A", Field: "B"}, Delta: 1}
	b := a
	b.Ward = "B"
	// Two transactions taking the same rows in opposite orders (which
	// package tally avoids by sorting) deadlock; the loser is retried.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	both := make(chan struct{}, 2)
	for i, order := range [][]store.AggregateDelta{{a}, {b}} {
		wg.Go(func() {
			attempt := 0
			errs[i] = db.InTx(ctx, func(tx store.Tx) error {
				attempt++
				if err := tx.AddAggregates(ctx, order); err != nil {
					return err
				}
				if attempt == 1 {
					both <- struct{}{}
					for len(both) < 2 && ctx.Err() == nil {
						time.Sleep(time.Millisecond)
					}
				}
				other := b
				if order[0] == b {
					other = a
				}
				return tx.AddAggregates(ctx, []store.AggregateDelta{other})
			})
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.Aggregates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Value != 2 {
			t.Errorf("%s = %d, want 2", r.Ward, r.Value)
		}
	}
}
