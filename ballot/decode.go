package ballot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"time"
	"unicode/utf8"
)

// Bounds of a record body. A body is small: the largest, the final count
// of a cumulative contest, is a few tens of KiB even for Munich.
const (
	MaxBodySize   = 64 << 10 // bytes
	MaxTextLength = 2000     // runes, for names and free text
	MaxIDLength   = 64       // bytes, for ids (person, contest, option, candidate)
	// MaxMapEntries bounds the maps and lists of a body. It is above 1,000
	// on purpose: Munich elects 80 councillors, a list may field as many
	// candidates, a dozen and more lists stand, and every candidate is a
	// key of candidate_votes.
	MaxMapEntries = 2000
)

// Codes of RecordError. They are stable: the tally sends them back to the
// station in its error answers.
const (
	CodeRecordKindUnknown = "record-kind-unknown" // the header names no known kind
	CodeRecordTooLarge    = "record-too-large"    // body over MaxBodySize, a text, id or map over its bound
	CodeRecordMalformed   = "record-malformed"    // not exactly one JSON object of the kind's shape
	CodeRecordRequired    = "record-required"     // a field that must be set is empty or zero
	CodeRecordInvalid     = "record-invalid"      // a field holds a value it cannot hold
)

// RecordError is the error of DecodeRecord, EncodeBody and ValidateBody.
// Field is the JSON path of the offending value, e.g. $.body.person.id.
type RecordError struct {
	Code  string
	Field string
	Msg   string
}

func (e *RecordError) Error() string {
	return fmt.Sprintf("%s: %s [%s]", e.Field, e.Msg, e.Code)
}

func recordErr(code, field, format string, args ...any) *RecordError {
	return &RecordError{Code: code, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// bodyTypes maps each record kind to its body type.
var bodyTypes = map[RecordKind]reflect.Type{
	RecordCheckIn:     reflect.TypeFor[CheckIn](),
	RecordCheckOut:    reflect.TypeFor[CheckOut](),
	RecordPollsOpened: reflect.TypeFor[PollsOpened](),
	RecordPollsClosed: reflect.TypeFor[PollsClosed](),
	RecordTurnout:     reflect.TypeFor[Turnout](),
	RecordIncident:    reflect.TypeFor[Incident](),
	RecordCount:       reflect.TypeFor[Count](),
}

const bodyPath = "$.body"

// DecodeRecord turns a payload into a typed record: the body becomes a
// *CheckIn, *CheckOut, *PollsOpened, *PollsClosed, *Turnout, *Incident or
// *Count according to the header's kind.
//
// The reading is strict, because the body is signed and every reader must
// see the same thing in it: valid UTF-8, exactly one JSON object, member
// names spelled exactly as the type's and each once, no unknown members,
// null only for a list or a map, nothing after the object. Then the body
// must pass ValidateBody. Times are returned in UTC; empty lists and maps
// are returned as nil, so a value decodes the same after a round trip
// through EncodeBody. The header is not checked here (package seal does).
func DecodeRecord(p Payload) (Record, error) {
	body, err := decodeBody(p.Kind, p.Body)
	if err != nil {
		return Record{}, err
	}
	return Record{Header: p.Header, Body: body}, nil
}

func decodeBody(kind RecordKind, raw []byte) (any, error) {
	t, ok := bodyTypes[kind]
	if !ok {
		return nil, recordErr(CodeRecordKindUnknown, "$.kind", "unknown record kind %q", kind)
	}
	if len(raw) > MaxBodySize {
		return nil, recordErr(CodeRecordTooLarge, bodyPath, "the body has %d bytes, at most %d are allowed", len(raw), MaxBodySize)
	}
	if !utf8.Valid(raw) {
		return nil, recordErr(CodeRecordMalformed, bodyPath, "the body is not valid UTF-8")
	}
	if b := bytes.TrimLeft(raw, " \t\r\n"); len(b) == 0 || b[0] != '{' {
		return nil, recordErr(CodeRecordMalformed, bodyPath, "the body is not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := strictValue(dec, t, bodyPath); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, recordErr(CodeRecordMalformed, bodyPath, "data after the JSON object")
	}

	v := reflect.New(t)
	dec = json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v.Interface()); err != nil {
		return nil, decodeError(err)
	}
	normalize(v.Elem())
	body := v.Interface()
	if err := ValidateBody(kind, body); err != nil {
		return nil, err
	}
	return body, nil
}

// decodeError names the field of an encoding/json error where it can.
func decodeError(err error) *RecordError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return recordErr(CodeRecordMalformed, bodyPath+"."+te.Field, "expected %s, found a JSON %s", te.Type, te.Value)
	}
	return recordErr(CodeRecordMalformed, bodyPath, "%v", err)
}

