// Package postgres is the tally store on PostgreSQL (pgx), for an office
// that runs several tally processes on one database.
//
// Nothing here relies on state in the process: transactions run READ
// COMMITTED; a row that decides (a current count) is locked with SELECT …
// FOR UPDATE; unique keys turn a concurrent twin into store.ErrConflict,
// as do serialisation failures and deadlocks, and InTx then runs the
// transaction again. Running totals are commutative upserts, so two
// submissions never wait for each other longer than one statement.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wahlkoffer/wahlkoffer/tally/store"
	"github.com/wahlkoffer/wahlkoffer/tally/store/internal/sqlutil"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is a tally store in a PostgreSQL database (in one schema of it).
type DB struct {
	sqlutil.Reader
	pool   *pgxpool.Pool
	schema string
	d      *sqlutil.Dialect
}

var _ store.Store = (*DB)(nil)

// Option configures Open.
type Option func(*options)

type options struct {
	schema     string
	maxConns   int32
	migrations fs.FS // the embedded ones; tests open a store as an older program left it
}

// Schema keeps the store in the named schema, created if missing; without
// it the store uses the search_path of the URL (or the server's).
func Schema(name string) Option { return func(o *options) { o.schema = name } }

// MaxConns bounds the connection pool (pgxpool's default otherwise, or
// pool_max_conns in the URL).
func MaxConns(n int32) Option { return func(o *options) { o.maxConns = n } }

// Open connects to the database at url (postgres://…) and brings the
// store's schema up to date.
func Open(ctx context.Context, url string, opts ...Option) (*DB, error) {
	o := options{migrations: migrations}
	for _, opt := range opts {
		opt(&o)
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	if o.maxConns > 0 {
		cfg.MaxConns = o.maxConns
	}
	params := cfg.ConnConfig.RuntimeParams
	if o.schema != "" {
		params["search_path"] = pgx.Identifier{o.schema}.Sanitize()
	}
	// InTx promises a durable commit whatever the server's default.
	params["synchronous_commit"] = "on"

	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	db := &DB{pool: pool}
	db.d = &sqlutil.Dialect{
		Name:               "postgres",
		ForUpdate:          " FOR UPDATE",
		ForShare:           " FOR SHARE",
		LockCertifications: db.lockCertifications,
		Time:               func(t time.Time) any { return t.UTC() },
		IsConflict:         isConflict,
	}
	db.Reader = sqlutil.Reader{D: db.d, C: conn{pool}}
	if err := sqlutil.Migrate(ctx, db.d, db.begin, o.migrations, "migrations", db.prepare(o.schema)); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&db.schema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	return db, nil
}

// prepare runs first in the migration transaction. The advisory lock,
// held until it ends, keeps processes opening the same schema at once
// from migrating side by side.
func (db *DB) prepare(schema string) func(context.Context, sqlutil.Conn) error {
	return func(ctx context.Context, c sqlutil.Conn) error {
		if _, err := c.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('wahlkoffer:migrate:' || coalesce(nullif($1::text, ''), current_schema(), '')))`, schema); err != nil {
			return err
		}
		if schema != "" {
			if _, err := c.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+pgx.Identifier{schema}.Sanitize()); err != nil {
				return err
			}
		}
		_, err := c.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations
			(version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`)
		return err
	}
}

// lockCertifications takes the schema's certification lock until the
// transaction ends: shared by the transactions that read certifications
// (ingests do not wait for each other), exclusive for one that changes
// one. So a record either committed before the certification or saw it.
func (db *DB) lockCertifications(ctx context.Context, c sqlutil.Conn, exclusive bool) error {
	fn := "pg_advisory_xact_lock_shared"
	if exclusive {
		fn = "pg_advisory_xact_lock"
	}
	_, err := c.Exec(ctx, `SELECT `+fn+`(hashtext('wahlkoffer:certifications:' || $1::text))`, db.schema)
	return err
}

// Schema is the schema the store is in.
func (db *DB) Schema() string { return db.schema }

// InTx implements store.Store.
func (db *DB) InTx(ctx context.Context, fn func(store.Tx) error) error {
	return sqlutil.InTx(ctx, db.d, db.begin, fn)
}

func (db *DB) begin(ctx context.Context) (sqlutil.TxConn, error) {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return nil, err
	}
	return txConn{conn{tx}, tx}, nil
}

// Close implements store.Store.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// isConflict: unique violation, serialisation failure, deadlock.
func isConflict(err error) bool {
	var e *pgconn.PgError
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code {
	case "23505", "40001", "40P01":
		return true
	}
	return false
}
