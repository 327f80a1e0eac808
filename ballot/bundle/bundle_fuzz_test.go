package bundle_test

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wahlkoffer/wahlkoffer/ballot/bundle"
	"github.com/wahlkoffer/wahlkoffer/ballot/fuzzseed"
)

// read reads a bundle and returns its header, envelopes and error.
func read(data []byte) (bundle.Header, [][]byte, error) {
	var envs [][]byte
	lines := 0
	h, err := bundle.Read(bytes.NewReader(data), func(line int, env []byte) error {
		lines++
		if line != lines+1 {
			return fmt.Errorf("envelope %d handed over as line %d", lines, line)
		}
		envs = append(envs, env)
		return nil
	})
	return h, envs, err
}

// writable reports whether Write can carry the envelopes.
func writable(envs [][]byte) bool {
	for _, e := range envs {
		if len(e) == 0 || bytes.ContainsAny(e, "\r\n") {
			return false
		}
	}
	return true
}

// FuzzRead: Read never panics and reads the same bytes the same way; a
// refusal is a *bundle.Error at a line of the file; an accepted bundle
// holds as many envelopes as its header announces, none spanning lines,
// and written again (when Write can carry its envelopes) reads back the
// same.
func FuzzRead(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		h, envs, err := read(data)
		h2, envs2, err2 := read(data)
		if fmt.Sprint(err) != fmt.Sprint(err2) || !reflect.DeepEqual(h, h2) || !reflect.DeepEqual(envs, envs2) {
			t.Fatalf("two readings differ: %v, %v", err, err2)
		}
		if err != nil {
			var be *bundle.Error
			if !errors.As(err, &be) || be.Line < 1 || be.Line > bytes.Count(data, []byte("\n"))+2 {
				t.Fatalf("refused with %T %v", err, err)
			}
			return
		}
		if h.Format != bundle.Format || h.Count != len(envs) {
			t.Fatalf("accepted header %+v with %d envelopes", h, len(envs))
		}
		for i, e := range envs {
			if bytes.IndexByte(e, '\n') >= 0 {
				t.Fatalf("envelope %d spans lines: %q", i+1, e)
			}
		}
		var buf bytes.Buffer
		if err := bundle.Write(&buf, h, envs); err != nil {
			if writable(envs) {
				t.Fatalf("a bundle read cannot be written again: %v", err)
			}
			return
		}
		h3, envs3, err := read(buf.Bytes())
		if err != nil || !reflect.DeepEqual(envs3, envs) || !h3.ExportedAt.Equal(h.ExportedAt) {
			t.Fatalf("a bundle written again reads back otherwise: %v", err)
		}
		h3.ExportedAt = h.ExportedAt
		if h3 != h {
			t.Fatalf("header %+v reads back as %+v", h, h3)
		}
	})
}

// FuzzWriteRead: a bundle written by Write reads back: the envelopes
// (split from the last argument at NUL bytes) verbatim and in order, the
// header's fields as given (strings that are valid UTF-8; JSON cannot carry
// others). Write refuses only envelopes it cannot carry on one line and a
// time JSON cannot hold.
func FuzzWriteRead(f *testing.F) {
	f.Fuzz(func(t *testing.T, election, district, station string, exported int64, joined []byte) {
		var envs [][]byte
		if len(joined) > 0 {
			envs = bytes.Split(joined, []byte{0})
		}
		h := bundle.Header{ElectionID: election, District: district, Station: station, ExportedAt: time.Unix(exported, 0)}
		var buf bytes.Buffer
		err := bundle.Write(&buf, h, envs)
		if y := h.ExportedAt.UTC().Year(); err != nil {
			if writable(envs) && y >= 0 && y <= 9999 {
				t.Fatalf("Write refuses %d envelopes: %v", len(envs), err)
			}
			return
		} else if !writable(envs) {
			t.Fatalf("Write accepted an envelope it cannot carry: %q", envs)
		}
		got, gotEnvs, err := read(buf.Bytes())
		if err != nil {
			t.Fatalf("a written bundle does not read back: %v\n%q", err, buf.Bytes())
		}
		if len(gotEnvs) != len(envs) || got.Count != len(envs) || got.Format != bundle.Format {
			t.Fatalf("%d envelopes written, %d read, header %+v", len(envs), len(gotEnvs), got)
		}
		for i := range envs {
			if !bytes.Equal(gotEnvs[i], envs[i]) {
				t.Fatalf("envelope %d written %q, read %q", i+1, envs[i], gotEnvs[i])
			}
		}
		if !got.ExportedAt.Equal(h.ExportedAt) || got.ExportedAt.Location() != time.UTC {
			t.Fatalf("exported at %v reads back as %v", h.ExportedAt, got.ExportedAt)
		}
		for _, f := range [][2]string{{election, got.ElectionID}, {district, got.District}, {station, got.Station}} {
			if utf8.ValidString(f[0]) && f[0] != f[1] {
				t.Fatalf("header field %q reads back as %q", f[0], f[1])
			}
		}
	})
}

