package seal_test

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
)

func TestGenerateSignerIsDeterministic(t *testing.T) {
	a, b := testSigner(t, "station"), testSigner(t, "station")
	if a.KeyID() != b.KeyID() || !a.Public().Equal(b.Public()) {
		t.Fatal("the same randomness gave two keys")
	}
	if c := testSigner(t, "other"); c.KeyID() == a.KeyID() {
		t.Fatal("different randomness gave the same key")
	}
	want := ed25519.NewKeyFromSeed(seedOf(t, "station")).Public().(ed25519.PublicKey)
	if !a.Public().Equal(want) {
		t.Fatal("the key is not the one of the first 32 bytes of randomness")
	}
	// With nil, crypto/rand is used.
	r, err := seal.GenerateSigner(nil)
	if err != nil || len(r.Public()) != ed25519.PublicKeySize {
		t.Fatalf("GenerateSigner(nil) = %v", err)
	}
	if _, err := seal.GenerateSigner(strings.NewReader("too short")); err == nil {
		t.Fatal("a short read gave a key")
	}
}

func TestKeyID(t *testing.T) {
	s := testSigner(t, "station")
	sum := sha256.Sum256(s.Public())
	if got, want := seal.KeyIDOf(s.Public()), seal.KeyID(hex.EncodeToString(sum[:])); got != want || s.KeyID() != want {
		t.Fatalf("KeyIDOf = %s, KeyID() = %s, want %s", got, s.KeyID(), want)
	}
	if !s.KeyID().Valid() {
		t.Fatal("a key id is not Valid")
	}
	for _, bad := range []seal.KeyID{"", "abc", seal.KeyID(strings.ToUpper(string(s.KeyID()))), s.KeyID() + "0"} {
		if bad.Valid() {
			t.Errorf("%q is Valid", bad)
		}
	}
	var zero seal.Signer
	if zero.KeyID() != "" || zero.Public() != nil {
		t.Fatal("the zero Signer has a key")
	}
}

func TestKeys(t *testing.T) {
	s, o := testSigner(t, "station"), testSigner(t, "other")
	k, err := seal.NewKeys(s.Public(), o.Public())
	if err != nil {
		t.Fatal(err)
	}
	if pub, ok := k.PublicKey(o.KeyID()); !ok || !pub.Equal(o.Public()) {
		t.Fatal("lookup failed")
	}
	if _, ok := k.PublicKey(testSigner(t, "stranger").KeyID()); ok {
		t.Fatal("found a key never added")
	}
	_, err = seal.NewKeys(s.Public()[:31])
	wantCode(t, err, seal.CodeKeyInvalid)
}

func TestNewSigner(t *testing.T) {
	priv := ed25519.NewKeyFromSeed(seedOf(t, "station"))
	s, err := seal.NewSigner(priv)
	if err != nil {
		t.Fatal(err)
	}
	if s.KeyID() != testSigner(t, "station").KeyID() {
		t.Fatal("NewSigner and GenerateSigner disagree")
	}
	_, err = seal.NewSigner(priv[:32])
	wantCode(t, err, seal.CodeKeyInvalid)
	// A private key carrying someone else's public half would sign with one
	// key and name another.
	forged := append(bytes.Clone(priv[:32]), testSigner(t, "other").Public()...)
	_, err = seal.NewSigner(forged)
	wantCode(t, err, seal.CodeKeyInvalid)
}

func TestPEMRoundTrip(t *testing.T) {
	s := testSigner(t, "office")
	privPEM, err := s.MarshalPEM()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(privPEM, []byte("-----BEGIN PRIVATE KEY-----\n")) {
		t.Fatalf("private key PEM:\n%s", privPEM)
	}
	back, err := seal.ParseSignerPEM(privPEM)
	if err != nil {
		t.Fatal(err)
	}
	env, _ := seal.Sign(back, testType, []byte("x"))
	if _, err := seal.Open(env, testRing(t, s)); err != nil {
		t.Fatalf("the parsed key signs for another key: %v", err)
	}
	pubPEM, err := seal.MarshalPublicKeyPEM(s.Public())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pubPEM, []byte("-----BEGIN PUBLIC KEY-----\n")) {
		t.Fatalf("public key PEM:\n%s", pubPEM)
	}
	pub, err := seal.ParsePublicKeyPEM(pubPEM)
	if err != nil || !pub.Equal(s.Public()) {
		t.Fatalf("ParsePublicKeyPEM = %x, %v", pub, err)
	}
	// Surrounding white space, as editors leave it, is fine.
	if _, err := seal.ParsePublicKeyPEM(append(append([]byte("\n\n"), pubPEM...), "\r\n"...)); err != nil {
		t.Fatal(err)
	}
	_, err = seal.Signer{}.MarshalPEM()
	wantCode(t, err, seal.CodeKeyInvalid)
	_, err = seal.MarshalPublicKeyPEM(s.Public()[:16])
	wantCode(t, err, seal.CodeKeyInvalid)
}

