// Package evidence writes and reads the evidence file: what an observer
// needs to check an election's published result without the office's
// database. It holds the signed election package, the office's public key,
// the enrolled station keys, every accepted envelope with the office's
// receipt for it, and a manifest signed by the office that binds them all.
//
// # Format "wahlkoffer-evidence/1"
//
// JSON Lines: UTF-8, one JSON object per line, each line ended by a line
// feed, written by encoding/json without HTML escaping and without any white
// space, members in the order shown. Every value that is itself a signed
// document (the package, the DSSE envelopes, the receipts) is embedded as a
// JSON string holding its bytes exactly as they were signed or received, so
// `jq -r .envelope` gives them back byte for byte. The header comes first:
//
//	{"format":"wahlkoffer-evidence/1","election_id":"<id>",
//	 "exported_at":"<RFC 3339, UTC>","office_key":"<PEM public key>",
//	 "package":"<the election package, a DSSE envelope>"}
//
// The key list, in one or more parts of one line each, so that each part's
// envelope stays within seal.MaxEnvelopeSize:
//
//	{"keys":"<DSSE envelope by the office key>"}
//
// with payload type KeysPayloadType and the payload
//
//	{"election_id":"<id>","package_hash":"<hex>","part":1,"parts":1,
//	 "keys":[{"key_id":"<hex>","public_key":"<PEM>","district":"<id>",
//	          "station":"<id>","enrolled_at":"<UTC>","revoked_at":"<UTC>"},...]}
//
// where revoked_at is left out for a key still valid, and the keys are
// sorted by district, enrolled_at and key_id over all parts. Then one line
// per accepted envelope, in the order of export:
//
//	{"envelope":"<DSSE envelope of a station record>","receipt":"<the office's receipt>"}
//
// and last the manifest:
//
//	{"manifest":"<DSSE envelope by the office key>"}
//
// with payload type ManifestPayloadType and the payload
//
//	{"format":"wahlkoffer-evidence/1","election_id":"<id>","package_hash":"<hex>",
//	 "header_sha256":"<hex>","keys_sha256":"<hex>","count":<records>,"chain":"<hex>",
//	 "certifications":[{"contest":"<id>","certified_at":"<UTC>","by":"<who>"},...]}
//
// where certifications lists the contests certified when the file was
// exported (sorted by contest id; empty when none), so that an observer
// sees the same status as the office's results.
//
// Hashes are lowercase hex SHA-256. package_hash is seal.PackageHash of the
// definition, the hash every record carries. header_sha256 is over the
// header line without its line feed. keys_sha256 is over the concatenated
// raw SHA-256 digests of the key list envelopes in order. chain starts as 32
// zero bytes and takes, for each record line in order,
//
//	chain = SHA-256(chain || SHA-256(envelope) || SHA-256(receipt))
//
// over the raw digests, so it fixes the set, the order and the bytes of
// every envelope and receipt.
//
// # Why any changed byte is found
//
// The reader accepts each line only in the one spelling the writer gives it
// (decoding and re-encoding must give the same bytes) and the office's
// envelopes only as package seal writes them. Every byte of the file is then
// a function of the values those lines carry, and each value is bound by a
// signature and by the manifest: the header by header_sha256, the key list
// by its signatures and keys_sha256, the records and receipts by their
// signatures, the receipts' hashes and the chain, the manifest by its own
// signature. Lines cannot be dropped, added, repeated or reordered without
// changing the count or the chain.
//
// What the file cannot show by itself is who the office is: a file forged
// from scratch with another key is consistent in itself. Read therefore
// takes the office key the caller trusts (published by the office), or nil
// to take the file's own and hand it back for comparison.
package evidence

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
)

// Format names this layout of the evidence file.
const Format = "wahlkoffer-evidence/1"

// Payload types of the office's envelopes in the file.
const (
	KeysPayloadType     = "application/vnd.wahlkoffer.keys+json"
	ManifestPayloadType = "application/vnd.wahlkoffer.evidence-manifest+json"
)

// MaxLineSize bounds every line but the header, in bytes, its line feed
// included. A record line holds an envelope of up to seal.MaxEnvelopeSize
// and a receipt; as JSON strings they can take up to twice their size (a
// quote or line feed becomes two bytes), and the tally stores envelopes as
// received, so the bound is twice the envelope's plus room for the receipt.
const MaxLineSize = 2*seal.MaxEnvelopeSize + 64<<10

// MaxReceiptSize bounds a receipt, in bytes. The office's receipts are a
// few hundred bytes; the bound keeps the record line within MaxLineSize.
const MaxReceiptSize = 16 << 10

