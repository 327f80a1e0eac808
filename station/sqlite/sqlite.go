// Package sqlite is the station's store: one SQLite file in the station's
// data folder (modernc.org/sqlite, no cgo), in WAL mode with
// synchronous=FULL, so that a record is on disk when the board is told it
// is saved. Every write is one IMMEDIATE transaction; another process on
// the same file (the command line beside the terminal app) waits for it
// through busy_timeout instead of failing.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"

	"github.com/wahlkoffer/wahlkoffer/station/outbox"
)

//go:embed migrations/*.sql
var migrations embed.FS

const dsn = "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(ON)&_txlock=immediate"

// ErrNotFound is returned for a row that is not there.
var ErrNotFound = errors.New("not found")

// ErrNoStore is returned by Open when the file does not exist.
var ErrNoStore = errors.New("no station store")

// DB is the station store.
type DB struct {
	db   *sql.DB
	path string
}

var _ outbox.Store = (*DB)(nil)

// Create makes a new store at path with the station's identity. It refuses
// an existing file, and leaves nothing behind when it fails: the store is
// built under a temporary name and takes its name only when complete.
func Create(ctx context.Context, path string, m Meta) (_ *DB, err error) {
	if _, err := os.Lstat(path); err == nil {
		return nil, fmt.Errorf("%s: %w", path, fs.ErrExist)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	tmp := path + ".new"
	removeAll(tmp)
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			removeAll(tmp)
		}
	}()
	db, err := open(ctx, tmp)
	if err != nil {
		return nil, err
	}
	err = db.Update(ctx, func(tx *Tx) error { return tx.putMeta(ctx, m) })
	// Leave WAL mode for the rename, so that the file is complete on its
	// own; Open switches it back on.
	if err == nil {
		_, err = db.db.ExecContext(ctx, "PRAGMA journal_mode=DELETE")
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, err
	}
	if err := syncDir(path); err != nil {
		return nil, err
	}
	return Open(ctx, path)
}

// Open opens an existing store.
func Open(ctx context.Context, path string) (*DB, error) {
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w", path, ErrNoStore)
		}
		return nil, err
	}
	return open(ctx, path)
}

func open(ctx context.Context, path string) (*DB, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("station store: %q is not a usable file name", path)
	}
	sdb, err := sql.Open("sqlite", path+dsn)
	if err != nil {
		return nil, err
	}
	// One connection: the station's writes are few and small, and one
	// connection cannot be busy with itself.
	sdb.SetMaxOpenConns(1)
	sdb.SetConnMaxLifetime(0)
	sdb.SetConnMaxIdleTime(0)
	db := &DB{db: sdb, path: path}
	if err := db.migrate(ctx); err != nil {
		sdb.Close()
		if strings.Contains(err.Error(), "disk I/O error") {
			// Opening creates the store's journal files beside it, which a
			// full disk refuses with this misleading message.
			return nil, fmt.Errorf("station store %s: %w (is the disk full? free some space; nothing stored is lost)", path, err)
		}
		return nil, fmt.Errorf("station store %s: %w", path, err)
	}
	return db, nil
}

// migrate applies the embedded migrations not yet applied, counted in
// PRAGMA user_version.
func (db *DB) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	// Read the version first, outside a write transaction: a store that is
	// up to date is opened without writing anything (which a full disk
	// would refuse).
	var current int
	if err := db.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return err
	}
	if current == len(names) {
		return nil
	}
	return db.Update(ctx, func(tx *Tx) error {
		var version int
		if err := tx.tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
			return err
		}
		if version > len(names) {
			return fmt.Errorf("the store has schema version %d, this program knows %d: use a newer wahlkoffer", version, len(names))
		}
		for i := version; i < len(names); i++ {
			script, err := migrations.ReadFile(names[i])
			if err != nil {
				return err
			}
			if _, err := tx.tx.ExecContext(ctx, string(script)); err != nil {
				return fmt.Errorf("%s: %w", names[i], err)
			}
		}
		_, err := tx.tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(len(names)))
		return err
	})
}

// Path is the store's file.
func (db *DB) Path() string { return db.path }

// Close closes the store.
func (db *DB) Close() error { return db.db.Close() }

// IntegrityCheck runs PRAGMA integrity_check and returns its findings, or
// nil when the file is sound.
func (db *DB) IntegrityCheck(ctx context.Context) ([]string, error) {
	rows, err := db.db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		if s != "ok" {
			out = append(out, s)
		}
	}
	return out, rows.Err()
}

// Update runs fn in one write transaction, committed durably when fn
// returns nil.
func (db *DB) Update(ctx context.Context, fn func(*Tx) error) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(&Tx{tx: tx}); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// View runs fn in a transaction that sees one consistent state and writes
// nothing.
func (db *DB) View(ctx context.Context, fn func(*Tx) error) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // nothing was written
	return fn(&Tx{tx: tx})
}

// Tx is a transaction on the store.
type Tx struct{ tx *sql.Tx }

func removeAll(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		_ = os.Remove(path + suffix)
	}
}

func syncDir(path string) error {
	dir := path[:strings.LastIndexAny(path, `/\`)+1]
	if dir == "" {
		dir = "."
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	// Windows cannot sync a directory; the rename is durable there anyway.
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) && !strings.Contains(err.Error(), "Access is denied") {
		return err
	}
	return nil
}

const timeLayout = "2006-01-02T15:04:05.000000000Z"

func textTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s sql.NullString) (time.Time, error) {
	if !s.Valid {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, s.String)
}
