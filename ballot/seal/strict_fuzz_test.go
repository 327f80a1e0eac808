package seal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"testing"
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

// uniqueKeysByTokens is the reference: encoding/json's tokenizer.
func uniqueKeysByTokens(data []byte) error {
	type frame struct {
		obj       bool
		expectKey bool
		seen      map[string]bool
	}
	var stack []frame
	dec := json.NewDecoder(bytes.NewReader(data))
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

