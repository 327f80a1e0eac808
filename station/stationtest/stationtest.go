// Package stationtest holds what the tests of the station, its terminal
// app and the end-to-end tests share: the example town's election day, a
// settable clock, kits sealed quickly with deterministic keys and PINs,
// and a valid count. It is for tests only.
package stationtest

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/kit"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal/sealtest"
)

// Berlin is the example town's time zone.
var Berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	return loc
}()

// Day is a local time on the example town's election day, 8 March 2026.
func Day(h, m int) time.Time { return time.Date(2026, 3, 8, h, m, 0, 0, Berlin) }

// Clock is a settable clock, safe for the station and an app sharing it.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock is a clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now is the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// Musterstadt returns the example town's definition, testdata/musterstadt.json.
func Musterstadt(tb testing.TB) []byte {
	tb.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		tb.Fatal("stationtest: cannot find the module's testdata")
	}
	b, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "testdata", "musterstadt.json"))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Office is the deterministic office key of the tests.
func Office(tb testing.TB) seal.Signer { return sealtest.Signer(tb, "office") }

// StationKey is the deterministic key of a district's laptop.
func StationKey(tb testing.TB, district string) seal.Signer {
	return sealtest.Signer(tb, "station-"+district)
}

// KitOptions shape a kit; every field has a default.
type KitOptions struct {
	Package    []byte            // default: the example town signed by Office
	OfficeKey  ed25519.PublicKey // default: Office's
	StationKey seal.Signer       // default: StationKey(district)
	Station    string            // default: "station-" + district
	URLs       []string          // nil: an address where nothing answers; empty, not nil: USB only
	IssuedAt   time.Time         // default: 1 March 2026
}

// Kit seals a kit for a district at a low work factor (a real kit takes a
// second to open) and returns it with its PIN, the same for the same
// district.
func Kit(tb testing.TB, district string, o KitOptions) (sealed []byte, pin string) {
	tb.Helper()
	if o.Package == nil {
		office := Office(tb)
		pkg, err := seal.SealPackage(office, Musterstadt(tb))
		if err != nil {
			tb.Fatal(err)
		}
		o.Package, o.OfficeKey = pkg, office.Public()
	}
	if o.StationKey.KeyID() == "" {
		o.StationKey = StationKey(tb, district)
	}
	if o.Station == "" {
		o.Station = "station-" + district
	}
	if o.URLs == nil {
		o.URLs = []string{"http://127.0.0.1:9/"}
	}
	if o.IssuedAt.IsZero() {
		o.IssuedAt = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	}
	pin = PIN(district)
	sealed, err := kit.Seal(kit.Kit{ElectionID: "musterstadt-2026", District: district, Station: o.Station,
		Package: o.Package, OfficeKey: o.OfficeKey, StationKey: o.StationKey, TallyURLs: o.URLs, IssuedAt: o.IssuedAt},
		pin, kit.SealOptions{WorkFactor: 10})
	if err != nil {
		tb.Fatal(err)
	}
	return sealed, pin
}

// PIN is the PIN of the district's kit made by Kit.
func PIN(district string) string {
	pin, err := kit.GeneratePIN(sealtest.Rand("pin " + district))
	if err != nil {
		panic(err) // a deterministic reader does not fail
	}
	return pin
}

// MayorCount is a valid count of the mayor contest of an in-person
// district of the example town: B 1000 (200 with a polling card), 10
// invalid, 990 valid.
func MayorCount() ballot.Count {
	return ballot.Count{B: 1000, B1: 200, Invalid: 10, Valid: 990,
		Votes: map[string]int64{"ob-1": 400, "ob-2": 300, "ob-3": 200, "ob-4": 90}}
}
