package kit_test

import (
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot/kit"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal/sealtest"
)

// testWorkFactor keeps scrypt at about a millisecond, so that the suite
// can open hundreds of kits.
const testWorkFactor = 10

var fast = kit.SealOptions{WorkFactor: testWorkFactor}

func testSigner(tb testing.TB, label string) seal.Signer { return sealtest.Signer(tb, label) }

func testPIN(tb testing.TB, label string) string {
	tb.Helper()
	pin, err := kit.GeneratePIN(sealtest.Rand(label))
	if err != nil {
		tb.Fatal(err)
	}
	return pin
}

var (
	definitionOnce sync.Once
	definition     []byte
	definitionErr  error
)

// musterstadt returns the bytes of the example definition of the module.
func musterstadt(tb testing.TB) []byte {
	tb.Helper()
	definitionOnce.Do(func() { definition, definitionErr = os.ReadFile("../../testdata/musterstadt.json") })
	if definitionErr != nil {
		tb.Fatal(definitionErr)
	}
	return definition
}

// testKit returns a complete kit for district 101 of Musterstadt, with the
// package signed by office.
func testKit(tb testing.TB, office seal.Signer) kit.Kit {
	tb.Helper()
	pkg, err := seal.SealPackage(office, musterstadt(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return kit.Kit{
		Format:     kit.Format,
		ElectionID: "musterstadt-2026",
		District:   "101",
		Station:    "0b7e4a52-1f6c-4d3e-9a51-3c2f0e8d7b11",
		Package:    pkg,
		OfficeKey:  office.Public(),
		StationKey: testSigner(tb, "station-101"),
		TallyURLs:  []string{"https://wahl.musterstadt.example/", "http://10.0.0.5:8443/"},
		IssuedAt:   time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC),
	}
}

// wantCode fails unless err is a *kit.Error with the given code.
func wantCode(tb testing.TB, err error, code kit.Code) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("got no error, want %s", code)
	}
	var ke *kit.Error
	if !errors.As(err, &ke) {
		tb.Fatalf("got %T %v, want a *kit.Error with code %s", err, err, code)
	}
	if ke.Code != code {
		tb.Fatalf("got code %s (%v), want %s", ke.Code, err, code)
	}
}
