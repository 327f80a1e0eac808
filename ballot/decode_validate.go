package ballot

import (
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ValidateBody checks what a record body must satisfy whatever the
// election: required fields, bounded ids and texts, known roles, stages and
// rejection reasons, times that are set, counts from 0 to MaxCountNumber.
// body is the value of the kind's type or a pointer to it. A station
// calls it (through EncodeBody) before it seals a record, so that it never
// signs what the tally would refuse. The arithmetic of a count needs the
// definition and is CheckCount's.
func ValidateBody(kind RecordKind, body any) error {
	t, ok := bodyTypes[kind]
	if !ok {
		return recordErr(CodeRecordKindUnknown, "$.kind", "unknown record kind %q", kind)
	}
	v := reflect.ValueOf(body)
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if !v.IsValid() || v.Kind() == reflect.Pointer || v.Type() != t {
		return recordErr(CodeRecordInvalid, bodyPath, "a %s record has a body of type %s, not %T", kind, t.Name(), body)
	}
	switch b := v.Interface().(type) {
	case CheckIn:
		return validateCheckIn(b)
	case CheckOut:
		return firstErr(checkID("$.body.person_id", b.PersonID), checkTime("$.body.at", b.At))
	case PollsOpened:
		return checkTime("$.body.at", b.At)
	case PollsClosed:
		return checkTime("$.body.at", b.At)
	case Turnout:
		return firstErr(checkSlot("$.body.slot", b.Slot), checkTime("$.body.at", b.At),
			checkNumber("$.body.voters", b.Voters))
	case Incident:
		return firstErr(checkTime("$.body.at", b.At), checkText("$.body.text", b.Text, true, true))
	case Count:
		return validateCount(&b)
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func validateCheckIn(b CheckIn) error {
	if err := firstErr(
		checkID("$.body.person.id", b.Person.ID),
		checkText("$.body.person.name", b.Person.Name, true, false),
		checkRole("$.body.person.role", b.Person.Role),
		checkTime("$.body.at", b.At),
	); err != nil {
		return err
	}
	if b.Replaces == "" {
		return nil
	}
	if err := checkID("$.body.replaces", b.Replaces); err != nil {
		return err
	}
	if b.Replaces == b.Person.ID {
		return recordErr(CodeRecordInvalid, "$.body.replaces", "a person cannot replace themselves")
	}
	// BWO § 6 (5): the chair instructs a replacement on impartiality and
	// secrecy before the replacement takes up the duty.
	if !b.Instructed {
		return recordErr(CodeRecordRequired, "$.body.instructed", "a replacement must be instructed on impartiality and secrecy first")
	}
	return nil
}

func validateCount(c *Count) error {
	if err := checkID("$.body.contest", c.Contest); err != nil {
		return err
	}
	if c.Stage != StageQuick && c.Stage != StageFinal {
		return recordErr(CodeRecordInvalid, "$.body.stage", "stage %q is neither %q nor %q", c.Stage, StageQuick, StageFinal)
	}
	if c.Version < 1 {
		return recordErr(CodeRecordInvalid, "$.body.version", "version %d is below 1", c.Version)
	}
	if err := checkText("$.body.correction_reason", c.CorrectionReason, c.Version > 1, true); err != nil {
		return err
	}
	for _, m := range []struct {
		path string
		keys []string
	}{{"$.body.votes", sortedKeys(c.Votes)}, {"$.body.candidate_votes", sortedKeys(c.CandidateVotes)}, {"$.body.reasons", sortedKeys(c.Reasons)}} {
		if len(m.keys) > MaxMapEntries {
			return recordErr(CodeRecordTooLarge, m.path, "%d entries, at most %d are allowed", len(m.keys), MaxMapEntries)
		}
		for _, k := range m.keys {
			if err := checkID(m.path, k); err != nil {
				return err
			}
		}
	}
	if c.Postal != nil {
		for _, r := range sortedKeys(c.Postal.RejectedBy) {
			if !r.Valid() {
				return recordErr(CodeRecordInvalid, "$.body.postal.rejected_by", "%q is not one of the legal reasons for rejection", r)
			}
		}
	}
	for _, code := range sortedKeys(c.Reasons) {
		if err := checkText("$.body.reasons."+code, c.Reasons[code], false, true); err != nil {
			return err
		}
	}
	for _, fv := range c.Numbers() {
		if err := checkNumber(fieldPath(fv.Field), fv.Value); err != nil {
			return err
		}
	}
	if len(c.EnteredBy) != 2 {
		return recordErr(CodeRecordInvalid, "$.body.entered_by", "%d ids; a count is entered by two board members", len(c.EnteredBy))
	}
	for i, id := range c.EnteredBy {
		if err := checkID(fmt.Sprintf("$.body.entered_by[%d]", i), id); err != nil {
			return err
		}
	}
	if c.EnteredBy[0] == c.EnteredBy[1] {
		return recordErr(CodeRecordInvalid, "$.body.entered_by", "both entries are by %q; a count is entered by two different board members", c.EnteredBy[0])
	}
	return nil
}

// fieldPath turns a field name of Numbers into the JSON path of a body.
func fieldPath(field string) string {
	paths := map[string]string{
		FieldA1: "a1", FieldA2: "a2", FieldA3: "a3", FieldB: "b", FieldB1: "b1", FieldC: "invalid", FieldD: "valid",
		FieldMarks: "marks", FieldUnchanged: "unchanged", FieldChanged: "changed",
		FieldReceived: "postal.received", FieldQueried: "postal.queried", FieldAdmitted: "postal.admitted", FieldRejected: "postal.rejected",
	}
	if p, ok := paths[field]; ok {
		return bodyPath + "." + p
	}
	for prefix, p := range map[string]string{optionPrefix: "votes.", candidatePrefix: "candidate_votes.", rejectedPrefix: "postal.rejected_by."} {
		if rest, ok := strings.CutPrefix(field, prefix); ok {
			return bodyPath + "." + p + rest
		}
	}
	return bodyPath
}

func checkID(path, id string) error {
	switch {
	case id == "":
		return recordErr(CodeRecordRequired, path, "the id is empty")
	case len(id) > MaxIDLength:
		return recordErr(CodeRecordTooLarge, path, "the id has %d bytes, at most %d are allowed", len(id), MaxIDLength)
	case strings.TrimSpace(id) != id:
		return recordErr(CodeRecordInvalid, path, "the id %q has white space around it", id)
	}
	for _, r := range id {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return recordErr(CodeRecordInvalid, path, "the id %q holds a control or broken character", id)
		}
	}
	return nil
}

// checkText checks a name (one line) or a free text (multiline).
func checkText(path, s string, required, multiline bool) error {
	if strings.TrimSpace(s) == "" {
		if required {
			return recordErr(CodeRecordRequired, path, "the text is empty")
		}
		return nil
	}
	if n := utf8.RuneCountInString(s); n > MaxTextLength {
		return recordErr(CodeRecordTooLarge, path, "the text has %d characters, at most %d are allowed", n, MaxTextLength)
	}
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		// U+FFFD is what a broken encoding (or a lone surrogate escape)
		// decodes to; another reader may see something else.
		if unicode.IsControl(r) || r == utf8.RuneError {
			return recordErr(CodeRecordInvalid, path, "the text holds a control or broken character (%U)", r)
		}
	}
	return nil
}

func checkRole(path string, r Role) error {
	switch {
	case r == "":
		return recordErr(CodeRecordRequired, path, "the role is empty")
	case !r.Valid():
		return recordErr(CodeRecordInvalid, path, "unknown role %q", r)
	}
	return nil
}

// Records are made by software in use from 2000 on; anything outside is a
// broken clock or a forged value, and years beyond 9999 cannot be written.
var (
	earliestRecordTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	latestRecordTime   = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
)

func checkTime(path string, t time.Time) error {
	switch {
	case t.IsZero():
		return recordErr(CodeRecordRequired, path, "the time is not set")
	case t.Before(earliestRecordTime) || t.After(latestRecordTime):
		return recordErr(CodeRecordInvalid, path, "the time %s is out of range", t.UTC().Format(time.RFC3339))
	}
	return nil
}

// checkSlot checks a turnout slot: empty (an ad hoc report) or HH:MM.
func checkSlot(path, s string) error {
	if s == "" {
		return nil
	}
	if _, err := ParseClock(s); err != nil {
		return recordErr(CodeRecordInvalid, path, "the slot %q is not a time of day HH:MM", s)
	}
	return nil
}

func checkNumber(path string, n int64) error {
	if n < 0 || n > MaxCountNumber {
		return recordErr(CodeRecordInvalid, path, "%d is not between 0 and %d", n, MaxCountNumber)
	}
	return nil
}