// MaxHeaderSize bounds the header line, which carries the election package
// of up to seal.MaxPackageSize, in bytes.
const MaxHeaderSize = seal.MaxPackageSize + 1<<20

// maxParts bounds the parts of the key list: at about a thousand keys per
// part, far beyond any election.
const maxParts = 10000

// Key is a station key as the office enrolled it.
type Key struct {
	PublicKey ed25519.PublicKey
	District  string // the district the key signs for
	Station   string // the station id of this enrollment
	// EnrolledAt and RevokedAt (zero while the key is valid) bound when the
	// office accepted records signed by the key: a record's receipt must
	// fall in EnrolledAt <= ReceivedAt < RevokedAt, both by the office's
	// clock. A record received before its key was revoked stays valid.
	EnrolledAt time.Time
	RevokedAt  time.Time
}

// ID returns the key's id, as the key list and the envelopes name it.
func (k Key) ID() seal.KeyID { return seal.KeyIDOf(k.PublicKey) }

// Header is what the writer puts in the first line besides the office key.
type Header struct {
	ElectionID string
	Package    []byte    // the signed election package, verbatim
	ExportedAt time.Time // taken in UTC
	// Certifications are the contests certified at the export; the
	// manifest carries them, sorted by contest.
	Certifications []Certification
}

// The lines of the file. Member order is encoding order.
type headerLine struct {
	Format     string    `json:"format"`
	ElectionID string    `json:"election_id"`
	ExportedAt time.Time `json:"exported_at"`
	OfficeKey  string    `json:"office_key"`
	Package    string    `json:"package"`
}

type keysLine struct {
	Keys string `json:"keys"`
}

type recordLine struct {
	Envelope string `json:"envelope"`
	Receipt  string `json:"receipt"`
}

type manifestLine struct {
	Manifest string `json:"manifest"`
}

// keyList is the payload of one part of the key list.
type keyList struct {
	ElectionID  string    `json:"election_id"`
	PackageHash string    `json:"package_hash"`
	Part        int       `json:"part"`
	Parts       int       `json:"parts"`
	Keys        []wireKey `json:"keys"`
}

type wireKey struct {
	KeyID      string    `json:"key_id"`
	PublicKey  string    `json:"public_key"`
	District   string    `json:"district"`
	Station    string    `json:"station"`
	EnrolledAt time.Time `json:"enrolled_at"`
	RevokedAt  time.Time `json:"revoked_at,omitzero"`
}

// manifest is the payload of the last line.
type manifest struct {
	Format         string          `json:"format"`
	ElectionID     string          `json:"election_id"`
	PackageHash    string          `json:"package_hash"`
	HeaderSHA256   string          `json:"header_sha256"`
	KeysSHA256     string          `json:"keys_sha256"`
	Count          uint64          `json:"count"`
	Chain          string          `json:"chain"`
	Certifications []Certification `json:"certifications"`
}

// Certification is a contest certified by the electoral committee, as the
// office recorded it.
type Certification struct {
	Contest     string    `json:"contest"`
	CertifiedAt time.Time `json:"certified_at"`
	By          string    `json:"by"`
}

// checkCertifications requires contests of the definition, each once, in
// order, certified at a time in UTC.
func checkCertifications(certs []Certification, def *ballot.Definition) error {
	for i, c := range certs {
		if _, _, ok := def.Contest(c.Contest); !ok {
			return fmt.Errorf("certification of %q: not a contest of the election", c.Contest)
		}
		if i > 0 && certs[i-1].Contest >= c.Contest {
			return fmt.Errorf("certifications are not sorted by contest or repeat %q", c.Contest)
		}
		if c.CertifiedAt.IsZero() || c.CertifiedAt.Location() != time.UTC {
			return fmt.Errorf("certification of %q: certified_at is not set in UTC", c.Contest)
		}
	}
	return nil
}

// encodeJSON appends the canonical encoding of v: encoding/json without
// HTML escaping, with the line feed of Encoder.Encode when line is set.
func encodeJSON(dst *bytes.Buffer, v any, line bool) error {
	start := dst.Len()
	enc := json.NewEncoder(dst)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		dst.Truncate(start)
		return err
	}
	if !line {
		dst.Truncate(dst.Len() - 1)
	}
	return nil
}

