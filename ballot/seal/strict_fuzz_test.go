package seal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"testing"
	"unicode/utf8"
)

// FuzzUniqueKeys: the scanner that finds repeated member names agrees
// with one built on encoding/json's tokenizer (the one it replaced) on
// every JSON text.
func FuzzUniqueKeys(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1,"b":2}`, `{"a":1,"a":2}`, `{"a":{"a":1},"b":[{"a":1,"a":2}]}`,
		`{"\u0041":1,"A":2}`, `{"a\"b":1,"a\"b":2}`, `[{"x":1},{"x":1}]`, `{"n":{"ob-1":1,"ob-2":2,"ob-1":3}}`,
		`{"a":"{\"a\":1,\"a\":2}"}`, `{"a":[1,2,{"b":[],"b":{}}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			_ = uniqueKeys(data) // must not panic; the decoder rejects it afterwards
			return
		}
		got, want := uniqueKeys(data), uniqueKeysByTokens(data)
		if (got == nil) != (want == nil) {
			t.Fatalf("uniqueKeys(%s) = %v; by tokens: %v", data, got, want)
		}
	})
}

// FuzzStrictObject: strictObject accepts what the reader built on
// encoding/json's tokenizer (the one it replaced) accepts, and reads the
// same members.
func FuzzStrictObject(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":"x"}`, `{"a":1}`, `{"a":1,"b":2,"c":3}`, `{"a":1,"a":2,"b":3}`, `{"a":null,"b":1}`,
		`{"A":1,"b":2}`, `{"\u0061":1,"b":2}`, `{"a":1,"b":2} x`, `{"a":1,"b":2}  `, `[1]`, `null`, `{"a":{"x":1,"x":2},"b":[]}`,
		`{"a":1,"b":2}{}`, "{\"a\":\"\xff\",\"b\":1}", ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := strictObject(data, "a", "b")
		want, wantErr := strictObjectByTokens(data, "a", "b")
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("strictObject(%q): %v; by tokens: %v", data, err, wantErr)
		}
		if err != nil {
			return
		}
		if len(got) != len(want) {
			t.Fatalf("strictObject(%q) = %q; by tokens %q", data, got, want)
		}
		for k, v := range want {
			if !bytes.Equal(bytes.TrimSpace(got[k]), bytes.TrimSpace(v)) {
				t.Fatalf("strictObject(%q)[%s] = %q; by tokens %q", data, k, got[k], v)
			}
		}
	})
}

// strictObjectByTokens is the reference: encoding/json's tokenizer.
func strictObjectByTokens(data []byte, names ...string) (map[string]json.RawMessage, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	out := make(map[string]json.RawMessage, len(names))
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, ok := tok.(string)
		if !ok {
			return nil, errors.New("member name is not a string")
		}
		if !slices.Contains(names, name) {
			return nil, fmt.Errorf("unknown member %q", name)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("member %q appears twice", name)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("member %q: %w", name, err)
		}
		if string(bytes.TrimSpace(raw)) == "null" {
			return nil, fmt.Errorf("member %q is null", name)
		}
		out[name] = raw
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON object")
	}
	for _, n := range names {
		if _, ok := out[n]; !ok {
			return nil, fmt.Errorf("member %q is missing", n)
		}
	}
	return out, nil
}

// uniqueKeysByTokens is the reference: encoding/json's tokenizer, reading
// numbers as text (UseNumber) so that a number too large for a float64,
// which the decoder refuses after uniqueKeys, does not count as a repeated
// name.
func uniqueKeysByTokens(data []byte) error {
	type frame struct {
		obj       bool
		expectKey bool
		seen      map[string]bool
	}
	var stack []frame
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		d, isDelim := tok.(json.Delim)
		if isDelim && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			continue
		}
		if n := len(stack); n > 0 && stack[n-1].obj {
			top := &stack[n-1]
			if top.expectKey {
				name, _ := tok.(string)
				if top.seen[name] {
					return fmt.Errorf("member %q appears twice", name)
				}
				top.seen[name] = true
				top.expectKey = false
				continue
			}
			top.expectKey = true // after this value, the next member's name
		}
		switch {
		case isDelim && d == '{':
			stack = append(stack, frame{obj: true, expectKey: true, seen: map[string]bool{}})
		case isDelim && d == '[':
			stack = append(stack, frame{})
		}
	}
}
