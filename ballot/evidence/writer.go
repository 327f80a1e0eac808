package evidence

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
)

// Writer writes an evidence file: NewWriter writes the header and the key
// list, Add one line per accepted envelope, Close the signed manifest. A
// file whose Close did not succeed has no manifest, and every reader
// refuses it, so a failed export cannot pass for a complete one.
//
// The same inputs give the same bytes: keys are sorted, and Ed25519
// signatures are deterministic.
type Writer struct {
	bw     *bufio.Writer
	office seal.Signer
	m      manifest
	chain  [32]byte
	line   int // lines written so far
	buf    bytes.Buffer
	err    error // sticky: once set, nothing more is written
	closed bool
}

// NewWriter checks the header and the key list and writes them to w. office
// is the office's signing key: the package must verify with it, and it
// signs the key list and, in Close, the manifest. keys are the station keys
// the office ever enrolled for the election, revoked ones included, since
// records they signed before their revocation stay in the file.
func NewWriter(w io.Writer, office seal.Signer, header Header, keys []Key) (*Writer, error) {
	if office.KeyID() == "" {
		return nil, errorf(CodeSignature, 0, "the office signer has no key")
	}
	officeKey := office.Public()
	raw, pkgHash, err := seal.OpenPackage(header.Package, officeKey)
	if err != nil {
		return nil, packageError(err, 1)
	}
	def, err := ballot.ParseDefinition(raw)
	if err != nil {
		return nil, wrapf(CodePackage, 1, err, "the election definition in the package")
	}
	if def.Election.ID != header.ElectionID {
		return nil, errorf(CodePackage, 1, "the package is for election %q, the header for %q", def.Election.ID, header.ElectionID)
	}
	if header.ExportedAt.IsZero() {
		return nil, errorf(CodeMalformed, 1, "exported_at is not set")
	}
	pem, err := seal.MarshalPublicKeyPEM(officeKey)
	if err != nil {
		return nil, wrapf(CodeSignature, 1, err, "office key")
	}
	wr := &Writer{bw: bufio.NewWriterSize(w, 64<<10), office: office}
	certs := slices.Clone(header.Certifications)
	for i := range certs {
		certs[i].CertifiedAt = certs[i].CertifiedAt.UTC()
	}
	slices.SortFunc(certs, func(a, b Certification) int { return strings.Compare(a.Contest, b.Contest) })
	if certs == nil {
		certs = []Certification{}
	}
	if err := checkCertifications(certs, def); err != nil {
		return nil, wrapf(CodeManifest, 0, err, "certifications")
	}
	wr.m = manifest{Format: Format, ElectionID: header.ElectionID, PackageHash: pkgHash, Certifications: certs}

	// The header line, whose hash the manifest carries.
	if err := encodeJSON(&wr.buf, headerLine{
		Format: Format, ElectionID: header.ElectionID, ExportedAt: header.ExportedAt.UTC(),
		OfficeKey: string(pem), Package: string(header.Package),
	}, true); err != nil {
		return nil, wrapf(CodeMalformed, 1, err, "encoding the header")
	}
	if wr.buf.Len() > MaxHeaderSize {
		return nil, errorf(CodeMalformed, 1, "the header line is %d bytes, at most %d allowed", wr.buf.Len(), MaxHeaderSize)
	}
	hs := sha256.Sum256(wr.buf.Bytes()[:wr.buf.Len()-1])
	wr.m.HeaderSHA256 = hex.EncodeToString(hs[:])
	header0 := bytes.Clone(wr.buf.Bytes())

	envs, err := signKeyList(office, def, wr.m, keys)
	if err != nil {
		return nil, err
	}
	keysDigest := sha256.New()
	if err := wr.writeLine(header0); err != nil {
		return nil, err
	}
	for _, env := range envs {
		sum := sha256.Sum256(env)
		keysDigest.Write(sum[:])
		wr.buf.Reset()
		if err := encodeJSON(&wr.buf, keysLine{Keys: string(env)}, true); err != nil {
			return nil, wrapf(CodeKeys, wr.line+1, err, "encoding the key list")
		}
		if err := wr.writeLine(wr.buf.Bytes()); err != nil {
			return nil, err
		}
	}
	wr.m.KeysSHA256 = hex.EncodeToString(keysDigest.Sum(nil))
	return wr, nil
}

