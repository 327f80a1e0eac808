package evidence

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
)

// Summary is what the file says about itself beyond its records. Read
// returns it only for a file that verified to its last byte.
type Summary struct {
	ElectionID string
	ExportedAt time.Time
	// OfficeKey is the key that signed the file: the one the caller gave,
	// or, when it gave none, the file's own, which the caller should then
	// compare with the key the office published.
	OfficeKey   ed25519.PublicKey
	Package     []byte             // the signed election package, verbatim
	PackageHash string             // seal.PackageHash of the definition
	Definition  *ballot.Definition // parsed and validated
	Keys        []Key              // the key list, in file order
	// Count and Chain are those of the verified manifest; both are zero
	// until the Reader's Next has returned io.EOF.
	Count uint64
	Chain string
	// Certifications are the contests certified at export, from the
	// verified manifest (nil until then).
	Certifications []Certification
}

// Item is one verified record of the file, handed over in file order.
type Item struct {
	Line         int    // the record's line in the file
	Envelope     []byte // byte for byte as the office stored it
	EnvelopeHash string // seal.EnvelopeHash(Envelope), what the receipt names
	RawReceipt   []byte // the office's receipt, byte for byte
	Receipt      seal.Receipt
	Key          Key           // the enrolled key whose signature verified
	Record       ballot.Record // the header and the typed body
}

// Read verifies an evidence file from r and calls fn (when not nil) with
// each record in file order, once its envelope, key, receipt and body have
// been verified, so that a caller can recompute results while streaming:
// no more than one record is held at a time.
//
// officeKey is the office key the caller trusts; with nil, Read trusts the
// key in the file and returns it in the Summary for the caller to compare.
//
// The manifest comes last, so whatever fn computed is only valid when Read
// returns a nil error: a file cut short or with a record removed is found
// at its end. An error from fn stops Read and is returned as it is; every
// other error is an *Error with the code and line (see Code) or an I/O
// error from r.
func Read(r io.Reader, officeKey ed25519.PublicKey, fn func(Item) error) (Summary, error) {
	rd, err := NewReader(r, officeKey)
	if err != nil {
		return Summary{}, err
	}
	for {
		it, err := rd.Next()
		if err == io.EOF {
			return rd.Summary(), nil
		}
		if err != nil {
			return Summary{}, err
		}
		if fn != nil {
			if err := fn(it); err != nil {
				return Summary{}, err
			}
		}
	}
}

// Reader reads an evidence file record by record. NewReader verifies the
// header and the key list; Next returns each verified record and io.EOF
// once the manifest has verified and nothing follows it. The same caveat as
// for Read holds: records are final only once Next has returned io.EOF.
type Reader struct {
	br     *bufio.Reader
	buf    []byte
	line   int // lines read so far
	sum    Summary
	office seal.Keys
	ring   seal.Keys
	keys   map[seal.KeyID]Key
	seen   map[stationSeq]struct{}
	chain  [32]byte
	count  uint64
	header string // hex SHA-256 of the header line
	keyHex string // hex keys digest
	done   bool
	err    error // sticky
}

type stationSeq struct {
	station string
	seq     uint64
}

// NewReader reads and verifies the header and the key list of an evidence
// file. See Read for officeKey.
func NewReader(r io.Reader, officeKey ed25519.PublicKey) (*Reader, error) {
	rd := &Reader{
		br:   bufio.NewReaderSize(r, 64<<10),
		keys: map[seal.KeyID]Key{},
		seen: map[stationSeq]struct{}{},
		ring: seal.Keys{},
	}
	if err := rd.readHeader(officeKey); err != nil {
		return nil, err
	}
	if err := rd.readKeys(); err != nil {
		return nil, err
	}
	return rd, nil
}

// Summary returns what has been read so far; see Summary.
func (r *Reader) Summary() Summary { return r.sum }

// Next returns the next verified record, or io.EOF after the manifest.
// After an error it returns the same error again.
func (r *Reader) Next() (Item, error) {
	if r.err != nil {
		return Item{}, r.err
	}
	if r.done {
		return Item{}, io.EOF
	}
	b, err := r.readLine(MaxLineSize)
	if err == io.EOF {
		err = errorf(CodeManifest, r.line+1, "the file ends before the manifest: it was cut short or the manifest removed")
	}
	if err != nil {
		r.err = err
		return Item{}, err
	}
	if bytes.HasPrefix(b, []byte(`{"manifest":`)) {
		if err := r.readManifest(b); err != nil {
			r.err = err
			return Item{}, err
		}
		r.done = true
		return Item{}, io.EOF
	}
	it, err := r.record(b)
	if err != nil {
		r.err = err
		return Item{}, err
	}
	return it, nil
}

