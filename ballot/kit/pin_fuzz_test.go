package kit_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot/kit"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal/sealtest"
)

// pinSeeds are the committed seeds of FuzzPIN: typed PINs in the spellings
// poll workers use and mistype, each with the randomness for GeneratePIN.
func pinSeeds() map[string][]any {
	rnd := func(label string, n int) []byte {
		b := make([]byte, n)
		_, _ = sealtest.Rand(label).Read(b)
		return b
	}
	good := stationPIN()
	digits := strings.ReplaceAll(good, "-", "")
	return map[string][]any{
		"valid-grouped":         {good, rnd("a", 15)},
		"valid-spaces":          {strings.ReplaceAll(good, "-", " "), rnd("b", 20)},
		"valid-digits-newline":  {digits + "\r\n", rnd("c", 40)},
		"valid-long-passphrase": {"korrekt Pferd Batterie Heftklammer", rnd("d", 15)},
		"check-digit-wrong":     {digits[:15] + string('0'+(digits[15]-'0'+1)%10), rnd("e", 15)},
		"swapped-digits":        {digits[:4] + digits[5:6] + digits[4:5] + digits[6:], rnd("f", 15)},
		"too-short":             {"4711-0815", []byte{}},
		"valid-arabic-digits":   {"٤٧١١٠٨١٥٢٣٤٢١٢٣٤", bytes.Repeat([]byte{255}, 30)},
		"separators-only":       {" - - \t- ", bytes.Repeat([]byte{250}, 16)},
		"empty":                 {"", []byte{1, 2, 3}},
	}
}

// stationPIN is a PIN as GeneratePIN makes it.
func stationPIN() string {
	pin, err := kit.GeneratePIN(sealtest.Rand("pin seed"))
	if err != nil {
		panic(err)
	}
	return pin
}

// FuzzPIN: NormalizePIN is idempotent and takes out exactly the separators;
// CheckPIN judges a PIN by its normal form and refuses with kit-pin-wrong;
// a PIN GeneratePIN makes from any randomness has the documented shape,
// passes CheckPIN, and fails it with any one digit changed or any two
// neighbouring different digits swapped (the Damm check digit).
func FuzzPIN(f *testing.F) {
	f.Fuzz(func(t *testing.T, typed string, randomness []byte) {
		n := kit.NormalizePIN(typed)
		if kit.NormalizePIN(n) != n || strings.ContainsAny(n, " \t-\r\n") {
			t.Fatalf("NormalizePIN(%q) = %q is not normal", typed, n)
		}
		if again := kit.NormalizePIN(" \t" + typed + "-\r\n"); again != n {
			t.Fatalf("separators around %q change its normal form: %q, %q", typed, n, again)
		}
		err, errN := kit.CheckPIN(typed), kit.CheckPIN(n)
		if (err == nil) != (errN == nil) {
			t.Fatalf("CheckPIN(%q) = %v, of its normal form %q: %v", typed, err, n, errN)
		}
		var ke *kit.Error
		if err != nil && (!errors.As(err, &ke) || ke.Code != kit.CodePINWrong) {
			t.Fatalf("CheckPIN refuses with %T %v", err, err)
		}

		pin, err := kit.GeneratePIN(bytes.NewReader(randomness))
		if err != nil {
			return // too little randomness
		}
		if again, _ := kit.GeneratePIN(bytes.NewReader(randomness)); again != pin {
			t.Fatalf("the same randomness gives %q and %q", pin, again)
		}
		groups := strings.Split(pin, "-")
		if len(groups) != kit.PINDigits/4 {
			t.Fatalf("PIN %q is not in groups of four", pin)
		}
		for _, g := range groups {
			if len(g) != 4 || strings.Trim(g, "0123456789") != "" {
				t.Fatalf("PIN %q is not in groups of four digits", pin)
			}
		}
		if err := kit.CheckPIN(pin); err != nil {
			t.Fatalf("generated PIN %q fails CheckPIN: %v", pin, err)
		}
		digits := []byte(kit.NormalizePIN(pin))
		for i := range digits {
			for d := byte('0'); d <= '9'; d++ {
				if d == digits[i] {
					continue
				}
				typo := bytes.Clone(digits)
				typo[i] = d
				if kit.CheckPIN(string(typo)) == nil {
					t.Fatalf("PIN %q with digit %d typed as %c passes CheckPIN", pin, i+1, d)
				}
			}
			if i+1 < len(digits) && digits[i] != digits[i+1] {
				swap := bytes.Clone(digits)
				swap[i], swap[i+1] = swap[i+1], swap[i]
				if kit.CheckPIN(string(swap)) == nil {
					t.Fatalf("PIN %q with digits %d and %d swapped passes CheckPIN", pin, i+1, i+2)
				}
			}
		}
	})
}
