package reports

import (
	"strings"
	"testing"
)

// Every entry of the word table has both languages and the same format
// verbs in each, so that no document shows a half-translated label.
func TestWords_EveryEntryHasGermanAndEnglishWithTheSameVerbs(t *testing.T) {
	verbs := func(s string) string {
		var out []string
		for i := 0; i < len(s)-1; i++ {
			if s[i] == '%' {
				out = append(out, s[i:i+2])
				i++
			}
		}
		return strings.Join(out, "")
	}
	for key, w := range words {
		if (w[0] == "" || w[1] == "") && key != "oclock" {
			t.Errorf("%q: %q", key, w)
		}
		if verbs(w[0]) != verbs(w[1]) {
			t.Errorf("%q: German %q and English %q differ in their format verbs", key, w[0], w[1])
		}
	}
}
