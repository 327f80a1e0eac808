// Package seal signs and verifies what wahlkoffer sends between stations
// and the election office: DSSE envelopes (protocol v1,
// https://github.com/secure-systems-lab/dsse) signed with Ed25519, the
// station records inside them, the office's election package and its
// receipts, and the keys behind them.
//
// Envelopes are verified before their payload is parsed: Open reads only the
// envelope's own small JSON frame, checks a signature by a known key over
// the pre-authentication encoding, and only then do OpenRecord, OpenPackage
// and OpenReceipt read the payload, strictly. Every refusal is an *Error
// with a stable Code (see Code) that the tally can hand to a station.
//
// seal does no I/O and reads no clock: callers hand it bytes, keys, times
// and randomness.
package seal

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// MaxEnvelopeSize bounds an envelope of a record or a receipt, in bytes.
// Open refuses a larger one before reading any of it, so a station or an
// attacker cannot make the tally parse or hash megabytes per request.
const MaxEnvelopeSize = 1 << 20

// MaxSignatures bounds the signatures one envelope may carry. seal writes
// one; the bound keeps a flood of bogus signatures from costing more than a
// few lookups.
const MaxSignatures = 8

// PAE returns DSSE's pre-authentication encoding of a payload, the bytes
// that are actually signed:
//
//	"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
//
// with LEN the decimal byte length. Binding the type into the signed bytes
// is what keeps a receipt from being passed off as a record, or the reverse.
func PAE(payloadType string, payload []byte) []byte {
	b := make([]byte, 0, len("DSSEv1  ")+2*20+len(payloadType)+len(payload)+1)
	b = append(b, "DSSEv1 "...)
	b = strconv.AppendInt(b, int64(len(payloadType)), 10)
	b = append(b, ' ')
	b = append(b, payloadType...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(len(payload)), 10)
	b = append(b, ' ')
	return append(b, payload...)
}

// EnvelopeHash returns the lowercase hex SHA-256 of envelope bytes. The
// tally stores envelopes verbatim and names them by this hash; receipts
// carry it.
func EnvelopeHash(envelope []byte) string {
	sum := sha256.Sum256(envelope)
	return hex.EncodeToString(sum[:])
}

// envelopeJSON is the wire form seal writes. The field order is the order
// of encoding, so the same payload signed by the same key (Ed25519 is
// deterministic) gives the same bytes.
type envelopeJSON struct {
	Payload     string          `json:"payload"`
	PayloadType string          `json:"payloadType"`
	Signatures  []signatureJSON `json:"signatures"`
}

type signatureJSON struct {
	KeyID string `json:"keyid"`
	Sig   string `json:"sig"`
}

// Sign wraps payload in a DSSE envelope signed by s and returns the
// envelope's compact JSON:
//
//	{"payload":"<base64>","payloadType":"<type>","signatures":[{"keyid":"<id>","sig":"<base64>"}]}
//
// It refuses what Open would refuse: an empty or non-UTF-8 payload type, or
// an envelope over MaxEnvelopeSize.
func Sign(s Signer, payloadType string, payload []byte) ([]byte, error) {
	return sign(s, payloadType, payload, MaxEnvelopeSize)
}

func sign(s Signer, payloadType string, payload []byte, limit int) ([]byte, error) {
	if payloadType == "" || !utf8.ValidString(payloadType) {
		return nil, newError(CodeEnvelopeMalformed, "payload type must be non-empty UTF-8")
	}
	// Base64 grows the payload by a third; refuse early rather than encode
	// megabytes only to throw them away.
	if base64.StdEncoding.EncodedLen(len(payload)) > limit {
		return nil, newError(CodeEnvelopeTooLarge, fmt.Sprintf("payload of %d bytes does not fit an envelope of at most %d bytes", len(payload), limit))
	}
	sig, err := s.signPAE(payloadType, payload)
	if err != nil {
		return nil, err
	}
	out, err := json.Marshal(envelopeJSON{
		Payload:     base64.StdEncoding.EncodeToString(payload),
		PayloadType: payloadType,
		Signatures:  []signatureJSON{{KeyID: string(s.KeyID()), Sig: base64.StdEncoding.EncodeToString(sig)}},
	})
	if err != nil {
		return nil, wrapError(CodeEnvelopeMalformed, "encoding envelope", err)
	}
	if len(out) > limit {
		return nil, newError(CodeEnvelopeTooLarge, fmt.Sprintf("envelope is %d bytes, at most %d allowed", len(out), limit))
	}
	return out, nil
}

