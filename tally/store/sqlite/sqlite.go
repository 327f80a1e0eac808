// Package sqlite is the tally store in one SQLite file (modernc.org/sqlite,
// no cgo): the embedded default for a single tally process.
//
// Writes go through one connection whose transactions begin IMMEDIATE,
// so they are serialised in the process without SQLITE_BUSY and against
// other processes by busy_timeout. Reads use a separate pool: in WAL mode
// they see the last commit and never wait for the writer.
package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"time"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/wahlkoffer/wahlkoffer/tally/store"
	"github.com/wahlkoffer/wahlkoffer/tally/store/internal/sqlutil"
)

//go:embed migrations/*.sql
var migrations embed.FS

// The running totals are added by the database (see sqlutil.AddTotals);
// every connection the driver opens has the function.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction(sqlutil.AddTotalsFunc, 2, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		a, aok := args[0].(string)
		b, bok := args[1].(string)
		if !aok || !bok {
			return nil, fmt.Errorf("%s: want two texts, got %T and %T", sqlutil.AddTotalsFunc, args[0], args[1])
		}
		return sqlutil.AddTotals(a, b)
	})
}

// DB is a tally store in a SQLite file.
type DB struct {
	sqlutil.Reader
	path   string
	write  *sql.DB
	read   *sql.DB
	closed sync.Once
	err    error
}

// Option configures Open.
type Option func(*options)

type options struct {
	readConns  int
	migrations fs.FS // the embedded ones; tests open a store as an older program left it
}

// ReadConns sets how many connections serve reads (default 4).
func ReadConns(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.readConns = n
		}
	}
}

var dialect = &sqlutil.Dialect{
	Name:       "sqlite",
	Time:       func(t time.Time) any { return sqlutil.TextTime(t) },
	IsConflict: isConflict,
}

// The writer's pragmas: WAL so that reads do not wait for it, FULL so
// that a commit is on disk when InTx returns, and a busy timeout for
// another process holding the file.
const (
	writerDSN = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(ON)&_txlock=immediate"
	readerDSN = "_pragma=busy_timeout(10000)&_pragma=foreign_keys(ON)&_query_only=1"
)

// Open opens the store in the file at path, creating it (mode 0600) and
// bringing its schema up to date.
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	o := options{readConns: 4, migrations: migrations}
	for _, opt := range opts {
		opt(&o)
	}
	// The driver would read a '?' as the start of its parameters and
	// "file:" as a URI, and an in-memory database is one per connection.
	if path == "" || strings.ContainsRune(path, '?') || strings.HasPrefix(path, "file:") || strings.HasPrefix(path, ":memory:") {
		return nil, fmt.Errorf("sqlite store: %q is not a usable file name", path)
	}
	// SQLite would create the file with the umask's mode; the store holds
	// the token hashes and evidence, so only the owner may read it. The
	// WAL and shared-memory files take the database file's mode.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite store: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("sqlite store: %w", err)
	}

	write, err := sql.Open("sqlite", path+"?"+writerDSN)
	if err != nil {
		return nil, fmt.Errorf("sqlite store %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	// The writer connects first so that the file is in WAL mode before a
	// reader opens it.
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite store %s: %w", path, err)
	}
	read, err := sql.Open("sqlite", path+"?"+readerDSN)
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite store %s: %w", path, err)
	}
	read.SetMaxOpenConns(o.readConns)
	read.SetMaxIdleConns(o.readConns)

	db := &DB{path: path, write: write, read: read}
	db.Reader = sqlutil.Reader{D: dialect, C: conn{read}}
	err = sqlutil.Migrate(ctx, dialect, db.begin, o.migrations, "migrations", func(ctx context.Context, c sqlutil.Conn) error {
		_, err := c.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations
			(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`)
		return err
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite store %s: %w", path, err)
	}
	return db, nil
}

// Path is the file the store is in.
func (db *DB) Path() string { return db.path }

// InTx implements store.Store.
func (db *DB) InTx(ctx context.Context, fn func(store.Tx) error) error {
	return sqlutil.InTx(ctx, dialect, db.begin, fn)
}

func (db *DB) begin(ctx context.Context) (sqlutil.TxConn, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return txConn{conn{tx}, tx, map[string]*sql.Stmt{}}, nil
}

// Close implements store.Store.
func (db *DB) Close() error {
	db.closed.Do(func() {
		db.err = errors.Join(db.read.Close(), db.write.Close())
	})
	return db.err
}

// isConflict: a unique key taken. SQLITE_BUSY is not one: with IMMEDIATE
// transactions it only comes after busy_timeout waited in vain for another
// process, and retrying would multiply that wait.
func isConflict(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return true
	}
	return false
}
