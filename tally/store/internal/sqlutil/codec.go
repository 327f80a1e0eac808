package sqlutil

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// TextTimeLayout is how a store keeping times as text writes them: RFC 3339
// in UTC with all nine fraction digits, so that text order is time order.
const TextTimeLayout = "2006-01-02T15:04:05.000000000Z"

// TextTime encodes a time for a store that keeps times as text.
func TextTime(t time.Time) string { return t.UTC().Format(TextTimeLayout) }

// timeArg encodes t, the zero time as NULL.
func (d *Dialect) timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return d.Time(t)
}

// Time scans a time stored either way (a driver's time, or text) and
// reads NULL as the zero time. Every time comes back in UTC.
type Time struct{ T time.Time }

// Scan implements sql.Scanner, which pgx honours too.
func (t *Time) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		t.T = time.Time{}
	case time.Time:
		t.T = v.UTC()
	case string:
		return t.parse(v)
	case []byte:
		return t.parse(string(v))
	default:
		return fmt.Errorf("time: cannot scan %T", src)
	}
	return nil
}

func (t *Time) parse(s string) error {
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("time: %w", err)
	}
	t.T = v.UTC()
	return nil
}

// seqArg checks that a sequence number fits the signed 64-bit columns both
// databases have.
func seqArg(seq uint64) (int64, error) {
	if seq > math.MaxInt64 {
		return 0, fmt.Errorf("sequence number %d is out of range", seq)
	}
	return int64(seq), nil
}

// numbersText encodes the numbers of a count as JSON (keys sorted, so the
// same numbers give the same text).
func numbersText(n map[string]int64) (string, error) {
	b, err := json.Marshal(n)
	if err != nil {
		return "", fmt.Errorf("numbers: %w", err)
	}
	return string(b), nil
}

// numbersOf decodes what numbersText wrote.
func numbersOf(s string) (map[string]int64, error) {
	var n map[string]int64
	if err := json.Unmarshal([]byte(s), &n); err != nil {
		return nil, fmt.Errorf("numbers: %w", err)
	}
	return n, nil
}