// readLine returns the next line, line feed included, in a buffer reused by
// the next call. A line over limit is refused before it is read whole.
func (r *Reader) readLine(limit int) ([]byte, error) {
	r.buf = r.buf[:0]
	for {
		chunk, err := r.br.ReadSlice('\n')
		if len(r.buf)+len(chunk) > limit {
			return nil, errorf(CodeMalformed, r.line+1, "line is longer than %d bytes", limit)
		}
		r.buf = append(r.buf, chunk...)
		switch {
		case err == nil:
			r.line++
			return r.buf, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF && len(r.buf) == 0:
			return nil, io.EOF
		case err == io.EOF:
			return nil, errorf(CodeMalformed, r.line+1, "the last line has no line feed: the file was cut short")
		default:
			return nil, fmt.Errorf("evidence: reading line %d: %w", r.line+1, err)
		}
	}
}

func (r *Reader) readHeader(officeKey ed25519.PublicKey) error {
	b, err := r.readLine(MaxHeaderSize)
	if err == io.EOF {
		return errorf(CodeMalformed, 1, "the file is empty")
	}
	if err != nil {
		return err
	}
	if !bytes.HasPrefix(b, []byte(`{"format":"`+Format+`",`)) {
		// Name another version as such, rather than as damage.
		var probe struct {
			Format *string `json:"format"`
		}
		if json.Unmarshal(b, &probe) == nil && probe.Format != nil && *probe.Format != Format {
			return errorf(CodeFormatUnknown, 1, "the file is of format %q, not %q", *probe.Format, Format)
		}
	}
	var h headerLine
	if err := decodeCanonical(b, &h, true, nil); err != nil {
		return wrapf(CodeMalformed, 1, err, "the header")
	}
	if h.Format != Format {
		return errorf(CodeFormatUnknown, 1, "the file is of format %q, not %q", h.Format, Format)
	}
	if h.ExportedAt.IsZero() || h.ExportedAt.Location() != time.UTC {
		return errorf(CodeMalformed, 1, "exported_at is not set in UTC")
	}
	office, err := seal.ParsePublicKeyPEM([]byte(h.OfficeKey))
	if err == nil {
		if again, _ := seal.MarshalPublicKeyPEM(office); string(again) != h.OfficeKey {
			err = errors.New("not in the form seal writes")
		}
	}
	if err != nil {
		return wrapf(CodeMalformed, 1, err, "office_key")
	}
	if officeKey != nil && !officeKey.Equal(office) {
		return errorf(CodeOfficeKey, 1, "the file is signed by office key %s, not by the trusted key %s",
			seal.KeyIDOf(office), seal.KeyIDOf(officeKey))
	}
	r.office, err = seal.NewKeys(office)
	if err != nil {
		return wrapf(CodeMalformed, 1, err, "office_key")
	}
	raw, pkgHash, err := seal.OpenPackage([]byte(h.Package), office)
	if err != nil {
		return packageError(err, 1)
	}
	def, err := ballot.ParseDefinition(raw)
	if err != nil {
		return wrapf(CodePackage, 1, err, "the election definition in the package")
	}
	if def.Election.ID != h.ElectionID {
		return errorf(CodePackage, 1, "the package is for election %q, the header for %q", def.Election.ID, h.ElectionID)
	}
	sum := sha256.Sum256(b[:len(b)-1])
	r.header = hex.EncodeToString(sum[:])
	r.sum = Summary{
		ElectionID: h.ElectionID, ExportedAt: h.ExportedAt, OfficeKey: office,
		Package: []byte(h.Package), PackageHash: pkgHash, Definition: def,
	}
	if cap(r.buf) > MaxLineSize {
		r.buf = nil // the package's buffer is not needed again
	}
	return nil
}

