package sqlite

import (
	"context"
	"database/sql"

	"github.com/wahlkoffer/wahlkoffer/tally/store/internal/sqlutil"
)

// execQuerier is what *sql.DB and *sql.Tx both have.
type execQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// conn adapts database/sql to sqlutil.Conn.
type conn struct{ q execQuerier }

func (c conn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := c.q.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (c conn) Query(ctx context.Context, query string, args ...any) (sqlutil.Rows, error) {
	rows, err := c.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

// ExecBatch prepares the statement once; SQLite is in-process, so there
// is no round trip to save beyond that.
func (c conn) ExecBatch(ctx context.Context, query string, args [][]any) error {
	stmt, err := c.q.PrepareContext(ctx, query)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, a := range args {
		if _, err := stmt.ExecContext(ctx, a...); err != nil {
			return err
		}
	}
	return nil
}

type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { _ = r.Rows.Close() }

// txConn is a write transaction. It prepares each statement once: SQLite
// spends more time compiling a statement than running it, and a batch of
// records runs the same few statements for every record. The statements
// end with the transaction.
type txConn struct {
	conn
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

func (t txConn) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := t.stmts[query]; ok {
		return st, nil
	}
	st, err := t.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	t.stmts[query] = st
	return st, nil
}

func (t txConn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return 0, err
	}
	res, err := st.ExecContext(ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (t txConn) Query(ctx context.Context, query string, args ...any) (sqlutil.Rows, error) {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

func (t txConn) ExecBatch(ctx context.Context, query string, args [][]any) error {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return err
	}
	for _, a := range args {
		if _, err := st.ExecContext(ctx, a...); err != nil {
			return err
		}
	}
	return nil
}

func (t txConn) Commit(context.Context) error   { return t.tx.Commit() }
func (t txConn) Rollback(context.Context) error { return t.tx.Rollback() }
