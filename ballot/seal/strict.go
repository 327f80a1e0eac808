package seal

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// encoding/json alone is too lenient for signed data: it matches member
// names case-insensitively, keeps the last of duplicated members, reads null
// as "absent" and replaces invalid UTF-8. Two readers of the same envelope -
// the tally and an observer's own audit tool - could then see different
// contents. strictObject closes these gaps before encoding/json fills a
// struct, so that anything seal accepts means one thing to every reader.

// strictObject checks that data is exactly one JSON object whose members
// are the given names, each once, spelled exactly, none null, with nothing
// but white space after it, and returns the raw member values.
//
// It runs for every envelope, receipt and payload the tally reads, so it
// leaves the reading to json.Unmarshal (one pass, not a token at a time)
// and finds repeated names with the byte scanner of uniqueKeys.
func strictObject(data []byte, names ...string) (map[string]json.RawMessage, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("not valid UTF-8")
	}
	if b := bytes.TrimLeft(data, " \t\r\n"); len(b) == 0 || b[0] != '{' {
		return nil, errors.New("not a JSON object")
	}
	var out map[string]json.RawMessage
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	if err := uniqueNames(data, true); err != nil {
		return nil, err
	}
	for _, name := range slices.Sorted(maps.Keys(out)) {
		if !slices.Contains(names, name) {
			return nil, fmt.Errorf("unknown member %q", name)
		}
		if string(bytes.TrimSpace(out[name])) == "null" {
			return nil, fmt.Errorf("member %q is null", name)
		}
	}
	for _, n := range names {
		if _, ok := out[n]; !ok {
			return nil, fmt.Errorf("member %q is missing", n)
		}
	}
	return out, nil
}

// uniqueKeys checks that no object anywhere in data names a member twice.
// strictObject covers the members it is asked for; this covers the nested
// record body, whose shape only package ballot knows, so that an auditor's
// JSON reader cannot pick another of two duplicated counts than the tally.
//
// data has been read as JSON already (strictObject); what is not JSON is
// left to the decoder after this. It runs once per record the tally takes
// in, so it scans the bytes itself instead of through encoding/json's
// tokenizer (a fifth of the time): the names of each object are
// collected, sorted when the object closes and compared with their
// neighbours.
func uniqueKeys(data []byte) error { return uniqueNames(data, false) }

// uniqueNames is uniqueKeys, of the outermost object only if topLevelOnly.
func uniqueNames(data []byte, topLevelOnly bool) error {
	var (
		names  []string
		frames []int // per open object the index of its first name in names; -1 for an array
		last   byte  // the last structural character seen
	)
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '"':
			end := stringEnd(data, i)
			if end < 0 {
				return errors.New("unterminated string")
			}
			if n := len(frames); n > 0 && frames[n-1] >= 0 && (last == '{' || last == ',') && (n == 1 || !topLevelOnly) {
				name, err := memberName(data[i : end+1])
				if err != nil {
					return err
				}
				names = append(names, name)
			}
			i, last = end, '"'
		case '{':
			frames, last = append(frames, len(names)), c
		case '[':
			frames, last = append(frames, -1), c
		case '}', ']':
			if len(frames) == 0 {
				return fmt.Errorf("unexpected %q", c)
			}
			first := frames[len(frames)-1]
			frames, last = frames[:len(frames)-1], c
			if first < 0 {
				continue
			}
			own := names[first:]
			slices.Sort(own)
			for k := 1; k < len(own); k++ {
				if own[k] == own[k-1] {
					return fmt.Errorf("member %q appears twice", own[k])
				}
			}
			names = names[:first]
		case ',', ':':
			last = c
		case ' ', '\t', '\n', '\r':
		default: // a number or a literal
			last = 'v'
		}
	}
	return nil
}

// stringEnd is the index of the quote that ends the string starting at
// data[start], or -1.
func stringEnd(data []byte, start int) int {
	for i := start + 1; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// memberName is a member's name as encoding/json reads it: "\u0041" and
// "A" are the same name, and so are two names whose invalid UTF-8 it
// replaces alike.
func memberName(quoted []byte) (string, error) {
	if bytes.IndexByte(quoted, '\\') < 0 && utf8.Valid(quoted) {
		return string(quoted[1 : len(quoted)-1]), nil
	}
	var name string
	if err := json.Unmarshal(quoted, &name); err != nil {
		return "", err
	}
	return name, nil
}

// stringMember decodes a member that must be a JSON string.
func stringMember(m map[string]json.RawMessage, name string) (string, error) {
	raw := bytes.TrimSpace(m[name])
	if len(raw) == 0 || raw[0] != '"' {
		return "", fmt.Errorf("member %q is not a string", name)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("member %q: %w", name, err)
	}
	return s, nil
}

// decodeBase64 reads a DSSE base64 field. The DSSE spec lets a signer use
// the standard or the URL-safe alphabet, so both are accepted, each padded
// and strict (no stray bits in the last character). encoding/base64 skips
// CR and LF even in strict mode; those are refused first, so a field has
// only one spelling per alphabet.
func decodeBase64(s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '+' || c == '/' || c == '-' || c == '_' || c == '=') {
			return nil, fmt.Errorf("byte %#02x at %d is not base64", c, i)
		}
	}
	if b, err := base64.StdEncoding.Strict().DecodeString(s); err == nil {
		return b, nil
	}
	b, err := base64.URLEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, errors.New("not padded standard or URL-safe base64")
	}
	return b, nil
}

// MaxIDLength bounds the identifiers in a header or receipt (election,
// district, station), in bytes.
const MaxIDLength = 128

// CheckID checks an identifier that travels in a signed payload: present,
// bounded, and printable, so that it can go into a log line, a CSV cell or a
// file name without surprises. Kits and evidence files check their ids by
// it too, so that they never name what no record could carry.
func CheckID(what, v string) error {
	switch {
	case v == "":
		return fmt.Errorf("%s is empty", what)
	case len(v) > MaxIDLength:
		return fmt.Errorf("%s is %d bytes long, at most %d allowed", what, len(v), MaxIDLength)
	case !utf8.ValidString(v):
		return fmt.Errorf("%s is not valid UTF-8", what)
	case strings.TrimSpace(v) != v:
		return fmt.Errorf("%s %q has white space around it", what, v)
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return fmt.Errorf("%s %q holds a control character", what, v)
		}
	}
	return nil
}
