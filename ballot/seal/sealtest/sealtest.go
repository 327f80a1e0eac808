// Package sealtest gives tests deterministic randomness and keys: the same
// label gives the same bytes, keys and (Ed25519 being deterministic)
// signatures in every run, so golden files and fuzz seeds stay valid.
package sealtest

import (
	"crypto/sha256"
	"encoding/binary"
	"io"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
)

// detRand is SHA-256 in counter mode over a label.
type detRand struct {
	label string
	n     uint64
	buf   []byte
}

// Rand returns the deterministic byte stream of label.
func Rand(label string) io.Reader { return &detRand{label: label} }

func (r *detRand) Read(p []byte) (int, error) {
	for i := range p {
		if len(r.buf) == 0 {
			var ctr [8]byte
			binary.BigEndian.PutUint64(ctr[:], r.n)
			r.n++
			sum := sha256.Sum256(append([]byte(r.label), ctr[:]...))
			r.buf = sum[:]
		}
		p[i], r.buf = r.buf[0], r.buf[1:]
	}
	return len(p), nil
}

// Signer returns the key named label.
func Signer(tb testing.TB, label string) seal.Signer {
	tb.Helper()
	s, err := seal.GenerateSigner(Rand(label))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
