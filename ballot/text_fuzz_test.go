package ballot_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// FuzzParseClock: a time of day has one spelling, HH:MM; whatever is
// accepted is a minute of the day that writes back as the input.
func FuzzParseClock(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ballot.ParseClock(s)
		if m2, err2 := ballot.ParseClock(s); m2 != m || (err == nil) != (err2 == nil) {
			t.Fatalf("two parses of %q differ", s)
		}
		if err != nil {
			if m != 0 || err.Error() == "" {
				t.Fatalf("refusal of %q returns %d, %v", s, m, err)
			}
			return
		}
		if m < 0 || m >= 24*60 {
			t.Fatalf("%q is minute %d", s, m)
		}
		if back := fmt.Sprintf("%02d:%02d", m/60, m%60); back != s {
			t.Fatalf("%q is minute %d, which is written %q", s, m, back)
		}
	})
}

// FuzzParseLang: a language name gives German or English or an error, and
// the language's own name and white space around the input change nothing.
func FuzzParseLang(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		lang, err := ballot.ParseLang(s)
		if err != nil {
			if lang != "" || err.Error() == "" {
				t.Fatalf("refusal of %q returns %q, %v", s, lang, err)
			}
		} else if lang != ballot.German && lang != ballot.English {
			t.Fatalf("%q is language %q", s, lang)
		}
		if padded, err2 := ballot.ParseLang(" \t" + s + "\n "); padded != lang || (err == nil) != (err2 == nil) {
			t.Fatalf("%q is %q (%v), padded with white space %q (%v)", s, lang, err, padded, err2)
		}
		if err == nil {
			if again, err := ballot.ParseLang(string(lang)); err != nil || again != lang {
				t.Fatalf("%q does not name itself: %q, %v", lang, again, err)
			}
		}
	})
}

// FuzzParsePercent: what is accepted is a non-negative number of basis
// points that writes back (String, JSON) to itself; as a JSON string the
// same text is read the same way.
func FuzzParsePercent(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ballot.ParsePercent(s)
		var fromJSON ballot.Percent
		quoted, _ := json.Marshal(s)
		jerr := json.Unmarshal(quoted, &fromJSON)
		if (err == nil) != (jerr == nil) || fromJSON != p {
			t.Fatalf("%q is %v (%v), as a JSON string %v (%v)", s, p, err, fromJSON, jerr)
		}
		if err != nil {
			if p != 0 {
				t.Fatalf("refusal of %q returns %v", s, p)
			}
			return
		}
		if p < 0 {
			t.Fatalf("%q is negative: %d", s, p)
		}
		if again, err := ballot.ParsePercent(p.String()); err != nil || again != p {
			t.Fatalf("%q is %d, written %q, read back %d (%v)", s, p, p.String(), again, err)
		}
		b, err := json.Marshal(p)
		var back ballot.Percent
		if err != nil || json.Unmarshal(b, &back) != nil || back != p {
			t.Fatalf("%d does not survive JSON: %s → %d", p, b, back)
		}
	})
}
