// Package kit seals and opens the station kit: everything the laptop of a
// polling station needs to work offline on election day, handed out by the
// election office when it enrolls the station and sealed with a PIN.
//
// A kit file is a binary age file (https://age-encryption.org/v1, filippo.io/age)
// with one scrypt recipient, the PIN. The suggested file name extension is
// ".wkkit" (FileExtension). Inside is one JSON object, written by
// encoding/json in exactly this member order and without white space:
//
//	{"format":"wahlkoffer-kit/1","election_id":"musterstadt-2026",
//	 "district":"101","station":"<station id>","issued_at":"2026-03-01T09:00:00Z",
//	 "tally_urls":["https://wahl.example/"],
//	 "office_key":"-----BEGIN PUBLIC KEY-----\n...-----END PUBLIC KEY-----\n",
//	 "station_key":"-----BEGIN PRIVATE KEY-----\n...-----END PRIVATE KEY-----\n",
//	 "package":"{\"payload\":\"...\",\"payloadType\":...}"}
//
// package is the signed election package (a DSSE envelope) as a JSON
// string, byte for byte; the keys are PEM as package seal writes them.
// Open accepts this encoding and no other spelling of it: unknown,
// duplicated or differently spelled members are refused.
//
// kit does no I/O: callers hand it bytes and get bytes back.
package kit

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"time"
	"unicode/utf8"

	"filippo.io/age"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
)

// Format is the format of the kit's contents this package writes and reads.
const Format = "wahlkoffer-kit/1"

// FileExtension is the suggested extension of a kit file.
const FileExtension = ".wkkit"

// DefaultWorkFactor is the scrypt work factor (log2 of N) Seal uses unless
// told otherwise: age's own default, about a second and 256 MiB of memory
// per attempt on a current laptop, which is what every guess at a lost
// kit's PIN costs too.
const DefaultWorkFactor = 18

// MaxWorkFactor is the largest work factor Seal writes and Open accepts
// (age's default limit, some 15 seconds per attempt). A larger one would
// let a bogus kit keep a station busy for minutes.
const MaxWorkFactor = 22

// MaxContentSize bounds the decrypted contents of a kit, in bytes: an
// election package of up to seal.MaxPackageSize and a megabyte for the rest.
// Open stops reading beyond it, so a bogus kit cannot exhaust memory.
const MaxContentSize = seal.MaxPackageSize + 1<<20

// Kit is what a station needs: its election, district and identity, the
// signed election package, the office's public key to check the package and
// the receipts, the station's private key to sign its records, and where to
// send them.
type Kit struct {
	Format     string // Format; Seal fills it in when empty
	ElectionID string
	District   string
	// Station is the station's id, stable for this enrollment (e.g. a UUID
	// the office chose); it is the station of every record the kit's key
	// signs.
	Station    string
	Package    []byte            // the signed election package (DSSE), verbatim
	OfficeKey  ed25519.PublicKey // checks the package and the receipts
	StationKey seal.Signer       // the station's private key
	// TallyURLs are the tally's base URLs (http or https), tried in order.
	// A kit without any is for a station that delivers by USB only.
	TallyURLs []string
	IssuedAt  time.Time // UTC
}

// SealOptions tunes Seal.
type SealOptions struct {
	// WorkFactor is the scrypt work factor, 1 to MaxWorkFactor; 0 means
	// DefaultWorkFactor. Tests use a low one to stay fast; a real kit keeps
	// the default.
	WorkFactor int
}

// wireKit is the JSON inside the age file. The member order is the order of
// encoding, and Open compares against it.
type wireKit struct {
	Format     string    `json:"format"`
	ElectionID string    `json:"election_id"`
	District   string    `json:"district"`
	Station    string    `json:"station"`
	IssuedAt   time.Time `json:"issued_at"`
	TallyURLs  []string  `json:"tally_urls"`
	OfficeKey  string    `json:"office_key"`
	StationKey string    `json:"station_key"`
	Package    string    `json:"package"`
}

