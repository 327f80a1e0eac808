package tally_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/wahlkoffer/wahlkoffer/tally/store"
	"github.com/wahlkoffer/wahlkoffer/tally/store/postgres"
	"github.com/wahlkoffer/wahlkoffer/tally/store/sqlite"
)

// postgresEnv names the server the PostgreSQL runs use; without it they
// are skipped (and TestMain says so).
const postgresEnv = "WAHLKOFFER_TEST_POSTGRES"

func TestMain(m *testing.M) {
	if os.Getenv(postgresEnv) == "" {
		fmt.Fprintln(os.Stderr, "tally: PostgreSQL tests skipped: set "+postgresEnv)
	}
	os.Exit(m.Run())
}

type opener func(t *testing.T) store.Store

// stores are the real stores the service runs on.
func stores() map[string]opener {
	return map[string]opener{"sqlite": openSQLite, "postgres": openPostgres}
}

// forEachStore runs fn on a fresh store of every kind.
func forEachStore(t *testing.T, fn func(t *testing.T, st store.Store)) {
	forEachStoreKind(t, func(t *testing.T, open func(t *testing.T) store.Store) { fn(t, open(t)) })
}

// forEachStoreKind runs fn once per kind of store with a way to open
// fresh ones, for tests that need several.
func forEachStoreKind(t *testing.T, fn func(t *testing.T, open func(t *testing.T) store.Store)) {
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) { fn(t, stores()[name]) })
	}
}

func openSQLite(t *testing.T) store.Store {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "tally.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// openPostgres opens a store in a schema of its own, dropped afterwards.
func openPostgres(t *testing.T) store.Store {
	t.Helper()
	url := os.Getenv(postgresEnv)
	if url == "" {
		t.Skip("PostgreSQL tests skipped: set " + postgresEnv)
	}
	ctx := context.Background()
	schema := fmt.Sprintf("wk_tally_%d", rand.Uint64())
	db, err := postgres.Open(ctx, url, postgres.Schema(schema))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Close()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return db
}
