package seal

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
)

// KeyID names an Ed25519 public key: the lowercase hex SHA-256 of its raw
// 32 bytes. It is what an envelope's signature carries as "keyid", so a
// verifier finds the key without trying them all.
type KeyID string

// KeyIDOf returns the key id of a public key.
func KeyIDOf(pub ed25519.PublicKey) KeyID {
	sum := sha256.Sum256(pub)
	return KeyID(hex.EncodeToString(sum[:]))
}

// Valid reports whether id has the form of a key id: 64 lowercase hex
// digits.
func (id KeyID) Valid() bool { return isHex64(string(id)) }

// KeyRing finds the public key of a key id. The tally's ring holds the keys
// of the enrolled stations, a station's only the office key.
type KeyRing interface {
	PublicKey(id KeyID) (ed25519.PublicKey, bool)
}

// Keys is a KeyRing held in memory.
type Keys map[KeyID]ed25519.PublicKey

// NewKeys returns a ring holding the given keys.
func NewKeys(pubs ...ed25519.PublicKey) (Keys, error) {
	k := make(Keys, len(pubs))
	for _, pub := range pubs {
		if _, err := k.Add(pub); err != nil {
			return nil, err
		}
	}
	return k, nil
}

// Add puts a key into the ring under its key id and returns the id.
func (k Keys) Add(pub ed25519.PublicKey) (KeyID, error) {
	if len(pub) != ed25519.PublicKeySize {
		return "", newError(CodeKeyInvalid, fmt.Sprintf("public key has %d bytes, want %d", len(pub), ed25519.PublicKeySize))
	}
	id := KeyIDOf(pub)
	k[id] = bytes.Clone(pub)
	return id, nil
}

// PublicKey implements KeyRing.
func (k Keys) PublicKey(id KeyID) (ed25519.PublicKey, bool) {
	pub, ok := k[id]
	return pub, ok
}

// KeyRingFunc adapts a lookup function, e.g. over the tally's enrollment
// table, to a KeyRing.
type KeyRingFunc func(KeyID) (ed25519.PublicKey, bool)

// PublicKey implements KeyRing.
func (f KeyRingFunc) PublicKey(id KeyID) (ed25519.PublicKey, bool) { return f(id) }

// Signer signs envelopes with one Ed25519 private key. The zero value has
// no key and refuses to sign.
type Signer struct {
	key ed25519.PrivateKey
	id  KeyID
}

// GenerateSigner makes a new key whose seed is the first 32 bytes of rand
// (crypto/rand when rand is nil). The seed is read here rather than left to
// ed25519.GenerateKey, as Go has begun to ignore caller-supplied randomness
// in key generation: a deterministic reader must give a deterministic key.
func GenerateSigner(rand io.Reader) (Signer, error) {
	if rand == nil {
		rand = cryptoRand
	}
	seed := make([]byte, ed25519.SeedSize)
	if _, err := io.ReadFull(rand, seed); err != nil {
		return Signer{}, fmt.Errorf("seal: reading key seed: %w", err)
	}
	return signerOf(ed25519.NewKeyFromSeed(seed)), nil
}

var cryptoRand = rand.Reader

// NewSigner returns a signer for priv. It refuses a key of the wrong length
// or one whose public half does not belong to its seed, which would sign
// with one key and name another.
func NewSigner(priv ed25519.PrivateKey) (Signer, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return Signer{}, newError(CodeKeyInvalid, fmt.Sprintf("private key has %d bytes, want %d", len(priv), ed25519.PrivateKeySize))
	}
	if !bytes.Equal(ed25519.NewKeyFromSeed(priv.Seed()), priv) {
		return Signer{}, newError(CodeKeyInvalid, "private key's public half does not match its seed")
	}
	return signerOf(bytes.Clone(priv)), nil
}

func signerOf(priv ed25519.PrivateKey) Signer {
	return Signer{key: priv, id: KeyIDOf(priv.Public().(ed25519.PublicKey))}
}

// KeyID returns the id of the signer's public key ("" for the zero Signer).
func (s Signer) KeyID() KeyID { return s.id }

// Public returns the signer's public key (nil for the zero Signer).
func (s Signer) Public() ed25519.PublicKey {
	if s.key == nil {
		return nil
	}
	return s.key.Public().(ed25519.PublicKey)
}

// signPAE signs the pre-authentication encoding of a payload.
func (s Signer) signPAE(payloadType string, payload []byte) ([]byte, error) {
	if s.key == nil {
		return nil, newError(CodeKeyInvalid, "signer has no key")
	}
	return ed25519.Sign(s.key, PAE(payloadType, payload)), nil
}