// Seal checks k (see Check) and the PIN and returns the sealed kit. The PIN
// is normalized (see NormalizePIN) and must pass the rules of CheckPIN;
// GeneratePIN makes one that does. A refused PIN is kit-pin-weak, a refused
// kit has the code Check gives it. Sealing is randomized (age draws a fresh
// salt and file key), so two seals of one kit differ.
func Seal(k Kit, pin string, opts SealOptions) ([]byte, error) {
	p := NormalizePIN(pin)
	if err := checkPINShape(p); err != nil {
		return nil, wrapError(CodePINWeak, "the PIN is not fit to seal a kit", err)
	}
	if k.Format == "" {
		k.Format = Format
	}
	k.IssuedAt = k.IssuedAt.UTC()
	if err := k.Check(); err != nil {
		return nil, err
	}
	return sealContents(k, p, opts)
}

// sealContents encrypts k without checking it; tests use it to make kits
// that Seal would refuse.
func sealContents(k Kit, normalizedPIN string, opts SealOptions) ([]byte, error) {
	wf := opts.WorkFactor
	if wf == 0 {
		wf = DefaultWorkFactor
	}
	if wf < 1 || wf > MaxWorkFactor {
		return nil, newError(CodeDamaged, fmt.Sprintf("work factor %d is outside 1 to %d", wf, MaxWorkFactor))
	}
	plain, err := encode(k)
	if err != nil {
		return nil, err
	}
	rcpt, err := age.NewScryptRecipient(normalizedPIN)
	if err != nil {
		return nil, wrapError(CodePINWeak, "sealing the kit", err)
	}
	rcpt.SetWorkFactor(wf)
	var out bytes.Buffer
	w, err := age.Encrypt(&out, rcpt)
	if err != nil {
		return nil, wrapError(CodeDamaged, "sealing the kit", err)
	}
	if _, err := w.Write(plain); err != nil {
		return nil, wrapError(CodeDamaged, "sealing the kit", err)
	}
	if err := w.Close(); err != nil {
		return nil, wrapError(CodeDamaged, "sealing the kit", err)
	}
	return out.Bytes(), nil
}

// encode returns the kit's contents in their one accepted spelling.
func encode(k Kit) ([]byte, error) {
	office, err := seal.MarshalPublicKeyPEM(k.OfficeKey)
	if err != nil {
		return nil, wrapError(CodeDamaged, "office key", err)
	}
	station, err := k.StationKey.MarshalPEM()
	if err != nil {
		return nil, wrapError(CodeDamaged, "station key", err)
	}
	if !utf8.Valid(k.Package) {
		// A JSON string carries only valid UTF-8 unchanged; a package that
		// is not would not verify anyway.
		return nil, newError(CodeDamaged, "election package is not valid UTF-8")
	}
	urls := k.TallyURLs
	if urls == nil {
		urls = []string{}
	}
	plain, err := json.Marshal(wireKit{
		Format: k.Format, ElectionID: k.ElectionID, District: k.District, Station: k.Station,
		IssuedAt: k.IssuedAt, TallyURLs: urls,
		OfficeKey: string(office), StationKey: string(station), Package: string(k.Package),
	})
	if err != nil {
		return nil, wrapError(CodeDamaged, "encoding the kit", err)
	}
	if len(plain) > MaxContentSize {
		return nil, newError(CodeDamaged, fmt.Sprintf("kit contents are %d bytes, at most %d allowed", len(plain), MaxContentSize))
	}
	return plain, nil
}

// ageMagic starts every binary age file; ageArmor an armored one.
const (
	ageMagic = "age-encryption.org/v1\n"
	ageArmor = "-----BEGIN AGE ENCRYPTED FILE-----"
)

