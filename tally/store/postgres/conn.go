package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/wahlkoffer/wahlkoffer/tally/store/internal/sqlutil"
)

// querier is what *pgxpool.Pool and pgx.Tx both have.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// conn adapts pgx to sqlutil.Conn.
type conn struct{ q querier }

func (c conn) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	tag, err := c.q.Exec(ctx, sql, args...)
	return tag.RowsAffected(), err
}

func (c conn) Query(ctx context.Context, sql string, args ...any) (sqlutil.Rows, error) {
	rows, err := c.q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// ExecBatch sends the statements in one round trip; the server runs them
// in order.
func (c conn) ExecBatch(ctx context.Context, sql string, args [][]any) error {
	b := &pgx.Batch{}
	for _, a := range args {
		b.Queue(sql, a...)
	}
	res := c.q.SendBatch(ctx, b)
	var first error
	for range args {
		if _, err := res.Exec(); err != nil && first == nil {
			first = err
		}
	}
	// Close reports the first failure again; keep one copy.
	if err := res.Close(); first == nil {
		first = err
	}
	return first
}

// txConn is a transaction.
type txConn struct {
	conn
	tx pgx.Tx
}

func (t txConn) Commit(ctx context.Context) error   { return t.tx.Commit(ctx) }
func (t txConn) Rollback(ctx context.Context) error { return t.tx.Rollback(ctx) }
