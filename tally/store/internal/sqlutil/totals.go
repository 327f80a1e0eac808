package sqlutil

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// The running totals keep one row per view, contest, kind of district,
// ward and shard, whose totals column is a JSON object from field to
// value (migration 0004). A batch of records moves dozens of fields of a
// few wards; one row per field made it hundreds of upserts, one row per
// ward makes it a few dozen.
//
// The upsert stays commutative: the database adds the stored object and
// the new one with the function AddTotalsFunc names (a Go function
// registered with SQLite, an SQL function on PostgreSQL), so no total is
// read into the program and written back.

// AddTotalsFunc is the name of the SQL function that adds two totals
// objects field by field.
const AddTotalsFunc = "wahlkoffer_add_totals"

// aggregateRow is the key of one stored row of totals.
type aggregateRow struct {
	view, contest, kind, ward string
	shard                     int
}

// AddTotals adds two totals objects field by field: what the SQL function
// AddTotalsFunc does on SQLite.
func AddTotals(a, b string) (string, error) {
	sum, err := decodeTotals(a)
	if err != nil {
		return "", err
	}
	more, err := decodeTotals(b)
	if err != nil {
		return "", err
	}
	for f, v := range more {
		sum[f] += v
	}
	out, err := json.Marshal(sum) // keys sorted: the same sums, the same text
	return string(out), err
}

func decodeTotals(s string) (map[string]int64, error) {
	m := map[string]int64{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, fmt.Errorf("running totals %.40q: %w", s, err)
	}
	return m, nil
}

// AddAggregates implements store.Tx: the deltas grouped into one
// commutative upsert per row, in the order of the rows.
func (t *Tx) AddAggregates(ctx context.Context, deltas []store.AggregateDelta) error {
	if t.ended {
		return errEnded
	}
	rows := map[aggregateRow]map[string]int64{}
	for _, d := range deltas {
		k := aggregateRow{d.View, d.Contest, string(d.DistrictKind), d.Ward, d.Shard}
		if rows[k] == nil {
			rows[k] = map[string]int64{}
		}
		rows[k][d.Field] += d.Delta
	}
	keys := slices.SortedFunc(maps.Keys(rows), compareAggregateRows)
	args := make([][]any, 0, len(keys))
	for _, k := range keys {
		totals, err := json.Marshal(rows[k])
		if err != nil {
			return err
		}
		args = append(args, []any{k.view, k.contest, k.kind, k.ward, k.shard, string(totals)})
	}
	if len(args) == 0 {
		return nil
	}
	err := t.c.ExecBatch(ctx, `INSERT INTO aggregates (view_name, contest, district_kind, ward, shard, totals)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (view_name, contest, district_kind, ward, shard)
		DO UPDATE SET totals = `+AddTotalsFunc+`(aggregates.totals, excluded.totals)`, args)
	return t.note(t.d.wrap(err, "add %d aggregate deltas to %d rows", len(deltas), len(args)))
}

func compareAggregateRows(a, b aggregateRow) int {
	return cmp.Or(cmp.Compare(a.view, b.view), cmp.Compare(a.contest, b.contest), cmp.Compare(a.kind, b.kind),
		cmp.Compare(a.ward, b.ward), cmp.Compare(a.shard, b.shard))
}

// Aggregates implements store.Reader: the rows summed over their shards,
// ordered by contest, view, kind, ward and field.
func (r Reader) Aggregates(ctx context.Context) ([]store.AggregateRow, error) {
	out, err := r.sumTotals(ctx, "aggregates", `SELECT view_name, contest, district_kind, ward, CAST(totals AS TEXT)
		FROM aggregates ORDER BY view_name, contest, district_kind, ward`)
	slices.SortStableFunc(out, func(a, b store.AggregateRow) int {
		return cmp.Or(cmp.Compare(a.Contest, b.Contest), cmp.Compare(a.View, b.View)) // the rest is in order already
	})
	return out, err
}

// AggregatesOf implements store.Reader: the rows of one view summed over
// their shards, ordered by contest, kind, ward and field.
func (r Reader) AggregatesOf(ctx context.Context, view string) ([]store.AggregateRow, error) {
	return r.sumTotals(ctx, "aggregates of a view", `SELECT view_name, contest, district_kind, ward, CAST(totals AS TEXT)
		FROM aggregates WHERE view_name = $1 ORDER BY view_name, contest, district_kind, ward`, view)
}

// sumTotals reads rows of totals in the order of their key without the
// shard and sums each ward's shards field by field.
func (r Reader) sumTotals(ctx context.Context, what, query string, args ...any) ([]store.AggregateRow, error) {
	var (
		out   []store.AggregateRow
		cur   aggregateRow
		sum   map[string]int64
		text  string
		found bool
	)
	emit := func() {
		for _, f := range slices.Sorted(maps.Keys(sum)) {
			out = append(out, store.AggregateRow{Contest: cur.contest, View: cur.view, DistrictKind: ballot.DistrictKind(cur.kind),
				Ward: cur.ward, Field: f, Value: sum[f]})
		}
	}
	err := each(ctx, r.C, query, args, func(row Rows) error {
		var k aggregateRow
		if err := row.Scan(&k.view, &k.contest, &k.kind, &k.ward, &text); err != nil {
			return err
		}
		if !found || k != cur {
			if found {
				emit()
			}
			cur, sum, found = k, map[string]int64{}, true
		}
		m, err := decodeTotals(text)
		if err != nil {
			return fmt.Errorf("ward %s, contest %s, view %s: %w", k.ward, k.contest, k.view, err)
		}
		for f, v := range m {
			sum[f] += v
		}
		return nil
	})
	if err != nil {
		return nil, r.D.wrap(err, "read %s", what)
	}
	if found {
		emit()
	}
	return out, nil
}
