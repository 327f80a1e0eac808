package station_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/fuzzseed"
	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/stationtest"
)

// countingStation sets up a station of the example town in a fresh folder
// and runs its day to the count: the in-person district 101 with five of
// its roster, or the postal district 901 with five members added; polls
// opened and closed, the clock at 18:30. It returns the station and the
// ids of two members present.
func countingStation(tb testing.TB, district string) (*station.Station, [2]string) {
	tb.Helper()
	ctx := context.Background()
	c := stationtest.NewClock(stationtest.Day(7, 30))
	sealed, pin := stationtest.Kit(tb, district, stationtest.KitOptions{})
	s, err := station.Setup(ctx, filepath.Join(tb.TempDir(), "data"), sealed, pin, station.Options{Now: c.Now})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	var ids []string
	if district == "901" {
		for i, role := range []ballot.Role{ballot.RoleChair, ballot.RoleSecretary, ballot.RoleAssessor, ballot.RoleAssessor, ballot.RoleAssessor} {
			m, err := s.AddMember(ctx, ballot.Member{Name: fmt.Sprintf("Mitglied %d", i+1), Role: role})
			if err != nil {
				tb.Fatal(err)
			}
			ids = append(ids, m.ID)
		}
	} else {
		for _, m := range s.District().Roster[:5] {
			ids = append(ids, m.ID)
		}
	}
	for _, id := range ids {
		if _, err := s.CheckIn(ctx, id, time.Time{}); err != nil {
			tb.Fatal(err)
		}
	}
	c.Set(stationtest.Day(8, 0))
	if _, err := s.OpenPolls(ctx, time.Time{}); err != nil {
		tb.Fatal(err)
	}
	c.Set(stationtest.Day(18, 0))
	if _, err := s.ClosePolls(ctx, time.Time{}); err != nil {
		tb.Fatal(err)
	}
	c.Set(stationtest.Day(18, 30))
	return s, [2]string{ids[0], ids[2]}
}

// readFigures reads a count file as `station count --file` does.
func readFigures(b []byte) (ballot.Count, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var c ballot.Count
	if dec.Decode(&c) != nil {
		return c, false
	}
	return c, true
}

// fuzzContests are the contests FuzzEnterCount enters, picked by index:
// the mayor (majority), the council (cumulative) and one the district does
// not count.
var fuzzContests = []string{"ob", "sr", "bt"}

// FuzzEnterCount enters arbitrary figures, read as a count file, as the
// first and then, identically, as the second entry of a contest, in the
// in-person district 101 or the postal district 901 of the example town
// on a real store. The optional last argument is one more option as typed
// on the command line (--vote KEY=N). Nothing panics; a district's own
// contest is always entered; the second, identical entry agrees with the
// first (read back from the store) and has the same findings, which are
// those CheckCount gives the figures.
func FuzzEnterCount(f *testing.F) {
	stations := map[bool]*station.Station{}
	members := map[bool][2]string{}
	for _, postal := range []bool{false, true} {
		district := map[bool]string{false: "101", true: "901"}[postal]
		stations[postal], members[postal] = countingStation(f, district)
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, postal bool, ci uint16, figures []byte, key string, n int64) {
		c, ok := readFigures(figures)
		if !ok {
			return
		}
		if key != "" {
			if c.Votes == nil {
				c.Votes = map[string]int64{}
			}
			c.Votes[key] = n
		}
		s, who := stations[postal], members[postal]
		contest := fuzzContests[int(ci)%len(fuzzContests)]
		first, err := s.EnterCount(ctx, contest, who[0], c)
		if contest != "bt" && !fuzzseed.CountIDsUTF8(&c) {
			// Stored as JSON such an id would change, so it is refused.
			if station.CodeOf(err) != station.CodeFiguresInvalid {
				t.Fatalf("an id that is not UTF-8: %v", err)
			}
			return
		}
		if contest == "bt" {
			if station.CodeOf(err) != station.CodeContestUnknown {
				t.Fatalf("entering a contest the district does not count: %v", err)
			}
			return
		}
		if err != nil {
			t.Fatalf("first entry refused: %v", err)
		}
		second, err := s.EnterCount(ctx, contest, who[1], c)
		if err != nil {
			t.Fatalf("second entry refused: %v", err)
		}
		if !reflect.DeepEqual(first.Findings, second.Findings) {
			t.Fatalf("the same figures have other findings the second time:\n%v\n%v", first.Findings, second.Findings)
		}
		if !second.Agreed || len(second.Diffs) != 0 || first.Slot == second.Slot {
			t.Fatalf("two identical entries do not agree: first %+v, second %+v", first, second)
		}
		// The findings are CheckCount's of the entry as the station keeps
		// it (contest set, what only a record has filled in).
		st, err := s.State(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var stored *ballot.Count
		for _, e := range st.Entries[contest] {
			if e.EnteredBy == who[1] {
				stored = e.Count
			}
		}
		if stored == nil {
			t.Fatalf("the second entry is not in the state")
		}
		check := *stored
		check.Stage, check.Version, check.EnteredBy = ballot.StageQuick, 1, []string{"first", "second"}
		if want := ballot.CheckCount(s.Definition(), s.District(), &check, ballot.CheckContext{}); !reflect.DeepEqual(want, second.Findings) {
			t.Fatalf("findings of the entry %v, of the stored entry %v", second.Findings, want)
		}
	})
}