// openOffice opens an envelope the office wrote in this file (a part of the
// key list or the manifest) and returns its payload.
func (r *Reader) openOffice(env []byte, payloadType string, what string) ([]byte, error) {
	if err := checkOfficeEnvelope(env); err != nil {
		return nil, wrapf(CodeMalformed, r.line, err, "%s", what)
	}
	op, err := seal.Open(env, r.office)
	if err != nil {
		switch seal.CodeOf(err) {
		case seal.CodeKeyUnknown, seal.CodeSignatureInvalid:
			return nil, wrapf(CodeSignature, r.line, err, "%s is not signed by the office key", what)
		}
		return nil, wrapf(CodeMalformed, r.line, err, "%s", what)
	}
	if op.PayloadType != payloadType {
		return nil, errorf(CodeMalformed, r.line, "%s has payload type %q, not %q", what, op.PayloadType, payloadType)
	}
	return op.Payload, nil
}

func (r *Reader) readKeys() error {
	districts := make(map[string]bool, len(r.sum.Definition.Districts))
	for i := range r.sum.Definition.Districts {
		districts[r.sum.Definition.Districts[i].ID] = true
	}
	digest := sha256.New()
	for part, parts := 1, 1; part <= parts; part++ {
		b, err := r.readLine(MaxLineSize)
		if err == io.EOF {
			return errorf(CodeMalformed, r.line+1, "the file ends within the key list")
		}
		if err != nil {
			return err
		}
		var kl keysLine
		if err := decodeCanonical(b, &kl, true, nil); err != nil {
			return wrapf(CodeMalformed, r.line, err, "expected part %d of the key list", part)
		}
		payload, err := r.openOffice([]byte(kl.Keys), KeysPayloadType, "the key list")
		if err != nil {
			return err
		}
		var list keyList
		if err := decodeCanonical(payload, &list, false, func() {
			if list.Keys == nil {
				list.Keys = []wireKey{}
			}
		}); err != nil {
			return wrapf(CodeKeys, r.line, err, "the key list")
		}
		if list.ElectionID != r.sum.ElectionID || list.PackageHash != r.sum.PackageHash {
			return errorf(CodeKeys, r.line, "the key list is for election %q, package %s", list.ElectionID, list.PackageHash)
		}
		if part == 1 {
			parts = list.Parts
			if parts < 1 || parts > maxParts {
				return errorf(CodeKeys, r.line, "the key list claims %d parts", parts)
			}
		}
		if list.Part != part || list.Parts != parts {
			return errorf(CodeKeys, r.line, "found part %d of %d of the key list where part %d of %d belongs", list.Part, list.Parts, part, parts)
		}
		if err := r.addKeys(list.Keys, districts); err != nil {
			return err
		}
		sum := sha256.Sum256([]byte(kl.Keys))
		digest.Write(sum[:])
	}
	r.keyHex = hex.EncodeToString(digest.Sum(nil))
	return nil
}

func (r *Reader) addKeys(list []wireKey, districts map[string]bool) error {
	office := r.sum.OfficeKey
	for i, wk := range list {
		k, err := fromWire(wk)
		if err == nil {
			err = checkKey(k, office, districts)
		}
		if err != nil {
			return wrapf(CodeKeys, r.line, err, "key %d of the part", i+1)
		}
		if _, dup := r.keys[k.ID()]; dup {
			return errorf(CodeKeys, r.line, "key %s is listed twice", k.ID())
		}
		if n := len(r.sum.Keys); n > 0 && keyLess(r.sum.Keys[n-1], k) >= 0 {
			return errorf(CodeKeys, r.line, "key %s is out of order", k.ID())
		}
		if _, err := r.ring.Add(k.PublicKey); err != nil {
			return wrapf(CodeKeys, r.line, err, "key %s", k.ID())
		}
		r.keys[k.ID()] = k
		r.sum.Keys = append(r.sum.Keys, k)
	}
	return nil
}

