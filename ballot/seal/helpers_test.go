package seal_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal/sealtest"
)

func testSigner(tb testing.TB, label string) seal.Signer { return sealtest.Signer(tb, label) }

func testRing(tb testing.TB, signers ...seal.Signer) seal.Keys {
	tb.Helper()
	k := seal.Keys{}
	for _, s := range signers {
		if _, err := k.Add(s.Public()); err != nil {
			tb.Fatal(err)
		}
	}
	return k
}

// wantCode fails unless err is a *seal.Error with the given code.
func wantCode(tb testing.TB, err error, code seal.Code) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("got no error, want %s", code)
	}
	var se *seal.Error
	if !errors.As(err, &se) {
		tb.Fatalf("got %T %v, want a *seal.Error with code %s", err, err, code)
	}
	if se.Code != code {
		tb.Fatalf("got code %s (%v), want %s", se.Code, err, code)
	}
}

func must[T any](tb testing.TB) func(T, error) T {
	return func(v T, err error) T {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
		return v
	}
}

// The fixture election: a definition, its hash and a station's header.
var (
	testDefinition = []byte(`{"format":"wahlkoffer-election/1","election":{"id":"bw-2025","title":"Bundestagswahl 2025"}}`)
	testPkgHash    = seal.PackageHash(testDefinition)
	t0             = time.Date(2025, 2, 23, 8, 0, 0, 0, time.UTC)
)

func testHeader(kind ballot.RecordKind, seq uint64) ballot.Header {
	return ballot.Header{
		ElectionID:  "bw-2025",
		PackageHash: testPkgHash,
		District:    "001-01",
		Station:     "st-001-01",
		Seq:         seq,
		Time:        t0.Add(time.Duration(seq) * time.Minute),
		Kind:        kind,
	}
}

// testBodies holds one body per record kind.
func testBodies() map[ballot.RecordKind]any {
	return map[ballot.RecordKind]any{
		ballot.RecordCheckIn: &ballot.CheckIn{
			Person: ballot.Member{ID: "m1", Name: "Anna Schmidt", Role: ballot.RoleChair}, At: t0,
		},
		ballot.RecordCheckOut:    &ballot.CheckOut{PersonID: "m1", At: t0.Add(10 * time.Hour)},
		ballot.RecordPollsOpened: &ballot.PollsOpened{At: t0},
		ballot.RecordPollsClosed: &ballot.PollsClosed{At: t0.Add(10 * time.Hour)},
		ballot.RecordTurnout:     &ballot.Turnout{Slot: "12:00", At: t0.Add(3 * time.Hour), Voters: 312},
		ballot.RecordIncident:    &ballot.Incident{At: t0.Add(time.Hour), Text: "Wähler mit Hund; Hund draußen gewartet."},
		ballot.RecordCount:       typicalCount(),
	}
}

// typicalCount is a final count of a list contest with twelve lists, a
// record of the 1-2 KiB size the tally receives most.
func typicalCount() *ballot.Count {
	marks := int64(1010)
	return &ballot.Count{
		Contest: "zweitstimme", Stage: ballot.StageFinal, Version: 1,
		A1: 1480, A2: 230, B: 1245, B1: 235, Marks: &marks,
		Invalid: 14, Valid: 1231,
		Votes: map[string]int64{
			"cdu": 352, "afd": 241, "spd": 198, "gruene": 161, "linke": 97,
			"bsw": 61, "fdp": 54, "fw": 31, "volt": 36, "die-partei": 12,
			"tierschutzpartei": 9, "oedp": 4,
		},
		Reasons:   map[string]string{"b-marks": "Zwei Wähler mit Wahlschein ohne Vermerk im Verzeichnis; geprüft und zugelassen."},
		EnteredBy: []string{"m1", "m3"},
	}
}

// wireEnv is an envelope as plain JSON, for tests that take one apart.
type wireEnv struct {
	Payload     string    `json:"payload"`
	PayloadType string    `json:"payloadType"`
	Signatures  []wireSig `json:"signatures"`
}

type wireSig struct {
	KeyID string `json:"keyid"`
	Sig   string `json:"sig"`
}

func parseWire(tb testing.TB, b []byte) wireEnv {
	tb.Helper()
	var w wireEnv
	if err := json.Unmarshal(b, &w); err != nil {
		tb.Fatal(err)
	}
	return w
}

func (w wireEnv) bytes(tb testing.TB) []byte {
	tb.Helper()
	b, err := json.Marshal(w)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