// signKeyList checks, sorts and splits the key list and signs each part.
func signKeyList(office seal.Signer, def *ballot.Definition, m manifest, keys []Key) ([][]byte, error) {
	districts := make(map[string]bool, len(def.Districts))
	for i := range def.Districts {
		districts[def.Districts[i].ID] = true
	}
	sorted := make([]Key, len(keys))
	for i, k := range keys {
		k.EnrolledAt, k.RevokedAt = k.EnrolledAt.UTC(), utcOrZero(k.RevokedAt)
		sorted[i] = k
	}
	slices.SortFunc(sorted, keyLess)
	var parts [][]wireKey
	var cur []wireKey
	size := 0
	// Each part's payload stays well within what seal.Sign accepts after
	// base64 (4/3) and the envelope's frame.
	budget := (seal.MaxEnvelopeSize - 4096) / 4 * 3
	seen := make(map[seal.KeyID]bool, len(sorted))
	for i, k := range sorted {
		if err := checkKey(k, office.Public(), districts); err != nil {
			return nil, wrapf(CodeKeys, 2, err, "key %d of the key list", i+1)
		}
		if seen[k.ID()] {
			return nil, errorf(CodeKeys, 2, "key %s is listed twice", k.ID())
		}
		seen[k.ID()] = true
		wk, err := toWire(k)
		if err != nil {
			return nil, wrapf(CodeKeys, 2, err, "key %s", k.ID())
		}
		var b bytes.Buffer
		if err := encodeJSON(&b, wk, false); err != nil {
			return nil, wrapf(CodeKeys, 2, err, "key %s", k.ID())
		}
		if len(cur) > 0 && size+b.Len()+1 > budget {
			parts, cur, size = append(parts, cur), nil, 0
		}
		cur, size = append(cur, wk), size+b.Len()+1
	}
	parts = append(parts, cur)
	if len(parts) > maxParts {
		return nil, errorf(CodeKeys, 2, "the key list needs %d parts, at most %d allowed", len(parts), maxParts)
	}
	envs := make([][]byte, len(parts))
	for i, p := range parts {
		if p == nil {
			p = []wireKey{}
		}
		var payload bytes.Buffer
		if err := encodeJSON(&payload, keyList{
			ElectionID: m.ElectionID, PackageHash: m.PackageHash, Part: i + 1, Parts: len(parts), Keys: p,
		}, false); err != nil {
			return nil, wrapf(CodeKeys, 2+i, err, "encoding part %d of the key list", i+1)
		}
		env, err := seal.Sign(office, KeysPayloadType, payload.Bytes())
		if err != nil {
			return nil, wrapf(CodeKeys, 2+i, err, "signing part %d of the key list", i+1)
		}
		envs[i] = env
	}
	return envs, nil
}

// Add writes one accepted envelope with the office's receipt for it, both
// byte for byte as the office stored them. It checks only what keeps the
// file well-formed (sizes, UTF-8); the signatures were checked when the
// office accepted the envelope and are checked again by every reader. An
// exporter that wants certainty before publishing reads its file back with
// Read.
func (w *Writer) Add(envelope, receipt []byte) error {
	if err := w.usable(); err != nil {
		return err
	}
	line := w.line + 1
	switch {
	case len(envelope) == 0 || len(envelope) > seal.MaxEnvelopeSize:
		return errorf(CodeMalformed, line, "envelope is %d bytes, 1 to %d allowed", len(envelope), seal.MaxEnvelopeSize)
	case !utf8.Valid(envelope):
		// A JSON string carries only valid UTF-8 unchanged; seal.Open
		// refuses anything else, so the office never accepted it.
		return errorf(CodeMalformed, line, "envelope is not valid UTF-8")
	case len(receipt) == 0 || len(receipt) > MaxReceiptSize:
		return errorf(CodeReceipt, line, "receipt is %d bytes, 1 to %d allowed", len(receipt), MaxReceiptSize)
	case !utf8.Valid(receipt):
		return errorf(CodeReceipt, line, "receipt is not valid UTF-8")
	}
	w.buf.Reset()
	if err := encodeJSON(&w.buf, recordLine{Envelope: string(envelope), Receipt: string(receipt)}, true); err != nil {
		return wrapf(CodeMalformed, line, err, "encoding the record line")
	}
	if w.buf.Len() > MaxLineSize {
		return errorf(CodeMalformed, line, "record line is %d bytes, at most %d allowed", w.buf.Len(), MaxLineSize)
	}
	if err := w.writeLine(w.buf.Bytes()); err != nil {
		return err
	}
	w.chain = chainNext(w.chain, envelope, receipt)
	w.m.Count++
	return nil
}

// Close signs and writes the manifest and flushes the file. It does not
// close the underlying writer.
func (w *Writer) Close() error {
	if err := w.usable(); err != nil {
		return err
	}
	w.closed = true
	w.m.Chain = hex.EncodeToString(w.chain[:])
	var payload bytes.Buffer
	if err := encodeJSON(&payload, w.m, false); err != nil {
		return wrapf(CodeManifest, w.line+1, err, "encoding the manifest")
	}
	env, err := seal.Sign(w.office, ManifestPayloadType, payload.Bytes())
	if err != nil {
		return wrapf(CodeManifest, w.line+1, err, "signing the manifest")
	}
	w.buf.Reset()
	if err := encodeJSON(&w.buf, manifestLine{Manifest: string(env)}, true); err != nil {
		return wrapf(CodeManifest, w.line+1, err, "encoding the manifest line")
	}
	if err := w.writeLine(w.buf.Bytes()); err != nil {
		return err
	}
	if err := w.bw.Flush(); err != nil {
		w.err = fmt.Errorf("evidence: writing: %w", err)
		return w.err
	}
	return nil
}

// Count returns the number of records added so far.
func (w *Writer) Count() uint64 { return w.m.Count }

func (w *Writer) usable() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errors.New("evidence: writer is closed")
	}
	return nil
}

func (w *Writer) writeLine(b []byte) error {
	if _, err := w.bw.Write(b); err != nil {
		w.err = fmt.Errorf("evidence: writing: %w", err)
		return w.err
	}
	w.line++
	return nil
}

// chainNext extends the record chain by one envelope and its receipt.
func chainNext(chain [32]byte, envelope, receipt []byte) [32]byte {
	var b [96]byte
	copy(b[:32], chain[:])
	e, r := sha256.Sum256(envelope), sha256.Sum256(receipt)
	copy(b[32:64], e[:])
	copy(b[64:], r[:])
	return sha256.Sum256(b[:])
}

// packageError maps a refusal of seal.OpenPackage: a package not signed by
// the office key is a signature problem, anything else a package problem.
func packageError(err error, line int) error {
	switch seal.CodeOf(err) {
	case seal.CodeKeyUnknown, seal.CodeSignatureInvalid:
		return wrapf(CodeSignature, line, err, "the election package is not signed by the office key")
	}
	return wrapf(CodePackage, line, err, "election package")
}