// record verifies one record line.
func (r *Reader) record(b []byte) (Item, error) {
	line := r.line
	var rl recordLine
	if err := decodeCanonical(b, &rl, true, nil); err != nil {
		return Item{}, wrapf(CodeMalformed, line, err, "expected a record or the manifest")
	}
	env, rcpt := []byte(rl.Envelope), []byte(rl.Receipt)
	op, err := seal.OpenRecord(env, r.ring)
	if err != nil {
		switch seal.CodeOf(err) {
		case seal.CodeKeyUnknown:
			return Item{}, wrapf(CodeKeyUnknown, line, err, "the record is signed by no key of the key list")
		case seal.CodeSignatureInvalid:
			return Item{}, wrapf(CodeSignature, line, err, "the record's signature")
		}
		return Item{}, wrapf(CodeRecord, line, err, "the record")
	}
	h := op.Record.Header
	key := r.keys[op.KeyID]
	if h.ElectionID != r.sum.ElectionID || h.PackageHash != r.sum.PackageHash {
		return Item{}, errorf(CodeRecord, line, "the record is for election %q, package %s", h.ElectionID, h.PackageHash)
	}
	if key.District != h.District || key.Station != h.Station {
		return Item{}, errorf(CodeKeyMismatch, line, "the record names district %q, station %q; its key %s is enrolled for district %q, station %q",
			h.District, h.Station, op.KeyID, key.District, key.Station)
	}
	receipt, err := seal.OpenReceipt(rcpt, r.sum.OfficeKey)
	if err != nil {
		return Item{}, wrapf(CodeReceipt, line, err, "the receipt")
	}
	if receipt.EnvelopeSHA256 != op.EnvelopeHash {
		return Item{}, errorf(CodeReceipt, line, "the receipt is for envelope %s, not this one (%s)", receipt.EnvelopeSHA256, op.EnvelopeHash)
	}
	if receipt.District != h.District || receipt.Station != h.Station || receipt.Seq != h.Seq {
		return Item{}, errorf(CodeReceipt, line, "the receipt names district %q, station %q, seq %d; the record %q, %q, %d",
			receipt.District, receipt.Station, receipt.Seq, h.District, h.Station, h.Seq)
	}
	if receipt.ReceivedAt.Before(key.EnrolledAt) || !key.RevokedAt.IsZero() && !receipt.ReceivedAt.Before(key.RevokedAt) {
		return Item{}, errorf(CodeKeyRevoked, line, "the record was received at %s, outside the enrollment of key %s",
			receipt.ReceivedAt.Format(time.RFC3339), op.KeyID)
	}
	ss := stationSeq{key.Station, h.Seq}
	if _, dup := r.seen[ss]; dup {
		return Item{}, errorf(CodeDuplicate, line, "a second record of station %q with seq %d", h.Station, h.Seq)
	}
	rec, err := op.Decode(ballot.DecodeRecord)
	if err != nil {
		return Item{}, wrapf(CodeRecord, line, err, "the record's body")
	}
	r.seen[ss] = struct{}{}
	r.chain = chainNext(r.chain, env, rcpt)
	r.count++
	return Item{
		Line: line, Envelope: env, EnvelopeHash: op.EnvelopeHash, RawReceipt: rcpt,
		Receipt: receipt, Key: key, Record: rec,
	}, nil
}

func (r *Reader) readManifest(b []byte) error {
	line := r.line
	var ml manifestLine
	if err := decodeCanonical(b, &ml, true, nil); err != nil {
		return wrapf(CodeMalformed, line, err, "the manifest line")
	}
	payload, err := r.openOffice([]byte(ml.Manifest), ManifestPayloadType, "the manifest")
	if err != nil {
		return err
	}
	var m manifest
	if err := decodeCanonical(payload, &m, false, func() {
		if m.Certifications == nil {
			m.Certifications = []Certification{}
		}
	}); err != nil {
		return wrapf(CodeManifest, line, err, "the manifest")
	}
	if err := checkCertifications(m.Certifications, r.sum.Definition); err != nil {
		return wrapf(CodeManifest, line, err, "the manifest")
	}
	chain := hex.EncodeToString(r.chain[:])
	switch {
	case m.Format != Format || m.ElectionID != r.sum.ElectionID || m.PackageHash != r.sum.PackageHash:
		return errorf(CodeManifest, line, "the manifest is for %s, election %q, package %s", m.Format, m.ElectionID, m.PackageHash)
	case m.HeaderSHA256 != r.header:
		return errorf(CodeManifest, line, "the header is not the one the manifest was signed for")
	case m.KeysSHA256 != r.keyHex:
		return errorf(CodeManifest, line, "the key list is not the one the manifest was signed for")
	case m.Count != r.count:
		return errorf(CodeManifest, line, "the file holds %d records, the manifest %d: records were removed or added", r.count, m.Count)
	case m.Chain != chain:
		return errorf(CodeManifest, line, "the records are not those the manifest was signed for: changed, replaced or reordered")
	}
	if _, err := r.br.ReadByte(); err != io.EOF {
		if err != nil {
			return fmt.Errorf("evidence: reading after the manifest: %w", err)
		}
		return errorf(CodeMalformed, line+1, "data after the manifest")
	}
	r.sum.Count, r.sum.Chain, r.sum.Certifications = m.Count, m.Chain, m.Certifications
	return nil
}