// Opened is an envelope whose signature verified.
type Opened struct {
	PayloadType string
	Payload     []byte // the verified payload, not yet parsed
	KeyID       KeyID  // the key whose signature verified
	// EnvelopeHash is the hex SHA-256 of the envelope bytes as received:
	// what the tally stores them under and what a receipt names.
	EnvelopeHash string
	// ContentHash is the hex SHA-256 of PAE(PayloadType, Payload), the bytes
	// the signature covers. Unlike EnvelopeHash it does not change when the
	// envelope's JSON is re-spaced or its base64 re-spelled on the way, so
	// it tells a re-wrapped copy of a record from a genuinely different one.
	ContentHash string
}

// Open verifies a DSSE envelope against keys and returns its payload. It
// accepts the envelope when one signature by a key in keys verifies; it
// never looks into the payload. See Code for what it refuses and why.
func Open(envelope []byte, keys KeyRing) (Opened, error) {
	return open(envelope, keys, MaxEnvelopeSize)
}

func open(envelope []byte, keys KeyRing, limit int) (Opened, error) {
	if len(envelope) > limit {
		return Opened{}, newError(CodeEnvelopeTooLarge, fmt.Sprintf("envelope is %d bytes, at most %d allowed", len(envelope), limit))
	}
	env, err := parseEnvelope(envelope)
	if err != nil {
		return Opened{}, err
	}
	pae := PAE(env.payloadType, env.payload)
	known := false
	for _, sg := range env.signatures {
		id := KeyID(sg.keyID)
		if !id.Valid() || keys == nil {
			continue
		}
		pub, ok := keys.PublicKey(id)
		if !ok {
			continue
		}
		// ed25519.Verify panics on a key of the wrong length, and a key
		// filed under another key's id would make KeyID lie.
		if len(pub) != ed25519.PublicKeySize || KeyIDOf(pub) != id {
			return Opened{}, newError(CodeKeyInvalid, fmt.Sprintf("key ring entry %s is not the Ed25519 key of that id", id))
		}
		known = true
		if ed25519.Verify(pub, pae, sg.sig) {
			sum := sha256.Sum256(pae)
			return Opened{
				PayloadType:  env.payloadType,
				Payload:      env.payload,
				KeyID:        id,
				EnvelopeHash: EnvelopeHash(envelope),
				ContentHash:  hex.EncodeToString(sum[:]),
			}, nil
		}
	}
	if !known {
		return Opened{}, newError(CodeKeyUnknown, "no signature is by a known key")
	}
	return Opened{}, newError(CodeSignatureInvalid, "signature does not verify")
}

type envelope struct {
	payloadType string
	payload     []byte
	signatures  []signature
}

type signature struct {
	keyID string
	sig   []byte
}

// parseEnvelope reads the envelope's JSON frame strictly (see strictObject)
// and decodes its base64 fields.
func parseEnvelope(b []byte) (envelope, error) {
	malformed := func(err error) (envelope, error) {
		return envelope{}, wrapError(CodeEnvelopeMalformed, "not a valid DSSE envelope", err)
	}
	m, err := strictObject(b, "payload", "payloadType", "signatures")
	if err != nil {
		return malformed(err)
	}
	var env envelope
	if env.payloadType, err = stringMember(m, "payloadType"); err != nil {
		return malformed(err)
	}
	if env.payloadType == "" {
		return malformed(fmt.Errorf("payloadType is empty"))
	}
	p, err := stringMember(m, "payload")
	if err != nil {
		return malformed(err)
	}
	if env.payload, err = decodeBase64(p); err != nil {
		return malformed(fmt.Errorf("payload: %w", err))
	}
	var sigs []json.RawMessage
	if err := json.Unmarshal(m["signatures"], &sigs); err != nil {
		return malformed(fmt.Errorf("signatures: %w", err))
	}
	if len(sigs) > MaxSignatures {
		return malformed(fmt.Errorf("%d signatures, at most %d allowed", len(sigs), MaxSignatures))
	}
	seen := make(map[string]bool, len(sigs))
	for i, raw := range sigs {
		sm, err := strictObject(raw, "keyid", "sig")
		if err != nil {
			return malformed(fmt.Errorf("signature %d: %w", i, err))
		}
		var sg signature
		if sg.keyID, err = stringMember(sm, "keyid"); err != nil {
			return malformed(fmt.Errorf("signature %d: %w", i, err))
		}
		s, err := stringMember(sm, "sig")
		if err != nil {
			return malformed(fmt.Errorf("signature %d: %w", i, err))
		}
		if sg.sig, err = decodeBase64(s); err != nil {
			return malformed(fmt.Errorf("signature %d: sig: %w", i, err))
		}
		// One key signs once: a repeated keyid only pads the envelope, and
		// a verifier that counted keys would be fooled by it.
		if seen[sg.keyID] {
			return malformed(fmt.Errorf("signature %d: keyid %q appears twice", i, sg.keyID))
		}
		seen[sg.keyID] = true
		env.signatures = append(env.signatures, sg)
	}
	if len(env.signatures) == 0 {
		return envelope{}, newError(CodeSignatureMissing, "envelope carries no signature")
	}
	return env, nil
}