type enterSeed struct {
	postal  bool
	contest uint16
	figures string
	key     string
	n       int64
}

// enterCountSeeds are the committed seeds of FuzzEnterCount: valid counts
// of the mayor and the council in both districts, and figures broken in
// one way each.
func enterCountSeeds() map[string]enterSeed {
	mayor := `{"b":1000,"b1":200,"invalid":10,"valid":990,"votes":{"ob-1":400,"ob-2":300,"ob-3":200,"ob-4":90}}`
	postal := `{"b":806,"b1":806,"postal":{"received":812,"queried":20,"admitted":14,"rejected":6,` +
		`"rejected_by":{"declaration-unsigned":4,"no-valid-card":2}},"invalid":6,"valid":800,` +
		`"votes":{"ob-1":300,"ob-2":250,"ob-3":150,"ob-4":100}}`
	council := `{"b":1000,"b1":200,"invalid":30,"valid":970,"votes":{"csu":300,"spd":200},` +
		`"candidate_votes":{"csu-1":150,"csu-2":150,"spd-1":200},"unchanged":400,"changed":570}`
	return map[string]enterSeed{
		"valid-mayor":            {false, 0, mayor, "", 0},
		"valid-mayor-register":   {false, 0, strings.Replace(mayor, `"b":1000`, `"a1":1409,"a2":535,"marks":800,"b":1000`, 1), "", 0},
		"valid-postal-mayor":     {true, 0, postal, "", 0},
		"valid-council":          {false, 1, council, "", 0},
		"valid-postal-council":   {true, 1, strings.Replace(council, `"b1":200`, `"b1":1000`, 1), "", 0},
		"other-contest":          {false, 2, mayor, "", 0},
		"typed-option":           {false, 0, mayor, " ob-5 ", 12},
		"typed-option-latin1":    {false, 0, mayor, "M\xfcller", 12},
		"negative-and-huge":      {false, 0, strings.Replace(mayor, `"b":1000,"b1":200`, `"b":-1,"b1":9223372036854775807`, 1), "", 0},
		"postal-in-person":       {false, 0, postal, "", 0},
		"in-person-postal-marks": {true, 0, strings.Replace(mayor, `"b":1000`, `"marks":5,"b":1000`, 1), "", 0},
		"empty":                  {false, 0, `{}`, "", 0},
		"unknown-field":          {true, 1, `{"b":1,"x":2}`, "", 0},
	}
}

// TestFuzzSeeds keeps the committed seeds of FuzzEnterCount equal to
// enterCountSeeds; run with -update-seeds after a change.
func TestFuzzSeeds(t *testing.T) {
	seeds := enterCountSeeds()
	names := make([]string, 0, len(seeds))
	for name := range seeds {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		s := seeds[name]
		if _, ok := readFigures([]byte(s.figures)); ok != (name != "unknown-field") {
			t.Errorf("%s: figures read: %v", name, ok)
		}
		want := fmt.Sprintf("go test fuzz v1\nbool(%v)\nuint16(%d)\n[]byte(%q)\nstring(%q)\nint64(%d)\n", s.postal, s.contest, s.figures, s.key, s.n)
		fuzzseed.Check(t, "FuzzEnterCount", name, []byte(want))
	}
}
