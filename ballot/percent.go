package ballot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Percent is a percentage held exactly in hundredths of a per cent (basis
// points): 5 % is 500, 2.5 % is 250. Thresholds are compared in integers,
// never in floating point, so a list at exactly the threshold is decided
// the same way on every machine.
type Percent int64

// Fraction returns p as the exact fraction num/den of one.
func (p Percent) Fraction() (num, den int64) { return int64(p), 10000 }

// String renders p with a decimal point, e.g. "5" or "2.5".
func (p Percent) String() string {
	whole, frac := int64(p)/100, int64(p)%100
	if frac < 0 {
		frac = -frac
	}
	if frac == 0 {
		return strconv.FormatInt(whole, 10)
	}
	s := fmt.Sprintf("%d.%02d", whole, frac)
	return strings.TrimRight(s, "0")
}

// ParsePercent reads a decimal with at most two places, such as "5",
// "5.0" or "2.75", optionally followed by "%".
func ParsePercent(s string) (Percent, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if s == "" {
		return 0, fmt.Errorf("empty percentage")
	}
	intPart, fracPart, hasFrac := strings.Cut(s, ".")
	if hasFrac && (len(fracPart) == 0 || len(fracPart) > 2) {
		return 0, fmt.Errorf("percentage %q: at most two decimal places", s)
	}
	whole, err := strconv.ParseInt(intPart, 10, 32)
	if err != nil || intPart == "" || strings.HasPrefix(intPart, "+") {
		return 0, fmt.Errorf("percentage %q is not a decimal number", s)
	}
	var frac int64
	if hasFrac {
		for len(fracPart) < 2 {
			fracPart += "0"
		}
		frac, err = strconv.ParseInt(fracPart, 10, 32)
		if err != nil || frac < 0 {
			return 0, fmt.Errorf("percentage %q is not a decimal number", s)
		}
	}
	if whole < 0 || strings.HasPrefix(intPart, "-") {
		return 0, fmt.Errorf("percentage %q is negative", s)
	}
	return Percent(whole*100 + frac), nil
}

// MarshalJSON writes p as a JSON number.
func (p Percent) MarshalJSON() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalJSON reads a JSON number (or string) with at most two decimal
// places; anything else is an error rather than a rounded value.
func (p *Percent) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		b = []byte(s)
	}
	v, err := ParsePercent(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}
