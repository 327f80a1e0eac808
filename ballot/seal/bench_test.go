package seal_test

import (
	"encoding/json"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
)

// The benchmarks use the typical record: a final count of twelve lists, whose
// envelope is about 1.1 KiB (reported as the bytes per operation).

func benchRecord(b *testing.B) (seal.Signer, ballot.Header, []byte) {
	s := testSigner(b, "station")
	h := testHeader(ballot.RecordCount, 9)
	body, err := json.Marshal(ballot.Payload{Header: h, Body: must[[]byte](b)(json.Marshal(typicalCount()))})
	if err != nil {
		b.Fatal(err)
	}
	return s, h, body
}

func BenchmarkSign(b *testing.B) {
	s, h, payload := benchRecord(b)
	env, _ := seal.Sign(s, h.Kind.PayloadType(), payload)
	b.SetBytes(int64(len(env)))
	for b.Loop() {
		if _, err := seal.Sign(s, h.Kind.PayloadType(), payload); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSealRecord(b *testing.B) {
	s, h, _ := benchRecord(b)
	body := typicalCount()
	env, _ := seal.SealRecord(s, h, body)
	b.SetBytes(int64(len(env)))
	for b.Loop() {
		if _, err := seal.SealRecord(s, h, body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	s, h, _ := benchRecord(b)
	env, _ := seal.SealRecord(s, h, typicalCount())
	keys := testRing(b, s)
	b.SetBytes(int64(len(env)))
	for b.Loop() {
		if _, err := seal.Open(env, keys); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpenRecord(b *testing.B) {
	s, h, _ := benchRecord(b)
	env, _ := seal.SealRecord(s, h, typicalCount())
	keys := testRing(b, s)
	b.SetBytes(int64(len(env)))
	for b.Loop() {
		if _, err := seal.OpenRecord(env, keys); err != nil {
			b.Fatal(err)
		}
	}
}

// A flood of junk costs no signature check.
func BenchmarkOpenRejectUnknownKey(b *testing.B) {
	env, _ := seal.Sign(testSigner(b, "stranger"), testType, []byte(`{"junk":true}`))
	keys := testRing(b, testSigner(b, "station"))
	for b.Loop() {
		if _, err := seal.Open(env, keys); err == nil {
			b.Fatal("accepted")
		}
	}
}