// Open decrypts a kit with its PIN, reads it strictly and checks it (see
// Check), so that a kit it returns can be used as it is.
//
// A wrong PIN is kit-pin-wrong. So, unavoidably, is damage to the few
// dozen bytes of the age header that hold the scrypt salt and the wrapped
// file key: they are what the PIN is tried against, and a changed byte
// there looks exactly like another PIN. Any other damage, a truncated file
// or one that is not a kit at all, is kit-damaged; contents of another
// format version are kit-format-unknown; a package that does not belong to
// the kit's office, election or district is kit-foreign.
func Open(sealed []byte, pin string) (Kit, error) {
	if !bytes.HasPrefix(sealed, []byte(ageMagic)) {
		if bytes.HasPrefix(bytes.TrimSpace(sealed), []byte(ageArmor)) {
			return Kit{}, newError(CodeDamaged, "the file is an ASCII-armored age file; a kit is binary")
		}
		return Kit{}, newError(CodeDamaged, "the file is not a kit (not an age file)")
	}
	if err := CheckPIN(pin); err != nil {
		return Kit{}, err
	}
	id, err := age.NewScryptIdentity(NormalizePIN(pin))
	if err != nil {
		return Kit{}, wrapError(CodePINWrong, "the PIN does not open the kit", err)
	}
	id.SetMaxWorkFactor(MaxWorkFactor)
	r, err := age.Decrypt(bytes.NewReader(sealed), id)
	if err != nil {
		var nomatch *age.NoIdentityMatchError
		switch {
		case errors.As(err, &nomatch) && slices.Contains(nomatch.StanzaTypes, "scrypt"):
			return Kit{}, newError(CodePINWrong, "the PIN does not open this kit")
		case errors.As(err, &nomatch) && slices.ContainsFunc(nomatch.StanzaTypes, isKeyStanza):
			return Kit{}, wrapError(CodeFormatUnknown, "the file is sealed for a key, not with a PIN", err)
		}
		return Kit{}, wrapError(CodeDamaged, "the kit is damaged", err)
	}
	plain, err := io.ReadAll(io.LimitReader(r, MaxContentSize+1))
	if err != nil {
		return Kit{}, wrapError(CodeDamaged, "the kit is damaged or truncated", err)
	}
	if len(plain) > MaxContentSize {
		return Kit{}, newError(CodeDamaged, fmt.Sprintf("kit contents exceed %d bytes", MaxContentSize))
	}
	k, err := decode(plain)
	if err != nil {
		return Kit{}, err
	}
	if err := k.Check(); err != nil {
		return Kit{}, err
	}
	return k, nil
}

// decode reads the kit's contents strictly: the format first, so that a
// kit of a later version is named as such rather than as damaged, then the
// members, then the one accepted spelling.
func decode(plain []byte) (Kit, error) {
	damaged := func(msg string, err error) (Kit, error) { return Kit{}, wrapError(CodeDamaged, msg, err) }
	var probe struct {
		Format *string `json:"format"`
	}
	if err := json.Unmarshal(plain, &probe); err != nil {
		return damaged("kit contents are not a JSON object", err)
	}
	if probe.Format == nil {
		return Kit{}, newError(CodeDamaged, "kit contents carry no format")
	}
	if *probe.Format != Format {
		return Kit{}, newError(CodeFormatUnknown, fmt.Sprintf("kit format %q is not %q; this version of wahlkoffer cannot read it", *probe.Format, Format))
	}
	var w wireKit
	dec := json.NewDecoder(bytes.NewReader(plain))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return damaged("kit contents", err)
	}
	office, err := seal.ParsePublicKeyPEM([]byte(w.OfficeKey))
	if err != nil {
		return damaged("office key", err)
	}
	station, err := seal.ParseSignerPEM([]byte(w.StationKey))
	if err != nil {
		return damaged("station key", err)
	}
	k := Kit{
		Format: w.Format, ElectionID: w.ElectionID, District: w.District, Station: w.Station,
		Package: []byte(w.Package), OfficeKey: office, StationKey: station,
		TallyURLs: w.TallyURLs, IssuedAt: w.IssuedAt,
	}
	if k.IssuedAt.Location() != time.UTC {
		return Kit{}, newError(CodeDamaged, "issued_at is not in UTC")
	}
	// Re-encoding must give the bytes read: this refuses duplicated,
	// differently spelled or reordered members, trailing data, null, and
	// keys or times written another way, so the kit has one reading.
	again, err := encode(k)
	if err != nil {
		return Kit{}, err
	}
	if !bytes.Equal(again, plain) {
		return Kit{}, newError(CodeDamaged, "kit contents are not in the form Seal writes")
	}
	if len(k.TallyURLs) == 0 {
		k.TallyURLs = nil
	}
	return k, nil
}

