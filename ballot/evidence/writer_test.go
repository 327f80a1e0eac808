package evidence_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot/evidence"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
)

func TestWriterRefuses(t *testing.T) {
	other := testSigner(t, "another office")
	cases := map[string]struct {
		edit func(f *fixture)
		code evidence.Code
	}{
		"no office key":           {func(f *fixture) { f.office = seal.Signer{} }, evidence.CodeSignature},
		"package of another":      {func(f *fixture) { f.office = other }, evidence.CodeSignature},
		"package not signed":      {func(f *fixture) { f.header.Package = f.definition }, evidence.CodePackage},
		"another election":        {func(f *fixture) { f.header.ElectionID = "other" }, evidence.CodePackage},
		"no export time":          {func(f *fixture) { f.header.ExportedAt = time.Time{} }, evidence.CodeMalformed},
		"unknown district":        {func(f *fixture) { f.keys[0].District = "999" }, evidence.CodeKeys},
		"no station":              {func(f *fixture) { f.keys[0].Station = "" }, evidence.CodeKeys},
		"no enrollment time":      {func(f *fixture) { f.keys[0].EnrolledAt = time.Time{} }, evidence.CodeKeys},
		"revoked before enrolled": {func(f *fixture) { f.keys[0].RevokedAt = f.keys[0].EnrolledAt.Add(-time.Second) }, evidence.CodeKeys},
		"key twice":               {func(f *fixture) { f.keys = append(f.keys, f.keys[0]) }, evidence.CodeKeys},
		"office key enrolled": {func(f *fixture) {
			f.keys = append(f.keys, evidence.Key{PublicKey: f.office.Public(), District: "2", Station: "s", EnrolledAt: day})
		}, evidence.CodeKeys},
		"short public key": {func(f *fixture) { f.keys[0].PublicKey = f.keys[0].PublicKey[:31] }, evidence.CodeKeys},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			f := smallFixture(t)
			c.edit(f)
			var buf bytes.Buffer
			_, err := evidence.NewWriter(&buf, f.office, f.header, f.keys)
			wantCode(t, err, c.code, 0)
			if buf.Len() != 0 {
				t.Errorf("%d bytes written before the refusal", buf.Len())
			}
		})
	}
}

func TestWriterAddRefuses(t *testing.T) {
	f := smallFixture(t)
	env, rcpt := f.entries[0].envelope, f.entries[0].receipt
	var buf bytes.Buffer
	w, err := evidence.NewWriter(&buf, f.office, f.header, f.keys)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		env, rcpt []byte
		code      evidence.Code
	}{
		"empty envelope":     {nil, rcpt, evidence.CodeMalformed},
		"huge envelope":      {bytes.Repeat([]byte("x"), seal.MaxEnvelopeSize+1), rcpt, evidence.CodeMalformed},
		"envelope not UTF-8": {append(bytes.Clone(env[:len(env)-1]), 0xff), rcpt, evidence.CodeMalformed},
		"no receipt":         {env, nil, evidence.CodeReceipt},
		"huge receipt":       {env, bytes.Repeat([]byte("x"), evidence.MaxReceiptSize+1), evidence.CodeReceipt},
		"receipt not UTF-8":  {env, []byte{0xc3}, evidence.CodeReceipt},
	} {
		t.Run(name, func(t *testing.T) { wantCode(t, w.Add(c.env, c.rcpt), c.code, 0) })
	}
	// A refused Add leaves the writer usable and writes nothing.
	if err := w.Add(env, rcpt); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if w.Count() != 1 {
		t.Errorf("count %d", w.Count())
	}
	if _, _, err := readAll(buf.Bytes(), f.office.Public()); err != nil {
		t.Fatal(err)
	}
	if err := w.Add(env, rcpt); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("Add after Close: %v", err)
	}
	if err := w.Close(); err == nil {
		t.Error("Close twice gave no error")
	}
}

// The largest envelope the tally may accept, spaced out with line feeds,
// still fits its line: the bound on record lines allows for escaping.
func TestWriterLargestEnvelope(t *testing.T) {
	f := smallFixture(t)
	env := f.entries[0].envelope
	spaced := append(bytes.Clone(env[:len(env)-1]), bytes.Repeat([]byte("\n"), seal.MaxEnvelopeSize-len(env))...)
	spaced = append(spaced, '}')
	if len(spaced) != seal.MaxEnvelopeSize {
		t.Fatalf("%d bytes", len(spaced))
	}
	var buf bytes.Buffer
	w, err := evidence.NewWriter(&buf, f.office, f.header, f.keys)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Add(spaced, f.entries[0].receipt); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// seal accepts the spaced envelope; its receipt names the compact one.
	_, _, err = readAll(buf.Bytes(), nil)
	wantCode(t, err, evidence.CodeReceipt, 3)
}

type failingWriter struct{ after int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.after < len(p) {
		return 0, errors.New("disk full")
	}
	w.after -= len(p)
	return len(p), nil
}

func TestWriterIOError(t *testing.T) {
	f := smallFixture(t)
	w, err := evidence.NewWriter(&failingWriter{after: 100}, f.office, f.header, f.keys)
	if err != nil {
		t.Fatal(err) // buffered: nothing reached the writer yet
	}
	err = w.Close()
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Close: %v", err)
	}
	if err2 := w.Add(f.entries[0].envelope, f.entries[0].receipt); err2 == nil {
		t.Error("Add after a failed Close gave no error")
	}
}

func TestCertificationsTravelInTheSignedManifest(t *testing.T) {
	f := smallFixture(t)
	certifiedAt := time.Date(2026, 3, 9, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	f.header.Certifications = []evidence.Certification{{Contest: "freibad", CertifiedAt: certifiedAt, By: "Wahlausschuss"}}
	data := f.file(t)
	_, sum, err := readAll(data, f.office.Public())
	if err != nil {
		t.Fatal(err)
	}
	want := []evidence.Certification{{Contest: "freibad", CertifiedAt: certifiedAt.UTC(), By: "Wahlausschuss"}}
	if len(sum.Certifications) != 1 || sum.Certifications[0] != want[0] || sum.Certifications[0].CertifiedAt.Location() != time.UTC {
		t.Fatalf("certifications read back: %+v, want %+v", sum.Certifications, want)
	}

	// A certification of a contest the election does not have is refused
	// when writing.
	f.header.Certifications = []evidence.Certification{{Contest: "hallenbad", CertifiedAt: certifiedAt, By: "x"}}
	var buf bytes.Buffer
	if _, err := evidence.NewWriter(&buf, f.office, f.header, f.keys); evidence.CodeOf(err) != evidence.CodeManifest {
		t.Fatalf("unknown contest: %v", err)
	}
}
