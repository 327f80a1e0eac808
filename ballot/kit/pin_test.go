package kit_test

import (
	"crypto/rand"
	"io"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot/kit"
)

var pinShape = regexp.MustCompile(`^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{4}$`)

func TestGeneratePINShape(t *testing.T) {
	for i := 0; i < 1000; i++ {
		pin, err := kit.GeneratePIN(nil)
		if err != nil {
			t.Fatal(err)
		}
		if !pinShape.MatchString(pin) {
			t.Fatalf("PIN %q has not the shape dddd-dddd-dddd-dddd", pin)
		}
		if err := kit.CheckPIN(pin); err != nil {
			t.Fatalf("generated PIN %q fails CheckPIN: %v", pin, err)
		}
	}
	// The random part carries at least the 40 bits the project asks for.
	if bits := float64(kit.PINDigits-1) * math.Log2(10); bits < 40 {
		t.Errorf("a PIN carries %.1f bits", bits)
	}
}

func TestGeneratePINDeterministic(t *testing.T) {
	a, b := testPIN(t, "same"), testPIN(t, "same")
	if a != b {
		t.Errorf("same randomness, different PINs: %q, %q", a, b)
	}
	if c := testPIN(t, "other"); c == a {
		t.Errorf("different randomness, same PIN %q", c)
	}
	// The PIN of a fixed stream, so that a change of the algorithm shows.
	if got, want := a, goldenPIN; got != want {
		t.Errorf("PIN of stream \"same\" is %q, want %q", got, want)
	}
}

// goldenPIN is GeneratePIN(sealtest.Rand("same")).
const goldenPIN = "8031-5913-7941-7001"

func TestGeneratePINRejectionSampling(t *testing.T) {
	// Bytes 250 to 255 are skipped; the rest map to their last digit.
	stream := []byte{255, 250, 0, 11, 2, 13, 4, 15, 6, 17, 8, 19, 249, 1, 2, 3, 4}
	pin, err := kit.GeneratePIN(strings.NewReader(string(stream)))
	if err != nil {
		t.Fatal(err)
	}
	if want := "0123-4567-8991-234"; !strings.HasPrefix(pin, want) {
		t.Errorf("PIN %q, want it to start %q", pin, want)
	}
	if _, err := kit.GeneratePIN(strings.NewReader("short")); err == nil {
		t.Error("a stream too short for a PIN gave no error")
	} else if err == io.EOF {
		t.Error("a short stream's error is bare io.EOF")
	}
}

func TestGeneratePINUniform(t *testing.T) {
	const n = 20000
	var counts [kit.PINDigits - 1][10]int
	for i := 0; i < n; i++ {
		pin, err := kit.GeneratePIN(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		d := strings.ReplaceAll(pin, "-", "")
		for pos := 0; pos < kit.PINDigits-1; pos++ {
			counts[pos][d[pos]-'0']++
		}
	}
	// Each digit is expected n/10 = 2000 times; a bias of the modulo kind
	// (1 in 25) would move some by 80, which chance (sd ≈ 42) rarely does
	// at six standard deviations.
	for pos, c := range counts {
		for digit, k := range c {
			if math.Abs(float64(k)-n/10) > 6*math.Sqrt(n*0.1*0.9) {
				t.Errorf("digit %d at position %d drawn %d times of %d", digit, pos, k, n)
			}
		}
	}
}

func TestCheckPINCatchesTypos(t *testing.T) {
	pin := testPIN(t, "typos")
	digits := []byte(strings.ReplaceAll(pin, "-", ""))
	for i := range digits {
		for d := byte('0'); d <= '9'; d++ {
			if d == digits[i] {
				continue
			}
			typo := []byte(string(digits))
			typo[i] = d
			if err := kit.CheckPIN(string(typo)); kit.CodeOf(err) != kit.CodePINWrong {
				t.Errorf("digit %d changed to %c: CheckPIN gave %v", i, d, err)
			}
		}
		if i+1 < len(digits) && digits[i] != digits[i+1] {
			typo := []byte(string(digits))
			typo[i], typo[i+1] = typo[i+1], typo[i]
			if err := kit.CheckPIN(string(typo)); kit.CodeOf(err) != kit.CodePINWrong {
				t.Errorf("digits %d and %d swapped: CheckPIN gave %v", i, i+1, err)
			}
		}
	}
}

func TestCheckPIN(t *testing.T) {
	for pin, ok := range map[string]bool{
		"5724":                   false, // Damm's own example, but too short
		"0000-0000-0000-0000":    true,  // Damm's check digit of zeros is 0
		"0000-0000-0000-0001":    false,
		"0000 0000 0000 0000":    true,
		"Kleiner Wahlkoffer 101": true, // a chosen passphrase, no check digit
		"short phrase":           false,
	} {
		if err := kit.CheckPIN(pin); (err == nil) != ok {
			t.Errorf("CheckPIN(%q) = %v, want ok=%v", pin, err, ok)
		}
	}
}

func TestNormalizePIN(t *testing.T) {
	for in, want := range map[string]string{
		"1234-5678-9012-3456":     "1234567890123456",
		" 1234 5678\t9012-3456\n": "1234567890123456",
		"Wahl koffer":             "Wahlkoffer",
	} {
		if got := kit.NormalizePIN(in); got != want {
			t.Errorf("NormalizePIN(%q) = %q, want %q", in, got, want)
		}
	}
}
