package seal

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// PackagePayloadType is the payload type of the election package: the
// election definition, signed by the office.
const PackagePayloadType = "application/vnd.wahlkoffer.election+json"

// MaxPackageSize bounds an election package envelope, in bytes. A package
// carries the whole definition, which for a city or a state with tens of
// thousands of districts and their rosters runs to megabytes, so it gets its
// own, larger bound than MaxEnvelopeSize; it still comes only from the
// office and is verified before it is parsed.
const MaxPackageSize = 64 << 20

// PackageHash returns the lowercase hex SHA-256 of definition bytes: the
// Header.PackageHash of every record made against them.
func PackageHash(definition []byte) string {
	sum := sha256.Sum256(definition)
	return hex.EncodeToString(sum[:])
}

// SealPackage signs the definition bytes as the election package. The bytes
// are signed as they are, not re-encoded, so that the hash a station
// computes is the hash the office computed.
func SealPackage(office Signer, definition []byte) ([]byte, error) {
	if !validJSON(definition) {
		return nil, newError(CodePayloadMalformed, "election definition is not valid JSON")
	}
	return sign(office, PackagePayloadType, definition, MaxPackageSize)
}

// OpenPackage verifies an election package against the office's public key
// and returns the definition bytes and their PackageHash. Parsing and
// validating the definition is the caller's next step.
func OpenPackage(pkg []byte, officeKey ed25519.PublicKey) (definition []byte, hash string, err error) {
	ring, err := singleKey(officeKey)
	if err != nil {
		return nil, "", err
	}
	op, err := open(pkg, ring, MaxPackageSize)
	if err != nil {
		return nil, "", err
	}
	if op.PayloadType != PackagePayloadType {
		return nil, "", newError(CodePayloadTypeUnknown, fmt.Sprintf("payload type %q is not an election package", op.PayloadType))
	}
	if !validJSON(op.Payload) {
		return nil, "", newError(CodePayloadMalformed, "election definition is not valid JSON")
	}
	return op.Payload, PackageHash(op.Payload), nil
}

// validJSON reports whether b is one JSON value in valid UTF-8: the least
// a definition must be to be worth signing or handing on.
func validJSON(b []byte) bool { return utf8.Valid(b) && json.Valid(b) }

// singleKey is a ring of one key, for what only the office signs.
func singleKey(pub ed25519.PublicKey) (Keys, error) {
	return NewKeys(pub)
}