// decodeCanonical decodes b into v and requires that encoding v again gives
// b exactly. This one comparison refuses unknown, duplicated, reordered or
// differently cased members, white space, other escapes of the same string,
// other spellings of a time, trailing data and, with normalize making nil
// lists empty, null: whatever could make two readers see different things,
// or let a byte change without changing a value.
func decodeCanonical(b []byte, v any, line bool, normalize func()) error {
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	if normalize != nil {
		normalize()
	}
	var again bytes.Buffer
	again.Grow(len(b))
	if err := encodeJSON(&again, v, line); err != nil {
		return err
	}
	if !bytes.Equal(again.Bytes(), b) {
		return errors.New("not in the canonical encoding")
	}
	return nil
}

// sealEnvelope is the wire form of a DSSE envelope as seal.Sign writes it.
type sealEnvelope struct {
	Payload     string `json:"payload"`
	PayloadType string `json:"payloadType"`
	Signatures  []struct {
		KeyID string `json:"keyid"`
		Sig   string `json:"sig"`
	} `json:"signatures"`
}

// checkOfficeEnvelope requires an envelope of the office to be exactly as
// seal.Sign writes it: compact JSON with HTML escaping, one signature,
// standard padded base64. seal.Open accepts other spellings (re-spaced
// JSON, URL-safe base64) that would let a byte change and still verify.
func checkOfficeEnvelope(b []byte) error {
	var e sealEnvelope
	if err := json.Unmarshal(b, &e); err != nil {
		return err
	}
	again, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if !bytes.Equal(again, b) {
		return errors.New("envelope is not in the form seal writes")
	}
	if len(e.Signatures) != 1 {
		return fmt.Errorf("envelope has %d signatures, the office writes one", len(e.Signatures))
	}
	for _, s := range []string{e.Payload, e.Signatures[0].Sig} {
		raw, err := base64.StdEncoding.Strict().DecodeString(s)
		if err != nil || base64.StdEncoding.EncodeToString(raw) != s {
			return errors.New("envelope base64 is not standard padded base64")
		}
	}
	return nil
}

// toWire and fromWire convert a key list entry.
func toWire(k Key) (wireKey, error) {
	pem, err := seal.MarshalPublicKeyPEM(k.PublicKey)
	if err != nil {
		return wireKey{}, err
	}
	return wireKey{
		KeyID: string(k.ID()), PublicKey: string(pem), District: k.District, Station: k.Station,
		EnrolledAt: k.EnrolledAt.UTC(), RevokedAt: utcOrZero(k.RevokedAt),
	}, nil
}

func utcOrZero(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

func fromWire(w wireKey) (Key, error) {
	pub, err := seal.ParsePublicKeyPEM([]byte(w.PublicKey))
	if err != nil {
		return Key{}, err
	}
	if again, _ := seal.MarshalPublicKeyPEM(pub); string(again) != w.PublicKey {
		return Key{}, errors.New("public key PEM is not in the form seal writes")
	}
	k := Key{PublicKey: pub, District: w.District, Station: w.Station, EnrolledAt: w.EnrolledAt, RevokedAt: w.RevokedAt}
	if string(k.ID()) != w.KeyID {
		return Key{}, fmt.Errorf("key_id %q is not the id of the key", w.KeyID)
	}
	return k, nil
}

// checkKey checks one key of the list, whichever side holds it.
func checkKey(k Key, office ed25519.PublicKey, districts map[string]bool) error {
	if len(k.PublicKey) != ed25519.PublicKeySize {
		return fmt.Errorf("public key has %d bytes", len(k.PublicKey))
	}
	if k.PublicKey.Equal(office) {
		return errors.New("the office key is listed as a station key")
	}
	if err := seal.CheckID("district", k.District); err != nil {
		return err
	}
	if !districts[k.District] {
		return fmt.Errorf("district %q is not in the election definition", k.District)
	}
	if err := seal.CheckID("station", k.Station); err != nil {
		return err
	}
	if k.EnrolledAt.IsZero() || k.EnrolledAt.Location() != time.UTC {
		return fmt.Errorf("key %s: enrolled_at is not set in UTC", k.ID())
	}
	if !k.RevokedAt.IsZero() && (k.RevokedAt.Location() != time.UTC || k.RevokedAt.Before(k.EnrolledAt)) {
		return fmt.Errorf("key %s: revoked_at is not in UTC or before enrolled_at", k.ID())
	}
	return nil
}

// keyLess is the order of the key list: district, enrolled_at, key id.
func keyLess(a, b Key) int {
	switch {
	case a.District != b.District:
		if a.District < b.District {
			return -1
		}
		return 1
	case !a.EnrolledAt.Equal(b.EnrolledAt):
		return a.EnrolledAt.Compare(b.EnrolledAt)
	case a.ID() < b.ID():
		return -1
	case a.ID() > b.ID():
		return 1
	}
	return 0
}
