package seal_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
)

func TestPackageRoundTrip(t *testing.T) {
	office := testSigner(t, "office")
	pkg, err := seal.SealPackage(office, testDefinition)
	if err != nil {
		t.Fatal(err)
	}
	def, hash, err := seal.OpenPackage(pkg, office.Public())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(def, testDefinition) || hash != testPkgHash {
		t.Fatalf("OpenPackage = %s, %s", def, hash)
	}
	// The hash is of the bytes as the office wrote them, white space and all.
	if seal.PackageHash([]byte("{}")) == seal.PackageHash([]byte("{ }")) {
		t.Fatal("PackageHash ignores white space")
	}
}

// A package is larger than a record: a definition of a state with its
// districts runs to megabytes and must still go through.
func TestPackageLarge(t *testing.T) {
	office := testSigner(t, "office")
	def := []byte(`{"districts":["` + strings.Repeat("x", 3*seal.MaxEnvelopeSize) + `"]}`)
	pkg, err := seal.SealPackage(office, def)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := seal.OpenPackage(pkg, office.Public()); err != nil {
		t.Fatal(err)
	}
	_, err = seal.SealPackage(office, []byte(`"`+strings.Repeat("x", seal.MaxPackageSize)+`"`))
	wantCode(t, err, seal.CodeEnvelopeTooLarge)
	_, _, err = seal.OpenPackage(make([]byte, seal.MaxPackageSize+1), office.Public())
	wantCode(t, err, seal.CodeEnvelopeTooLarge)
}

func TestPackageRefused(t *testing.T) {
	office, station := testSigner(t, "office"), testSigner(t, "station")
	pkg, _ := seal.SealPackage(office, testDefinition)

	// Signed by someone other than the office.
	forged, _ := seal.SealPackage(station, testDefinition)
	_, _, err := seal.OpenPackage(forged, office.Public())
	wantCode(t, err, seal.CodeKeyUnknown)

	// A record or a receipt signed by the office is not a package.
	rec, _ := seal.SealRecord(office, testHeader(ballot.RecordPollsOpened, 1), &ballot.PollsOpened{At: t0})
	_, _, err = seal.OpenPackage(rec, office.Public())
	wantCode(t, err, seal.CodePayloadTypeUnknown)

	// Tampered definition.
	w := parseWire(t, pkg)
	w.Payload = w.Payload[:len(w.Payload)-4] + "fQ=="
	_, _, err = seal.OpenPackage(w.bytes(t), office.Public())
	wantCode(t, err, seal.CodeSignatureInvalid)

	// Signed, but not JSON.
	notJSON, _ := seal.Sign(office, seal.PackagePayloadType, []byte("format: wahlkoffer-election/1"))
	_, _, err = seal.OpenPackage(notJSON, office.Public())
	wantCode(t, err, seal.CodePayloadMalformed)
	_, err = seal.SealPackage(office, []byte("format: wahlkoffer-election/1"))
	wantCode(t, err, seal.CodePayloadMalformed)

	// A broken office key is the caller's problem, not a bad package.
	_, _, err = seal.OpenPackage(pkg, office.Public()[:10])
	wantCode(t, err, seal.CodeKeyInvalid)
}