// The Ed25519 examples of RFC 8410, section 10: the files openssl writes.
func TestPEMRFC8410(t *testing.T) {
	priv := "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n-----END PRIVATE KEY-----\n"
	pub := "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n"
	s, err := seal.ParseSignerPEM([]byte(priv))
	if err != nil {
		t.Fatal(err)
	}
	p, err := seal.ParsePublicKeyPEM([]byte(pub))
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(p); got != "19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1" {
		t.Fatalf("public key %s", got)
	}
	if !s.Public().Equal(p) {
		t.Fatal("RFC 8410's private key does not belong to its public key")
	}
}

func TestPEMWrongKeys(t *testing.T) {
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	xKey, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pemOf := func(typ string) func(der []byte, err error) []byte {
		return func(der []byte, err error) []byte {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
		}
	}
	s := testSigner(t, "station")
	goodPriv, _ := s.MarshalPEM()
	goodPub, _ := seal.MarshalPublicKeyPEM(s.Public())

	privCases := []struct {
		name string
		in   []byte
		msg  string
	}{
		{"ECDSA", pemOf("PRIVATE KEY")(x509.MarshalPKCS8PrivateKey(ecKey)), "ECDSA"},
		{"X25519", pemOf("PRIVATE KEY")(x509.MarshalPKCS8PrivateKey(xKey)), "ECDH"},
		{"RSA", pemOf("PRIVATE KEY")(x509.MarshalPKCS8PrivateKey(rsaKey)), "RSA"},
		{"RSA PKCS #1", pemOf("RSA PRIVATE KEY")(x509.MarshalPKCS1PrivateKey(rsaKey), nil), "only Ed25519"},
		{"public key", goodPub, "this is a public key"},
		{"encrypted", pemOf("ENCRYPTED PRIVATE KEY")([]byte{1, 2, 3}, nil), "encrypted"},
		{"not PEM", []byte("hello"), "no PEM block"},
		{"empty", nil, "no PEM block"},
		{"corrupt DER", pemOf("PRIVATE KEY")([]byte{0x30, 0x03, 1, 2, 3}, nil), "PKCS #8"},
		{"two keys", append(bytes.Clone(goodPriv), goodPriv...), "around"},
		{"text before", append([]byte("my key:\n"), goodPriv...), "around"},
		{"headers", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED"}, Bytes: []byte{1}}), "headers"},
	}
	for _, c := range privCases {
		t.Run("private/"+c.name, func(t *testing.T) {
			_, err := seal.ParseSignerPEM(c.in)
			wantCode(t, err, seal.CodeKeyInvalid)
			if !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("message %q does not say %q", err, c.msg)
			}
		})
	}
	pubCases := []struct {
		name string
		in   []byte
		msg  string
	}{
		{"ECDSA", pemOf("PUBLIC KEY")(x509.MarshalPKIXPublicKey(&ecKey.PublicKey)), "ECDSA"},
		{"RSA", pemOf("PUBLIC KEY")(x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)), "RSA"},
		{"private key", goodPriv, "this is a private key"},
		{"corrupt DER", pemOf("PUBLIC KEY")([]byte{0x30, 0x00}, nil), "PKIX"},
	}
	for _, c := range pubCases {
		t.Run("public/"+c.name, func(t *testing.T) {
			_, err := seal.ParsePublicKeyPEM(c.in)
			wantCode(t, err, seal.CodeKeyInvalid)
			if !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("message %q does not say %q", err, c.msg)
			}
		})
	}
}