// strictValue reads one JSON value from dec and checks it against the Go
// type t it will be decoded into, closing the gaps encoding/json leaves:
// it matches member names case-insensitively and keeps the last of
// duplicated ones. Scalars are left to encoding/json.
func strictValue(dec *json.Decoder, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := dec.Token()
	if err != nil {
		return recordErr(CodeRecordMalformed, path, "%v", err)
	}
	delim, isDelim := tok.(json.Delim)
	switch {
	case tok == nil:
		if t.Kind() != reflect.Map && t.Kind() != reflect.Slice {
			return recordErr(CodeRecordMalformed, path, "null is not a value here")
		}
		return nil
	case !isDelim:
		return nil
	case delim == '{' && t.Kind() == reflect.Struct && t != reflect.TypeFor[time.Time]():
		fields := jsonMembers(t)
		seen := map[string]bool{}
		for dec.More() {
			name, err := memberName(dec, path)
			if err != nil {
				return err
			}
			ft, ok := fields[name]
			switch {
			case !ok:
				return recordErr(CodeRecordMalformed, path, "unknown member %q", name)
			case seen[name]:
				return recordErr(CodeRecordMalformed, path, "member %q appears twice", name)
			}
			seen[name] = true
			if err := strictValue(dec, ft, path+"."+name); err != nil {
				return err
			}
		}
	case delim == '{' && t.Kind() == reflect.Map:
		seen := map[string]bool{}
		for dec.More() {
			key, err := memberName(dec, path)
			if err != nil {
				return err
			}
			if seen[key] {
				return recordErr(CodeRecordMalformed, path, "key %q appears twice", key)
			}
			if seen[key] = true; len(seen) > MaxMapEntries {
				return recordErr(CodeRecordTooLarge, path, "more than %d entries", MaxMapEntries)
			}
			if err := strictValue(dec, t.Elem(), path+"."+key); err != nil {
				return err
			}
		}
	case delim == '[' && t.Kind() == reflect.Slice:
		for i := 0; dec.More(); i++ {
			if i >= MaxMapEntries {
				return recordErr(CodeRecordTooLarge, path, "more than %d entries", MaxMapEntries)
			}
			if err := strictValue(dec, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	default:
		return recordErr(CodeRecordMalformed, path, "expected %s, found a JSON %s", jsonKindName(t), map[json.Delim]string{'{': "object", '[': "array"}[delim])
	}
	if _, err := dec.Token(); err != nil { // the closing delimiter
		return recordErr(CodeRecordMalformed, path, "%v", err)
	}
	return nil
}

func memberName(dec *json.Decoder, path string) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", recordErr(CodeRecordMalformed, path, "%v", err)
	}
	name, ok := tok.(string)
	if !ok {
		return "", recordErr(CodeRecordMalformed, path, "member name is not a string")
	}
	return name, nil
}

func jsonKindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct:
		if t == reflect.TypeFor[time.Time]() {
			return "a time"
		}
		return "an object"
	case reflect.Map:
		return "an object"
	case reflect.Slice:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	}
	return "a number"
}

// normalize makes a decoded value canonical: times in UTC, empty maps and
// lists nil. encoding/json writes nil maps without omitempty as null and
// leaves empty ones out with it, so only the canonical form survives a
// round trip unchanged.
func normalize(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			normalize(v.Elem())
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(v.Interface().(time.Time).UTC()))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				normalize(v.Field(i))
			}
		}
	case reflect.Map, reflect.Slice:
		if v.Len() == 0 && !v.IsNil() {
			v.SetZero()
		}
	}
}

// EncodeBody writes a record body as JSON; body is the value of the
// kind's type or a pointer to it. It reads its own output back as
// DecodeRecord does, so it refuses what DecodeRecord would refuse, and
// writes the canonical form (times in UTC, empty lists and maps as null or
// left out) without touching body.
func EncodeBody(kind RecordKind, body any) (json.RawMessage, error) {
	t, ok := bodyTypes[kind]
	if !ok {
		return nil, recordErr(CodeRecordKindUnknown, "$.kind", "unknown record kind %q", kind)
	}
	if bt := reflect.TypeOf(body); bt != t && bt != reflect.PointerTo(t) {
		return nil, recordErr(CodeRecordInvalid, bodyPath, "a %s record has a body of type %s, not %T", kind, t.Name(), body)
	}
	if v := reflect.ValueOf(body); v.Kind() == reflect.Pointer && v.IsNil() {
		return nil, recordErr(CodeRecordRequired, bodyPath, "the body is nil")
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, recordErr(CodeRecordInvalid, bodyPath, "%v", err)
	}
	canonical, err := decodeBody(kind, raw)
	if err != nil {
		return nil, err
	}
	out, err := json.Marshal(canonical)
	if err != nil {
		return nil, recordErr(CodeRecordInvalid, bodyPath, "%v", err)
	}
	return out, nil
}
