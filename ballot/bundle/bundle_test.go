package bundle_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot/bundle"
)

func write(t *testing.T, envs ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	var raw [][]byte
	for _, e := range envs {
		raw = append(raw, []byte(e))
	}
	h := bundle.Header{ElectionID: "e", District: "101", Station: "s1", ExportedAt: time.Date(2026, 3, 8, 19, 0, 0, 0, time.UTC)}
	if err := bundle.Write(&buf, h, raw); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readAll(data []byte) ([]string, bundle.Header, error) {
	var got []string
	h, err := bundle.Read(bytes.NewReader(data), func(_ int, env []byte) error {
		got = append(got, string(env))
		return nil
	})
	return got, h, err
}

func TestBundle_RoundTripKeepsEnvelopesVerbatimAndInOrder(t *testing.T) {
	envs := []string{`{"payload":"YQ==","payloadType":"t","signatures":[]}`, `{"b":  2}`, strings.Repeat("x", 100_000)}
	data := write(t, envs...)
	got, h, err := readAll(data)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(envs) || h.Count != 3 || h.District != "101" || h.Format != bundle.Format {
		t.Errorf("got %d envelopes, header %+v", len(got), h)
	}
}

func TestBundle_RefusesWhatIsNotABundle(t *testing.T) {
	good := write(t, "a", "b")
	for name, data := range map[string][]byte{
		"empty":           nil,
		"foreign header":  []byte("{\"format\":\"zip\"}\na\n"),
		"cut off":         good[:len(good)-1],
		"one missing":     bytes.TrimSuffix(good, []byte("b\n")),
		"one extra":       append(append([]byte{}, good...), "c\n"...),
		"overlong line":   append(append([]byte{}, good[:bytes.IndexByte(good, '\n')+1]...), append(bytes.Repeat([]byte("x"), 2<<20), '\n')...),
		"header unknowns": []byte("{\"format\":\"wahlkoffer-bundle/1\",\"count\":0,\"extra\":1}\n"),
		"header not json": []byte("hello\n"),
	} {
		_, _, err := readAll(data)
		var be *bundle.Error
		if !errors.As(err, &be) {
			t.Errorf("%s: got %v, want a *bundle.Error", name, err)
		}
	}
}

func TestBundle_WriteRefusesMultiLineEnvelopes(t *testing.T) {
	var buf bytes.Buffer
	if err := bundle.Write(&buf, bundle.Header{}, [][]byte{[]byte("{\n}")}); err == nil {
		t.Error("an envelope with a newline was written")
	}
}
