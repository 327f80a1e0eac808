package sqlite

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/tally/store"
	"github.com/wahlkoffer/wahlkoffer/tally/store/storetest"
)

// reopenable lets the suite open the same file again.
type reopenable struct{ *DB }

func (r reopenable) Reopen(t *testing.T) store.Store { return openPath(t, r.path) }

func openPath(tb testing.TB, path string) *DB {
	tb.Helper()
	db, err := Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func openTemp(tb testing.TB) *DB {
	tb.Helper()
	return openPath(tb, filepath.Join(tb.TempDir(), "tally.db"))
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return reopenable{openTemp(t)} })
}

func BenchmarkInsertEnvelope(b *testing.B) {
	storetest.BenchInsertEnvelope(b, func(b *testing.B) store.Store { return openTemp(b) })
}

func TestPragmas(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	for pragma, want := range map[string]string{
		"journal_mode": "wal", "synchronous": "2", "busy_timeout": "10000", "foreign_keys": "1",
	} {
		var got string
		if err := db.write.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if !strings.EqualFold(got, want) {
			t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
		}
	}
	var only string
	if err := db.read.QueryRowContext(ctx, "PRAGMA query_only").Scan(&only); err != nil || only != "1" {
		t.Errorf("the read pool's query_only = %q, %v; want 1", only, err)
	}
}

func TestFileIsPrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	db := openTemp(t)
	inTx(t, db)
	for _, name := range []string{db.path, db.path + "-wal"} {
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if mode := fi.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s has mode %o, want 600", filepath.Base(name), mode)
		}
	}
}

// inTx writes something so that the WAL file exists.
func inTx(t *testing.T, db *DB) {
	t.Helper()
	if err := db.InTx(context.Background(), func(tx store.Tx) error {
		return tx.AppendAudit(context.Background(), store.AuditEntry{Actor: "t", Action: "x"})
	}); err != nil {
		t.Fatal(err)
	}
}

func TestAppendOnlyTables(t *testing.T) {
	db := openTemp(t)
	inTx(t, db)
	for _, stmt := range []string{
		"INSERT INTO station_keys (key_id, district, station, public_key) VALUES ('k', 'D1', 's', x'00')",
		"INSERT INTO envelopes (hash, content_hash, key_id, district, station, seq, kind, via, bytes) VALUES ('h', 'c', 'k', 'D1', 's', 1, 'count', 'http', x'00')",
	} {
		if _, err := db.write.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	for _, stmt := range []string{"UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log", "UPDATE envelopes SET receipt = x'01'", "DELETE FROM envelopes"} {
		if _, err := db.write.Exec(stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused as append-only", stmt, err)
		}
	}
}

func TestMigrationsApplyOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tally.db")
	openPath(t, path).Close()
	db := openPath(t, path)
	files, _ := fs.Glob(migrations, "migrations/*.sql")
	var n int
	if err := db.read.QueryRow("SELECT count(*) FROM schema_migrations").Scan(&n); err != nil || n != len(files) || n < 4 {
		t.Errorf("schema_migrations has %d rows, %v; want %d (one per migration)", n, err, len(files))
	}
	// A database from a newer program is refused, not damaged.
	if _, err := db.write.Exec("INSERT INTO schema_migrations VALUES (999, '0999_future.sql', 'x')"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(context.Background(), path); err == nil || !strings.Contains(err.Error(), "newer program") {
		t.Errorf("opening a newer schema: %v", err)
	}
}

func TestMigration4KeepsTheRunningTotals(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tally.db")
	old, err := Open(context.Background(), path, func(o *options) { o.migrations = storetest.MigrationsUpTo(t, migrations, "migrations", 3) })
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	storetest.TotalsSurviveMigration4(t, func(q string) error {
		_, err := old.write.Exec(q)
		return err
	}, func() store.Store {
		old.Close()
		return openPath(t, path)
	})
}

func TestOpenRefusesNonFiles(t *testing.T) {
	for _, p := range []string{"", ":memory:", "file:x.db", "x.db?mode=ro"} {
		if db, err := Open(context.Background(), p); err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded", p)
		}
	}
}

// TestWriteTransactionsBeginImmediate: a transaction that has only read so
// far already holds the write lock, so a second process cannot write in
// between (with a deferred BEGIN it could, and one of them would fail
// with SQLITE_BUSY when it upgraded).
func TestWriteTransactionsBeginImmediate(t *testing.T) {
	a := openTemp(t)
	b := openPath(t, a.path) // another process, as far as locks go
	ctx := context.Background()
	reading, done := make(chan struct{}), make(chan time.Time, 1)
	go func() {
		_ = a.InTx(ctx, func(tx store.Tx) error {
			_, _ = tx.Election(ctx)
			close(reading)
			time.Sleep(300 * time.Millisecond)
			done <- time.Now()
			return nil
		})
	}()
	<-reading
	if err := b.InTx(ctx, func(tx store.Tx) error {
		return tx.AppendAudit(ctx, store.AuditEntry{Actor: "b", Action: "x"})
	}); err != nil {
		t.Fatal(err)
	}
	wrote := time.Now()
	if end := <-done; wrote.Before(end) {
		t.Error("another handle wrote while a transaction that had only read was open")
	}
}
