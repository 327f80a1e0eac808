package ballot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"unicode/utf8"
)

// MaxDefinitionSize bounds the definition file: a generated election with
// 100,000 districts is about 40 MB.
const MaxDefinitionSize = 256 << 20

// ParseDefinition reads and validates an election definition. It reports
// every problem it finds in one run, each at its JSON path: syntax, unknown
// or duplicate fields, wrong types, and then the rules of Validate. The
// returned error is a *DefinitionError when the file was read but has
// problems.
func ParseDefinition(data []byte) (*Definition, error) {
	if len(data) > MaxDefinitionSize {
		return nil, &DefinitionError{Problems: []Problem{{Path: "$", Code: ProblemValueInvalid,
			Args: []string{fmt.Sprintf("the file has %d bytes, more than the %d allowed", len(data), MaxDefinitionSize)}}}}
	}
	tree, err := readTree(data)
	if err != nil {
		return nil, &DefinitionError{Problems: []Problem{{Path: "$", Code: ProblemJSONSyntax, Args: []string{err.Error()}}}}
	}
	var ps problems
	checkShape(&ps, "$", tree, reflect.TypeFor[Definition]())
	shapeProblems := ps.list

	// With shape problems, decode the tree without the fields already
	// reported, so that Validate can still report everything else.
	if len(shapeProblems) > 0 {
		var buf bytes.Buffer
		writeTree(&buf, tree)
		data = buf.Bytes()
	}
	var def Definition
	if err := json.Unmarshal(data, &def); err != nil {
		return nil, &DefinitionError{Problems: append(shapeProblems, Problem{Path: "$", Code: ProblemValueInvalid, Args: []string{err.Error()}})}
	}
	reported := make(map[string]bool, len(shapeProblems))
	for _, p := range shapeProblems {
		reported[p.Path] = true
	}
	all := shapeProblems
	for _, p := range def.Validate() {
		if !under(p.Path, reported) {
			all = append(all, p)
		}
	}
	if len(all) > 0 {
		sortProblems(all)
		return &def, &DefinitionError{Problems: all}
	}
	return &def, nil
}

// under reports whether path, or a path above it, is among the paths
// already reported, so a mistyped field is not reported twice. It looks up
// each prefix, so a file with many problems costs no more than linear time.
func under(path string, reported map[string]bool) bool {
	if len(reported) == 0 {
		return false
	}
	for i := len(path); i > 0; i-- {
		if (i == len(path) || path[i] == '.' || path[i] == '[') && reported[path[:i]] {
			return true
		}
	}
	return false
}

// node is a JSON value read token by token, keeping object keys in order
// (and duplicates, which encoding/json would silently merge).
type node struct {
	kind   byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null
	keys   []string
	values []*node
	str    string // string value, or number literal
	bad    bool   // reported by checkShape; left out when decoding
}

// writeTree encodes the tree as JSON, leaving out object members marked
// bad and the later of duplicate keys, and writing null for bad array
// elements so that the indices of the others stay as reported.
func writeTree(buf *bytes.Buffer, n *node) {
	switch n.kind {
	case 'o':
		buf.WriteByte('{')
		seen := map[string]bool{}
		first := true
		for i, key := range n.keys {
			if n.values[i].bad || seen[key] {
				continue
			}
			seen[key] = true
			if !first {
				buf.WriteByte(',')
			}
			first = false
			k, _ := json.Marshal(key)
			buf.Write(k)
			buf.WriteByte(':')
			writeTree(buf, n.values[i])
		}
		buf.WriteByte('}')
	case 'a':
		buf.WriteByte('[')
		for i, v := range n.values {
			if i > 0 {
				buf.WriteByte(',')
			}
			if v.bad {
				buf.WriteString("null")
				continue
			}
			writeTree(buf, v)
		}
		buf.WriteByte(']')
	case 's':
		b, _ := json.Marshal(n.str)
		buf.Write(b)
	case 'n', 'b':
		buf.WriteString(n.str)
	default:
		buf.WriteString("null")
	}
}

