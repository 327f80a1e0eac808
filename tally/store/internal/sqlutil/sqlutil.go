// Package sqlutil is what the SQLite and PostgreSQL stores share: the
// store.Tx and store.Reader methods over a small connection interface, the
// transaction retry loop, the migration runner and the encoding of values.
// A dialect package supplies a Dialect (how it locks, how it stores times,
// which driver errors are conflicts), its DDL, and adapters for its driver;
// the DML is the same text for both, with $n placeholders, which SQLite
// understands too.
package sqlutil

import (
	"context"
	"fmt"
	"time"

	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// Rows is a result being read. pgx.Rows has this shape; database/sql's
// needs an adapter for Close.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// Conn runs statements: a pool for reads outside a transaction, or a
// transaction.
type Conn interface {
	// Exec runs a statement and returns the number of rows it affected.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	Query(ctx context.Context, query string, args ...any) (Rows, error)
	// ExecBatch runs one statement once per argument list, in order; a
	// driver may send them in one round trip.
	ExecBatch(ctx context.Context, query string, args [][]any) error
}

// TxConn is an open transaction.
type TxConn interface {
	Conn
	Commit(ctx context.Context) error
	Rollback(ctx context.Context) error
}

// Dialect is what differs between the databases beyond the DDL.
type Dialect struct {
	Name string
	// ForUpdate is appended to the SELECT of CurrentCountForUpdate, and
	// ForShare to the one of Tx.StationKey, so that a revocation waits
	// for the transactions that saw the key valid. SQLite leaves them
	// empty: its write transactions hold the whole database.
	ForUpdate, ForShare string
	// LockCertifications, if set, runs before Tx.Certifications reads
	// (exclusive false) and before PutCertification writes (true), so
	// that no record of a contest commits after its certification
	// unless it saw it.
	LockCertifications func(ctx context.Context, c Conn, exclusive bool) error
	// Time encodes a time as an argument (never called with a zero
	// time, which is stored as NULL).
	Time func(time.Time) any
	// IsConflict reports a driver error that a retry may not meet again:
	// a unique key taken, a serialisation failure, a deadlock, a busy
	// database.
	IsConflict func(error) bool
}

// wrap adds what was done to a driver error, and store.ErrConflict where
// the dialect says it is one.
func (d *Dialect) wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	what := fmt.Sprintf(format, args...)
	if d.IsConflict(err) {
		return fmt.Errorf("%s: %w: %w", what, store.ErrConflict, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// one runs a query that returns at most one row and scans it;
// store.ErrNotFound if there is none.
func (d *Dialect) one(ctx context.Context, c Conn, query string, args []any, dest ...any) error {
	rows, err := c.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return store.ErrNotFound
	}
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	rows.Close()
	return rows.Err()
}

// each runs a query and calls scan for every row.
func each(ctx context.Context, c Conn, query string, args []any, scan func(Rows) error) error {
	rows, err := c.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// list collects every row of a query.
func list[T any](ctx context.Context, d *Dialect, c Conn, what, query string, scan func(Rows) (T, error), args ...any) ([]T, error) {
	var out []T
	err := each(ctx, c, query, args, func(r Rows) error {
		v, err := scan(r)
		if err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, d.wrap(err, "read %s", what)
	}
	return out, nil
}
