package station_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/kit"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal/sealtest"
	"github.com/wahlkoffer/wahlkoffer/station"
)

var berlin = mustLoad("Europe/Berlin")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// day returns a local time on the Musterstadt election day, 8 March 2026.
func day(h, m int) time.Time { return time.Date(2026, 3, 8, h, m, 0, 0, berlin) }

// clock is a settable clock for the station.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

var (
	kitOnce   sync.Once
	kitBytes  map[string][]byte
	officeKey seal.Signer
)

// sealedKit returns a kit for a district of Musterstadt, sealed with a
// PIN at a low work factor.
func sealedKit(t testing.TB, district string) []byte {
	t.Helper()
	kitOnce.Do(func() { kitBytes = map[string][]byte{} })
	if b, ok := kitBytes[district]; ok {
		return b
	}
	office := sealtest.Signer(t, "office")
	officeKey = office
	def, err := os.ReadFile("../testdata/musterstadt.json")
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := seal.SealPackage(office, def)
	if err != nil {
		t.Fatal(err)
	}
	pin, err := kit.GeneratePIN(sealtest.Rand("pin"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := kit.Seal(kit.Kit{ElectionID: "musterstadt-2026", District: district, Station: "station-" + district,
		Package: pkg, OfficeKey: office.Public(), StationKey: sealtest.Signer(t, "station-"+district),
		TallyURLs: []string{"http://127.0.0.1:9/"}, IssuedAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)},
		pin, kit.SealOptions{WorkFactor: 10})
	if err != nil {
		t.Fatal(err)
	}
	kitBytes[district+"/pin"] = []byte(pin)
	kitBytes[district] = b
	return b
}

func kitPIN(district string) string { return string(kitBytes[district+"/pin"]) }

// newStation sets up a station for the district in a fresh folder, with
// the clock at 07:30 on the election day.
func newStation(t *testing.T, district string) (*station.Station, *clock, string) {
	t.Helper()
	c := &clock{t: day(7, 30)}
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

// mayorCount is a valid count of the mayor contest in district 101:
// B 1000 (200 with a card), 10 invalid, 990 valid.
func mayorCount() ballot.Count {
	return ballot.Count{B: 1000, B1: 200, Invalid: 10, Valid: 990,
		Votes: map[string]int64{"ob-1": 400, "ob-2": 300, "ob-3": 200, "ob-4": 90}}
}

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
	return sealtest.Signer(t, "station-"+district).Public()
}
