// Package storeopen opens the tally store that a --store value names: a
// postgres:// (or postgresql://) URL is PostgreSQL, anything else a SQLite
// file. It is apart from package store so that store does not import its
// implementations.
package storeopen

import (
	"context"
	"strings"

	"github.com/wahlkoffer/wahlkoffer/tally/store"
	"github.com/wahlkoffer/wahlkoffer/tally/store/postgres"
	"github.com/wahlkoffer/wahlkoffer/tally/store/sqlite"
)

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	lower := strings.ToLower(dsn)
	return strings.HasPrefix(lower, "postgres://") || strings.HasPrefix(lower, "postgresql://")
}

// Open opens the store dsn names, creating and migrating it as needed.
func Open(ctx context.Context, dsn string) (store.Store, error) {
	// Each branch checks err itself: a nil *DB in a store.Store is not
	// a nil interface.
	if IsPostgres(dsn) {
		db, err := postgres.Open(ctx, dsn)
		if err != nil {
			return nil, err
		}
		return db, nil
	}
	db, err := sqlite.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	return db, nil
}
