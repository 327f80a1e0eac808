package sqlutil

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Migrate brings a database's schema up to date in one transaction: the
// files of dir named NNNN_what.sql that schema_migrations does not list yet
// run in the order of their numbers, and each is recorded there. prepare
// runs first in the same transaction: it takes whatever lock keeps two
// processes from migrating at once and creates schema_migrations
// (version BIGINT PRIMARY KEY, name TEXT, applied_at as the dialect keeps
// times) if it is missing.
func Migrate(ctx context.Context, d *Dialect, begin func(context.Context) (TxConn, error), files fs.FS, dir string,
	prepare func(context.Context, Conn) error) (err error) {
	steps, err := migrations(files, dir)
	if err != nil {
		return err
	}
	c, err := begin(ctx)
	if err != nil {
		return d.wrap(err, "migrate: begin")
	}
	defer func() {
		if err != nil {
			_ = c.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if err := prepare(ctx, c); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	applied := map[int64]bool{}
	var newest int64
	err = each(ctx, c, `SELECT version FROM schema_migrations`, nil, func(r Rows) error {
		var v int64
		err := r.Scan(&v)
		applied[v], newest = true, max(newest, v)
		return err
	})
	if err != nil {
		return d.wrap(err, "migrate: read schema_migrations")
	}
	if known := steps[len(steps)-1].version; newest > known {
		return fmt.Errorf("migrate: the database has schema version %d, this program knows up to %d: use a newer program", newest, known)
	}
	for _, s := range steps {
		if applied[s.version] {
			continue
		}
		if _, err := c.Exec(ctx, s.sql); err != nil {
			return d.wrap(err, "migrate: %s", s.name)
		}
		if _, err := c.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
			s.version, s.name, d.Time(time.Now())); err != nil {
			return d.wrap(err, "migrate: record %s", s.name)
		}
	}
	if err := c.Commit(ctx); err != nil {
		return d.wrap(err, "migrate: commit")
	}
	return nil
}

type migration struct {
	version   int64
	name, sql string
}

// migrations reads the files of dir, sorted by version.
func migrations(files fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(files, dir)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	var out []migration
	seen := map[int64]string{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migrations: %s is not named NNNN_what.sql", name)
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations: %s and %s have the same number", other, name)
		}
		seen[v] = name
		b, err := fs.ReadFile(files, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		out = append(out, migration{version: v, name: name, sql: string(b)})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("migrations: none in %s", dir)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}