// fuzzSeeds are the committed seeds of FuzzRead and FuzzWriteRead: bundles
// as a station exports them and bundles broken in one way each.
func fuzzSeeds(t *testing.T) map[string]map[string][]any {
	// An envelope as seal writes it (the bundle does not verify it).
	env := `{"payload":"eyJlbGVjdGlvbl9pZCI6Im11c3RlcnN0YWR0LTIwMjYifQ==","payloadType":"application/vnd.wahlkoffer.checkin+json",` +
		`"signatures":[{"keyid":"` + strings.Repeat("ab", 32) + `","sig":"` + strings.Repeat("A", 86) + `=="}]}`
	h := bundle.Header{ElectionID: "musterstadt-2026", District: "101", Station: "station-101", ExportedAt: time.Date(2026, 3, 8, 19, 5, 0, 0, time.UTC)}
	write := func(envs ...string) []byte {
		var buf bytes.Buffer
		raw := make([][]byte, len(envs))
		for i, e := range envs {
			raw[i] = []byte(e)
		}
		if err := bundle.Write(&buf, h, raw); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	three := write(env, strings.Replace(env, "checkin", "turnout", 1), strings.Replace(env, "checkin", "count", 1))
	first := bytes.IndexByte(three, '\n') + 1
	reads := map[string][]byte{
		"valid-three":           three,
		"valid-none":            write(),
		"valid-crlf":            bytes.ReplaceAll(three, []byte("\n"), []byte("\r\n")),
		"valid-local-time":      bytes.Replace(three, []byte(`19:05:00Z`), []byte(`20:05:00+01:00`), 1),
		"count-too-high":        bytes.Replace(three, []byte(`"count":3`), []byte(`"count":4`), 1),
		"count-negative":        bytes.Replace(write(), []byte(`"count":0`), []byte(`"count":-1`), 1),
		"count-fraction":        bytes.Replace(three, []byte(`"count":3`), []byte(`"count":3.0`), 1),
		"format-later":          bytes.Replace(three, []byte(`wahlkoffer-bundle/1`), []byte(`wahlkoffer-bundle/2`), 1),
		"header-member-unknown": bytes.Replace(three, []byte(`{"format"`), []byte(`{"x":1,"format"`), 1),
		"no-final-newline":      three[:len(three)-1],
		"header-only-cut":       three[:first-1],
		"valid-empty-lines":     append(bytes.Clone(three[:first]), []byte("\n\n\n")...),
		"empty":                 {},
	}
	writes := map[string][]any{
		"valid-three":         {h.ElectionID, h.District, h.Station, h.ExportedAt.Unix(), []byte(env + "\x00" + env + "\x00" + env)},
		"valid-none":          {"e", "1", "s", int64(0), []byte{}},
		"valid-unicode":       {"wahl-münchen", "Bezirk 1", "laptop ä", int64(-1), []byte(`{"a":"ä"}`)},
		"envelope-newline":    {"e", "1", "s", int64(1), []byte("a\nb")},
		"envelope-empty":      {"e", "1", "s", int64(1), []byte("a\x00\x00b")},
		"year-out-of-range":   {"e", "1", "s", int64(1) << 60, []byte("a")},
		"invalid-utf8-header": {"e\xff", "1", "s", int64(1), []byte("a")},
	}
	out := map[string]map[string][]any{"FuzzRead": {}, "FuzzWriteRead": writes}
	for name, b := range reads {
		out["FuzzRead"][name] = []any{b}
	}
	return out
}

// TestFuzzSeeds keeps the committed seeds equal to what fuzzSeeds makes
// now, and checks that exactly the seeds named valid-* are read (FuzzRead)
// or written (FuzzWriteRead); run with -update-seeds after a change to the
// format.
func TestFuzzSeeds(t *testing.T) {
	seeds := fuzzSeeds(t)
	for name, args := range seeds["FuzzRead"] {
		if _, _, err := read(args[0].([]byte)); (err == nil) != strings.HasPrefix(name, "valid-") {
			t.Errorf("FuzzRead/%s: %v", name, err)
		}
	}
	for name, a := range seeds["FuzzWriteRead"] {
		var envs [][]byte
		if j := a[4].([]byte); len(j) > 0 {
			envs = bytes.Split(j, []byte{0})
		}
		h := bundle.Header{ElectionID: a[0].(string), District: a[1].(string), Station: a[2].(string), ExportedAt: time.Unix(a[3].(int64), 0)}
		if err := bundle.Write(new(bytes.Buffer), h, envs); (err == nil) != (strings.HasPrefix(name, "valid-") || name == "invalid-utf8-header") {
			t.Errorf("FuzzWriteRead/%s: %v", name, err)
		}
	}
	for _, target := range []string{"FuzzRead", "FuzzWriteRead"} {
		names := make([]string, 0, len(seeds[target]))
		for name := range seeds[target] {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			want := fuzzseed.Entry(seeds[target][name]...)
			fuzzseed.Check(t, target, name, []byte(want))
		}
	}
}
