package sqlutil

import (
	"encoding/json"
	"errors"
	"maps"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestTimeScan(t *testing.T) {
	want := time.Date(2026, 9, 27, 6, 0, 0, 123456789, time.UTC)
	for _, src := range []any{
		want.In(time.FixedZone("CEST", 7200)),
		TextTime(want),
		[]byte(TextTime(want)),
		"2026-09-27T08:00:00.123456789+02:00",
	} {
		var got Time
		if err := got.Scan(src); err != nil || !got.T.Equal(want) || got.T.Location() != time.UTC {
			t.Errorf("Scan(%v) = %v, %v; want %v in UTC", src, got.T, err, want)
		}
	}
	var null Time
	if err := null.Scan(nil); err != nil || !null.T.IsZero() {
		t.Errorf("Scan(nil) = %v, %v", null.T, err)
	}
	if err := null.Scan(42); err == nil {
		t.Error("Scan(42) succeeded")
	}
}

// TestTextTimeOrders: text order is time order, which ORDER BY relies on.
func TestTextTimeOrders(t *testing.T) {
	// With trailing zeros cut, "08:00:00Z" would sort after "08:00:00.5Z".
	a := time.Date(2026, 9, 27, 8, 0, 0, 0, time.UTC)
	b := a.Add(500 * time.Millisecond)
	if sa, sb := TextTime(a), TextTime(b); sa >= sb {
		t.Errorf("%s sorts after %s", sa, sb)
	}
}

func TestNumbersRoundTrip(t *testing.T) {
	n := map[string]int64{"B": 10, "A": -1, "party:Ö": 1 << 40}
	s, err := numbersText(n)
	if err != nil || s != `{"A":-1,"B":10,"party:Ö":1099511627776}` {
		t.Fatalf("numbersText = %s, %v", s, err)
	}
	back, err := numbersOf(s)
	if err != nil || len(back) != 3 || back["party:Ö"] != 1<<40 {
		t.Errorf("numbersOf = %v, %v", back, err)
	}
}

func TestSeqOutOfRange(t *testing.T) {
	if _, err := seqArg(1 << 63); err == nil {
		t.Error("seq 2^63 accepted")
	}
}

func TestMigrationFiles(t *testing.T) {
	good := fstest.MapFS{
		"m/0002_more.sql": {Data: []byte("B")},
		"m/0001_init.sql": {Data: []byte("A")},
		"m/README":        {Data: []byte("not SQL")},
	}
	steps, err := migrations(good, "m")
	if err != nil || len(steps) != 2 || steps[0].sql != "A" || steps[1].version != 2 {
		t.Errorf("migrations = %+v, %v", steps, err)
	}
	for name, files := range map[string]fstest.MapFS{
		"unnumbered": {"m/init.sql": {}},
		"twice":      {"m/0001_a.sql": {}, "m/01_b.sql": {}},
		"none":       {"m/README": {}},
	} {
		if _, err := migrations(files, "m"); err == nil || !strings.HasPrefix(err.Error(), "migrations:") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestAddTotalsAddsFieldByField(t *testing.T) {
	got, err := AddTotals(`{"D":100,"ob-1":60}`, `{"D":-20,"districts":1}`)
	if want := `{"D":80,"districts":1,"ob-1":60}`; err != nil || got != want {
		t.Errorf("AddTotals = %s, %v; want %s", got, err, want)
	}
	// PostgreSQL writes jsonb with spaces; SQLite may meet either.
	if got, err := AddTotals(`{"D": 1}`, `{}`); err != nil || got != `{"D":1}` {
		t.Errorf("AddTotals of jsonb text = %s, %v", got, err)
	}
	for _, bad := range []string{``, `[1]`, `{"D":"x"}`, `{"D":1.5}`} {
		if _, err := AddTotals(`{}`, bad); err == nil {
			t.Errorf("AddTotals accepted %q", bad)
		}
	}
}

// The order in which deltas arrive does not change the totals: the
// property that lets concurrent transactions add to one row.
func TestAddTotalsIsOrderFree(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	fields := []string{"A1", "B", "D", "ob-1", "ob-2"}
	deltas := make([]string, 12)
	want := map[string]int64{}
	for i := range deltas {
		m := map[string]int64{}
		for _, f := range fields {
			if rng.IntN(2) == 0 {
				v := rng.Int64N(2000) - 500
				m[f] = v
				want[f] += v
			}
		}
		b, _ := json.Marshal(m)
		deltas[i] = string(b)
	}
	for range 20 {
		rng.Shuffle(len(deltas), func(i, j int) { deltas[i], deltas[j] = deltas[j], deltas[i] })
		sum := `{}`
		for _, d := range deltas {
			var err error
			if sum, err = AddTotals(sum, d); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := decodeTotals(sum)
		if !maps.Equal(got, want) {
			t.Fatalf("sum %v, want %v", got, want)
		}
	}
}

// FuzzDecodeTotals: the short scanner of totals objects reads what
// encoding/json reads, and what it cannot read it leaves to
// encoding/json; what encodeTotals writes reads back the same.
func FuzzDecodeTotals(f *testing.F) {
	for _, s := range []string{`{}`, `{"D":1}`, `{"D": -20, "ob-1": 60}`, `{"A1":1,"A1":2}`, `{"\u0041":1}`, `{"D":01}`,
		`{"D":1.0}`, `{"D":1e3}`, `null`, ` { "D" : 9223372036854775807 } `, `{"D":9223372036854775808}`, `{"D":-}`, `{"D":1,}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := map[string]int64{}
		jsonErr := json.Unmarshal([]byte(s), &want)
		if jsonErr == nil && strings.TrimSpace(s) == "null" {
			jsonErr = errors.New("null")
		}
		if got, ok := scanTotals(s); ok {
			if jsonErr != nil || !maps.Equal(got, want) {
				t.Fatalf("scanTotals(%q) = %v; encoding/json: %v, %v", s, got, want, jsonErr)
			}
		}
		got, err := decodeTotals(s)
		if (err == nil) != (jsonErr == nil) || (err == nil && !maps.Equal(got, want)) {
			t.Fatalf("decodeTotals(%q) = %v, %v; encoding/json: %v, %v", s, got, err, want, jsonErr)
		}
		if err == nil {
			back, err := decodeTotals(string(encodeTotals(got)))
			if err != nil || !maps.Equal(back, got) {
				t.Fatalf("encodeTotals(%v) = %s reads back as %v, %v", got, encodeTotals(got), back, err)
			}
		}
	})
}