// PEM block types. Key files hold exactly one block.
const (
	pemPrivate = "PRIVATE KEY" // PKCS #8
	pemPublic  = "PUBLIC KEY"  // PKIX SubjectPublicKeyInfo
)

// MarshalPEM returns the signer's private key as a PKCS #8 PEM block. The
// caller writes it to a file only it can read.
func (s Signer) MarshalPEM() ([]byte, error) {
	if s.key == nil {
		return nil, newError(CodeKeyInvalid, "signer has no key")
	}
	der, err := x509.MarshalPKCS8PrivateKey(s.key)
	if err != nil {
		return nil, wrapError(CodeKeyInvalid, "encoding private key", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemPrivate, Bytes: der}), nil
}

// ParseSignerPEM reads a signer from a PKCS #8 "PRIVATE KEY" PEM block, as
// MarshalPEM and `openssl genpkey -algorithm ed25519` write it.
func ParseSignerPEM(b []byte) (Signer, error) {
	der, err := onePEMBlock(b, pemPrivate)
	if err != nil {
		return Signer{}, err
	}
	key, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return Signer{}, wrapError(CodeKeyInvalid, "parsing PKCS #8 private key", err)
	}
	priv, ok := key.(ed25519.PrivateKey)
	if !ok {
		return Signer{}, newError(CodeKeyInvalid, fmt.Sprintf("private key is %s, want Ed25519", keyKind(key)))
	}
	return NewSigner(priv)
}

// MarshalPublicKeyPEM returns pub as a PKIX "PUBLIC KEY" PEM block.
func MarshalPublicKeyPEM(pub ed25519.PublicKey) ([]byte, error) {
	if len(pub) != ed25519.PublicKeySize {
		return nil, newError(CodeKeyInvalid, fmt.Sprintf("public key has %d bytes, want %d", len(pub), ed25519.PublicKeySize))
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, wrapError(CodeKeyInvalid, "encoding public key", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemPublic, Bytes: der}), nil
}

// ParsePublicKeyPEM reads an Ed25519 public key from a PKIX "PUBLIC KEY"
// PEM block.
func ParsePublicKeyPEM(b []byte) (ed25519.PublicKey, error) {
	der, err := onePEMBlock(b, pemPublic)
	if err != nil {
		return nil, err
	}
	key, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, wrapError(CodeKeyInvalid, "parsing PKIX public key", err)
	}
	pub, ok := key.(ed25519.PublicKey)
	if !ok {
		return nil, newError(CodeKeyInvalid, fmt.Sprintf("public key is %s, want Ed25519", keyKind(key)))
	}
	return pub, nil
}

// onePEMBlock returns the bytes of the single PEM block of b, which must be
// of type want with no headers and nothing but white space around it: a key
// file with two keys, or with text that might be mistaken for a key, is
// refused rather than half-read.
func onePEMBlock(b []byte, want string) ([]byte, error) {
	block, rest := pem.Decode(b)
	if block == nil {
		return nil, newError(CodeKeyInvalid, fmt.Sprintf("no PEM block found, want %q", want))
	}
	if block.Type != want {
		msg := fmt.Sprintf("PEM block is %q, want %q", block.Type, want)
		switch block.Type {
		case "ENCRYPTED PRIVATE KEY":
			msg += " (the key is encrypted; decrypt it first)"
		case pemPublic:
			msg += " (this is a public key; a private key is needed here)"
		case pemPrivate:
			msg += " (this is a private key; give the public key instead)"
		case "RSA PRIVATE KEY", "EC PRIVATE KEY", "RSA PUBLIC KEY":
			msg += " (only Ed25519 keys are used)"
		}
		return nil, newError(CodeKeyInvalid, msg)
	}
	if len(block.Headers) != 0 {
		return nil, newError(CodeKeyInvalid, "PEM block has headers; key files carry none")
	}
	if len(bytes.TrimSpace(rest)) != 0 || len(bytes.TrimSpace(b[:bytes.Index(b, []byte("-----BEGIN"))])) != 0 {
		return nil, newError(CodeKeyInvalid, "unexpected data around the PEM block")
	}
	return block.Bytes, nil
}

// keyKind names the algorithm of a key that is not Ed25519, for messages.
func keyKind(key any) string {
	switch key.(type) {
	case *rsa.PrivateKey, *rsa.PublicKey:
		return "an RSA key"
	case *ecdsa.PrivateKey, *ecdsa.PublicKey:
		return "an ECDSA key"
	case *ecdh.PrivateKey, *ecdh.PublicKey:
		return "an ECDH (e.g. X25519) key"
	}
	return fmt.Sprintf("a %T", key)
}

// isHex64 reports whether s is 64 lowercase hex digits, the form of a
// SHA-256 sum in seal.
func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
