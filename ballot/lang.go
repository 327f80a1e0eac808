package ballot

import (
	"fmt"
	"strings"
)

// Lang is the language of messages meant for people. German is the
// default: poll workers and election offices work in German.
// (Defined here, shared by problems, findings and quorum messages.)
type Lang string

const (
	German  Lang = "de"
	English Lang = "en"
)

// ParseLang reads a language name such as "de", "en", "en_US.UTF-8" or
// "" (German).
func ParseLang(s string) (Lang, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "_-."); i >= 0 {
		s = s[:i]
	}
	switch s {
	case "", "de", "deutsch", "german":
		return German, nil
	case "en", "english", "englisch":
		return English, nil
	}
	return "", fmt.Errorf("unknown language %q: use de or en", s)
}

// FormatCount writes a whole number with thousands separators: 1.234.567
// in German, 1,234,567 in English.
func FormatCount(n int64, lang Lang) string {
	sep := "."
	if lang == English {
		sep = ","
	}
	neg := n < 0
	u := uint64(n)
	if neg {
		u = uint64(-n)
	}
	digits := fmt.Sprint(u)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// FormatPercent writes a percentage with two decimals and its sign, as
// German readers expect it (42,08 %) or in English (42.08 %).
func FormatPercent(p Percent, lang Lang) string {
	s := fmt.Sprintf("%d.%02d %%", int64(p)/100, int64(p)%100)
	if lang != English {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
