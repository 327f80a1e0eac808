package sqlutil

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

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
// AddTotalsFunc does on SQLite, once per row a batch moves.
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
	return string(encodeTotals(sum)), nil
}

// encodeTotals writes the object with its keys sorted: the same sums, the
// same text.
func encodeTotals(m map[string]int64) []byte {
	out := make([]byte, 0, 16*len(m)+2)
	out = append(out, '{')
	for i, f := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			out = append(out, ',')
		}
		if plainKey(f) {
			out = append(out, '"')
			out = append(out, f...)
			out = append(out, '"')
		} else {
			q, _ := json.Marshal(f) // a string always marshals
			out = append(out, q...)
		}
		out = append(out, ':')
		out = strconv.AppendInt(out, m[f], 10)
	}
	return append(out, '}')
}

// plainKey: a key that JSON writes as it is, between quotes.
func plainKey(s string) bool {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// decodeTotals reads a totals object. The objects are written by
// encodeTotals or by PostgreSQL's jsonb (which adds spaces), so a short
// scanner reads them; anything else (escapes in a key, say) goes to
// encoding/json, which also words the error.
func decodeTotals(s string) (map[string]int64, error) {
	if m, ok := scanTotals(s); ok {
		return m, nil
	}
	m := map[string]int64{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, fmt.Errorf("running totals %.40q: %w", s, err)
	}
	if m == nil { // the text null
		return nil, fmt.Errorf("running totals %.40q: not an object", s)
	}
	return m, nil
}

// scanTotals reads {"key": integer, ...} with keys of printable ASCII
// without escapes and reports whether s was exactly that.
func scanTotals(s string) (map[string]int64, bool) {
	i := 0
	space := func() {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			i++
		}
	}
	m := make(map[string]int64, 24)
	space()
	if i == len(s) || s[i] != '{' {
		return nil, false
	}
	i++
	space()
	if i < len(s) && s[i] == '}' {
		i++
		space()
		return m, i == len(s)
	}
	for {
		if i == len(s) || s[i] != '"' {
			return nil, false
		}
		end := strings.IndexByte(s[i+1:], '"')
		if end < 0 {
			return nil, false
		}
		key := s[i+1 : i+1+end]
		for j := range len(key) {
			if c := key[j]; c < 0x20 || c >= 0x7f || c == '\\' {
				return nil, false // escapes, control bytes and UTF-8 are for encoding/json
			}
		}
		if _, dup := m[key]; dup {
			return nil, false // encoding/json decides what a repeated key means
		}
		i += end + 2
		space()
		if i == len(s) || s[i] != ':' {
			return nil, false
		}
		i++
		space()
		start := i
		if i < len(s) && s[i] == '-' {
			i++
		}
		digits := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == digits || (s[digits] == '0' && i-digits > 1) {
			return nil, false // no digits, or a leading zero JSON does not allow
		}
		v, err := strconv.ParseInt(s[start:i], 10, 64)
		if err != nil {
			return nil, false
		}
		m[key] = v
		space()
		if i == len(s) {
			return nil, false
		}
		switch s[i] {
		case ',':
			i++
			space()
		case '}':
			i++
			space()
			return m, i == len(s)
		default:
			return nil, false
		}
	}
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
		args = append(args, []any{k.view, k.contest, k.kind, k.ward, k.shard, string(encodeTotals(rows[k]))})
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