func readTree(data []byte) (*node, error) {
	r := &treeReader{data: data}
	n, err := r.value(0)
	if err == nil {
		r.space()
		if r.pos < len(data) {
			err = errors.New("unexpected data after the top-level value")
		}
	}
	if err != nil {
		return nil, r.where(err)
	}
	return n, nil
}

// maxDepth guards the recursive reader against deeply nested input.
const maxDepth = 64

// treeReader is a small strict JSON reader. encoding/json's token API
// costs about four times as much on a 100,000-district definition, and
// loses duplicate keys.
type treeReader struct {
	data []byte
	pos  int
}

func (r *treeReader) where(err error) error {
	off := min(r.pos, len(r.data))
	line := 1 + bytes.Count(r.data[:off], []byte("\n"))
	col := off - bytes.LastIndexByte(r.data[:off], '\n')
	return fmt.Errorf("line %d, column %d: %s", line, col, err)
}

func (r *treeReader) space() {
	for r.pos < len(r.data) {
		switch r.data[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

func (r *treeReader) value(depth int) (*node, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("nested more than %d levels deep", maxDepth)
	}
	r.space()
	if r.pos >= len(r.data) {
		return nil, errors.New("unexpected end of input")
	}
	switch c := r.data[r.pos]; {
	case c == '{':
		return r.object(depth)
	case c == '[':
		return r.array(depth)
	case c == '"':
		s, err := r.string()
		return &node{kind: 's', str: s}, err
	case c == '-' || c >= '0' && c <= '9':
		return r.number()
	}
	for _, lit := range []struct {
		text string
		kind byte
	}{{"true", 'b'}, {"false", 'b'}, {"null", 'z'}} {
		if bytes.HasPrefix(r.data[r.pos:], []byte(lit.text)) {
			r.pos += len(lit.text)
			return &node{kind: lit.kind, str: lit.text}, nil
		}
	}
	return nil, fmt.Errorf("invalid character %q looking for a value", r.data[r.pos])
}

func (r *treeReader) object(depth int) (*node, error) {
	n := &node{kind: 'o'}
	r.pos++ // {
	r.space()
	if r.pos < len(r.data) && r.data[r.pos] == '}' {
		r.pos++
		return n, nil
	}
	for {
		r.space()
		if r.pos >= len(r.data) || r.data[r.pos] != '"' {
			return nil, errors.New("object key expected")
		}
		key, err := r.string()
		if err != nil {
			return nil, err
		}
		r.space()
		if r.pos >= len(r.data) || r.data[r.pos] != ':' {
			return nil, errors.New("':' expected after object key")
		}
		r.pos++
		v, err := r.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.keys = append(n.keys, key)
		n.values = append(n.values, v)
		if done, err := r.next('}'); done || err != nil {
			return n, err
		}
	}
}

func (r *treeReader) array(depth int) (*node, error) {
	n := &node{kind: 'a'}
	r.pos++ // [
	r.space()
	if r.pos < len(r.data) && r.data[r.pos] == ']' {
		r.pos++
		return n, nil
	}
	for {
		v, err := r.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.values = append(n.values, v)
		if done, err := r.next(']'); done || err != nil {
			return n, err
		}
	}
}

// next consumes a ',' (more to come) or the closing delimiter (done).
func (r *treeReader) next(closing byte) (done bool, err error) {
	r.space()
	if r.pos >= len(r.data) {
		return false, errors.New("unexpected end of input")
	}
	switch r.data[r.pos] {
	case ',':
		r.pos++
		return false, nil
	case closing:
		r.pos++
		return true, nil
	}
	return false, fmt.Errorf("invalid character %q: ',' or '%c' expected", r.data[r.pos], closing)
}

func (r *treeReader) string() (string, error) {
	start := r.pos
	r.pos++ // opening quote
	escaped := false
	for r.pos < len(r.data) {
		switch c := r.data[r.pos]; {
		case c == '"':
			r.pos++
			raw := r.data[start:r.pos]
			if !escaped && utf8.Valid(raw) {
				return string(raw[1 : len(raw)-1]), nil
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				r.pos = start
				return "", errors.New("invalid string")
			}
			return s, nil
		case c == '\\':
			escaped = true
			r.pos += 2
		case c < 0x20:
			return "", errors.New("control character in string")
		default:
			r.pos++
		}
	}
	return "", errors.New("unexpected end of input in string")
}

func (r *treeReader) number() (*node, error) {
	start := r.pos
	for r.pos < len(r.data) && bytes.IndexByte([]byte("+-.eE0123456789"), r.data[r.pos]) >= 0 {
		r.pos++
	}
	lit := r.data[start:r.pos]
	if !json.Valid(lit) {
		r.pos = start
		return nil, fmt.Errorf("invalid number %q", lit)
	}
	return &node{kind: 'n', str: string(lit)}, nil
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// checkShape compares the tree against the Go type it will be decoded
// into and reports unknown fields, duplicate keys and wrong types at their
// paths.
func checkShape(ps *problems, path string, n *node, t reflect.Type) {
	before := len(ps.list)
	defer func() {
		// A node with a problem of its own (not only below it) is bad.
		for _, p := range ps.list[before:] {
			if p.Path == path {
				n.bad = true
			}
		}
	}()
	if n.kind == 'z' && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map) {
		return
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		raw := []byte(n.str)
		if n.kind == 's' {
			raw, _ = json.Marshal(n.str)
		}
		if n.kind != 's' && n.kind != 'n' {
			ps.add(path, ProblemWrongType, "a number", kindName(n))
			return
		}
		v := reflect.New(t).Interface().(json.Unmarshaler)
		if err := v.UnmarshalJSON(raw); err != nil {
			if t == reflect.TypeFor[Percent]() {
				ps.add(path, ProblemPercentInvalid, string(raw))
			} else {
				ps.add(path, ProblemValueInvalid, err.Error())
			}
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.kind != 'o' {
			ps.add(path, ProblemWrongType, "an object", kindName(n))
			return
		}
		fields := jsonMembers(t)
		seen := map[string]bool{}
		for i, key := range n.keys {
			p := childPath(path, key)
			if seen[key] {
				ps.add(p, ProblemDuplicateKey, key)
				continue
			}
			seen[key] = true
			f, ok := fields[key]
			if !ok {
				ps.add(p, ProblemUnknownField, key)
				n.values[i].bad = true
				continue
			}
			checkShape(ps, p, n.values[i], f)
		}
	case reflect.Slice:
		if n.kind != 'a' {
			ps.add(path, ProblemWrongType, "an array", kindName(n))
			return
		}
		for i, v := range n.values {
			checkShape(ps, fmt.Sprintf("%s[%d]", path, i), v, t.Elem())
		}
	case reflect.Map:
		if n.kind != 'o' {
			ps.add(path, ProblemWrongType, "an object", kindName(n))
			return
		}
		seen := map[string]bool{}
		for i, key := range n.keys {
			p := childPath(path, key)
			if seen[key] {
				ps.add(p, ProblemDuplicateKey, key)
				continue
			}
			seen[key] = true
			checkShape(ps, p, n.values[i], t.Elem())
		}
	case reflect.String:
		if n.kind != 's' {
			ps.add(path, ProblemWrongType, "a string", kindName(n))
		}
	case reflect.Bool:
		if n.kind != 'b' {
			ps.add(path, ProblemWrongType, "true or false", kindName(n))
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		if n.kind != 'n' {
			ps.add(path, ProblemWrongType, "a number", kindName(n))
			return
		}
		v, err := strconv.ParseInt(n.str, 10, 64)
		if err != nil || (t.Kind() == reflect.Int32 && (v > math.MaxInt32 || v < math.MinInt32)) {
			ps.add(path, ProblemNotInteger, n.str)
		}
	}
}

func childPath(path, key string) string {
	for _, r := range key {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return fmt.Sprintf("%s[%s]", path, strconv.Quote(key))
		}
	}
	if key == "" {
		return path + `[""]`
	}
	return path + "." + key
}

func kindName(n *node) string {
	switch n.kind {
	case 'o':
		return "an object"
	case 'a':
		return "an array"
	case 's':
		return "a string"
	case 'n':
		return "the number " + n.str
	case 'b':
		return n.str
	}
	return "null"
}