// Check checks that the kit is complete and belongs together: the format,
// the ids, the time of issue, the tally URLs and the keys (kit-damaged when
// wrong; kit-format-unknown for another format), and then, with
// Definition, that the package is signed by the office key and names the
// kit's election and district (kit-foreign when not).
func (k Kit) Check() error {
	if k.Format != Format {
		return newError(CodeFormatUnknown, fmt.Sprintf("kit format %q is not %q", k.Format, Format))
	}
	for _, f := range []struct{ what, v string }{
		{"election id", k.ElectionID}, {"district", k.District}, {"station", k.Station},
	} {
		if err := seal.CheckID(f.what, f.v); err != nil {
			return wrapError(CodeDamaged, "the kit is incomplete", err)
		}
	}
	if k.IssuedAt.IsZero() {
		return newError(CodeDamaged, "the kit has no time of issue")
	}
	for _, u := range k.TallyURLs {
		if err := checkURL(u); err != nil {
			return wrapError(CodeDamaged, "tally URL", err)
		}
	}
	if len(k.OfficeKey) != ed25519.PublicKeySize {
		return newError(CodeDamaged, fmt.Sprintf("office key has %d bytes, want %d", len(k.OfficeKey), ed25519.PublicKeySize))
	}
	if k.StationKey.KeyID() == "" {
		return newError(CodeDamaged, "the kit has no station key")
	}
	// A kit carrying the office's own key would let a station forge
	// receipts and packages; it can only come from a mix-up at the office.
	if k.StationKey.Public().Equal(k.OfficeKey) {
		return newError(CodeDamaged, "the station key is the office key")
	}
	_, _, err := k.Definition()
	return err
}

// Definition verifies the kit's election package with the office key and
// returns the parsed definition and its hash (the package hash of every
// record the station signs). A package that does not verify with the
// office key, names another election or lacks the kit's district is
// kit-foreign; one that verifies but cannot be read is kit-damaged.
func (k Kit) Definition() (*ballot.Definition, string, error) {
	raw, hash, err := seal.OpenPackage(k.Package, k.OfficeKey)
	if err != nil {
		switch seal.CodeOf(err) {
		case seal.CodeKeyUnknown, seal.CodeSignatureInvalid:
			return nil, "", wrapError(CodeForeign, "the election package is not signed by the kit's office key", err)
		}
		return nil, "", wrapError(CodeDamaged, "election package", err)
	}
	def, err := ballot.ParseDefinition(raw)
	if err != nil {
		return nil, "", wrapError(CodeDamaged, "the election definition in the package is invalid", err)
	}
	if def.Election.ID != k.ElectionID {
		return nil, "", newError(CodeForeign, fmt.Sprintf("the package is for election %q, the kit for %q", def.Election.ID, k.ElectionID))
	}
	if _, ok := def.District(k.District); !ok {
		return nil, "", newError(CodeForeign, fmt.Sprintf("district %q is not in the election definition", k.District))
	}
	return def, hash, nil
}

// checkURL accepts an absolute http or https URL with a host and nothing
// secret in it.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return fmt.Errorf("%q is not an http or https URL", s)
	}
	if u.Host == "" {
		return fmt.Errorf("%q has no host", s)
	}
	if u.User != nil {
		return fmt.Errorf("%q carries user information; stations authenticate by signature", s)
	}
	return nil
}

// isKeyStanza reports whether an age recipient stanza type is one of age's
// public-key recipients: an age file sealed for a key is another kind of
// file, while a stanza type that is none of them is a damaged kit.
func isKeyStanza(typ string) bool {
	switch typ {
	case "X25519", "mlkem768x25519", "ssh-ed25519", "ssh-rsa":
		return true
	}
	return false
}
