package sqlutil

import (
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
