package storetest

import (
	"context"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// MigrationsUpTo is the migrations in dir of files numbered up to n: what
// an older program would have applied, for opening a store as it left it.
func MigrationsUpTo(t testing.TB, files fs.FS, dir string, n int) fs.FS {
	t.Helper()
	entries, err := fs.ReadDir(files, dir)
	must(t, err)
	out := fstest.MapFS{}
	for _, e := range entries {
		num, _, _ := strings.Cut(e.Name(), "_")
		if v, err := strconv.Atoi(num); err == nil && v <= n {
			b, err := fs.ReadFile(files, path.Join(dir, e.Name()))
			must(t, err)
			out[path.Join(dir, e.Name())] = &fstest.MapFile{Data: b}
		}
	}
	return out
}

// TotalsSurviveMigration4 proves that migration 0004 (the running totals
// as one row per ward and shard) keeps every total. exec runs SQL on a
// store migrated up to 0003; reopen opens it again with every migration.
func TotalsSurviveMigration4(t *testing.T, exec func(query string) error, reopen func() store.Store) {
	t.Helper()
	// Rows as schema 0003 kept them: one per field and shard.
	must(t, exec(`INSERT INTO aggregates (contest, view_name, district_kind, ward, shard, field, value) VALUES
		('ob', 'final', 'in-person', '1', 0, 'D', 100),
		('ob', 'final', 'in-person', '1', 3, 'D', 50),
		('ob', 'final', 'in-person', '1', 0, 'ob-1', 60),
		('ob', 'final', 'in-person', '1', 3, 'ob-1', 0),
		('ob', 'best', 'postal', '2', 7, 'D', 7),
		('gr', 'final', 'in-person', '1', 0, 'districts', 2),
		('gr', 'final', 'in-person', '1', 1, 'districts', -1)`))
	s := reopen()
	want := []store.AggregateRow{
		{Contest: "gr", View: "final", DistrictKind: "in-person", Ward: "1", Field: "districts", Value: 1},
		{Contest: "ob", View: "best", DistrictKind: "postal", Ward: "2", Field: "D", Value: 7},
		{Contest: "ob", View: "final", DistrictKind: "in-person", Ward: "1", Field: "D", Value: 150},
		{Contest: "ob", View: "final", DistrictKind: "in-person", Ward: "1", Field: "ob-1", Value: 60},
	}
	got, err := s.Aggregates(context.Background())
	must(t, err)
	if !slices.Equal(got, want) {
		t.Errorf("after migration 0004, Aggregates =\n%v\nwant\n%v", got, want)
	}
	// And the migrated rows take new deltas.
	must(t, s.InTx(context.Background(), func(tx store.Tx) error {
		return tx.AddAggregates(context.Background(), []store.AggregateDelta{
			{AggregateKey: store.AggregateKey{Contest: "ob", View: "final", DistrictKind: "in-person", Ward: "1", Shard: 3, Field: "D"}, Delta: 5},
		})
	}))
	got, err = s.AggregatesOf(context.Background(), "final")
	must(t, err)
	if len(got) != 3 || got[1].Field != "D" || got[1].Value != 155 {
		t.Errorf("after a delta on a migrated row, the final view = %v, want D 155", got)
	}
}
