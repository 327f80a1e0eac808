package station_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/stationtest"
)

// The example town's day, clock and kits (package stationtest).
type clock = stationtest.Clock

var day = stationtest.Day

// sealedKit returns a kit for a district of Musterstadt, sealed with a
// PIN at a low work factor.
func sealedKit(t testing.TB, district string) []byte {
	t.Helper()
	b, _ := stationtest.Kit(t, district, stationtest.KitOptions{})
	return b
}

func kitPIN(district string) string { return stationtest.PIN(district) }

// newStation sets up a station for the district in a fresh folder, with
// the clock at 07:30 on the election day.
func newStation(t *testing.T, district string) (*station.Station, *clock, string) {
	t.Helper()
	c := stationtest.NewClock(day(7, 30))
	dir := filepath.Join(t.TempDir(), "data")
	sealed := sealedKit(t, district)
	s, err := station.Setup(context.Background(), dir, sealed, kitPIN(district), station.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, c, dir
}

// must fails the test on an error.
func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// wantCode fails unless err is a refusal with the code.
func wantCode(t *testing.T, err error, code station.Code) {
	t.Helper()
	if got := station.CodeOf(err); got != code {
		t.Fatalf("got error %v (code %q), want code %q", err, got, code)
	}
}

// checkInBoard checks in the first n members of district 101's roster at
// the instant at: chair, deputy chair, secretary, deputy secretary,
// assessors.
func checkInBoard(t *testing.T, s *station.Station, n int, at time.Time) {
	t.Helper()
	for _, m := range s.District().Roster[:n] {
		if _, err := s.CheckIn(context.Background(), m.ID, at); err != nil {
			t.Fatal(err)
		}
	}
}

// mayorCount is a valid count of the mayor contest in district 101.
func mayorCount() ballot.Count { return stationtest.MayorCount() }

// dayUntilCount runs district 101 to the start of counting: five members
// in at 07:30, opened 08:00, closed 18:00, clock at 18:30.
func dayUntilCount(t *testing.T, s *station.Station, c *clock) {
	t.Helper()
	ctx := context.Background()
	checkInBoard(t, s, 5, day(7, 30))
	c.Set(day(8, 0))
	must[ballot.PollsOpened](t)(s.OpenPolls(ctx, time.Time{}))
	c.Set(day(18, 0))
	must[ballot.PollsClosed](t)(s.ClosePolls(ctx, time.Time{}))
	c.Set(day(18, 30))
}

func asError(err error, target **station.Error) bool { return errors.As(err, target) }

// sealedStationKey is the public key of the district's station in the kit.
func sealedStationKey(t testing.TB, district string) ed25519.PublicKey {
	return stationtest.StationKey(t, district).Public()
}
