package kit

import (
	crand "crypto/rand"
	"fmt"
	"io"
	"strings"
)

// The PIN that GeneratePIN makes is 16 decimal digits printed in four groups
// of four, "4711-0815-2342-1234": 15 random digits and a check digit.
//
// Why digits: poll workers type it once, on a borrowed laptop whose keyboard
// layout (QWERTZ, QWERTY, a number pad) nobody checks; digits are the same
// on all of them and read aloud unambiguously over the phone. Why 15 random
// digits: 15·log2(10) ≈ 49.8 bits. A lost kit can be attacked offline, at
// the cost of one scrypt at the kit's work factor (2^18 by default, about a
// second and 256 MiB per guess); 2^49.8 guesses is out of reach for the few
// days a kit matters, while 12 digits (39.9 bits) would not clear the 40 bits
// the project asks for. Why a check digit (Damm's algorithm): it catches
// every single wrong digit and every swap of two neighbouring digits, so
// Open can say "mistyped" at once instead of after a second of scrypt and
// with the vaguer "wrong PIN". It adds no secret and takes none away.
const (
	PINDigits    = 16 // digits of a generated PIN, the check digit included
	pinGroupSize = 4
)

// MinPINLength is the least number of characters, separators not counted,
// that Seal accepts in a PIN. It keeps a hand-chosen PIN (from the office's
// --pin-file) from being weaker than a generated one by much.
const MinPINLength = PINDigits

// GeneratePIN returns a new PIN of the documented shape (see PINDigits)
// drawn from rand, or from crypto/rand when rand is nil. The same bytes from
// rand give the same PIN.
func GeneratePIN(rand io.Reader) (string, error) {
	if rand == nil {
		rand = crand.Reader
	}
	// One byte at a time, so that no more is taken from rand than used.
	var b [1]byte
	digits := make([]byte, 0, PINDigits)
	for len(digits) < PINDigits-1 {
		if _, err := io.ReadFull(rand, b[:]); err != nil {
			return "", fmt.Errorf("kit: reading randomness for a PIN: %w", err)
		}
		// Rejection sampling: bytes 250 to 255 are dropped, so that each
		// digit is equally likely.
		if b[0] >= 250 {
			continue
		}
		digits = append(digits, '0'+b[0]%10)
	}
	digits = append(digits, '0'+damm(digits))
	var sb strings.Builder
	for i, d := range digits {
		if i > 0 && i%pinGroupSize == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(d)
	}
	return sb.String(), nil
}

// NormalizePIN returns the PIN as Seal and Open use it: without the white
// space around it and without the spaces, tabs and hyphens inside it, so
// "4711 0815 2342 1234", "4711-0815-2342-1234" and "4711081523421234" are
// one PIN. A PIN read from a file keeps its line ending out this way too.
func NormalizePIN(pin string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '-', '\r', '\n':
			return -1
		}
		return r
	}, pin)
}

// CheckPIN reports whether a typed PIN can be a PIN that Seal accepted:
// long enough, and when it has the shape of a generated PIN, with a check
// digit that fits. A UI may call it to say "mistyped" before Open spends a
// second on scrypt; Open calls it itself. A failure is kit-pin-wrong.
func CheckPIN(pin string) error {
	if err := checkPINShape(NormalizePIN(pin)); err != nil {
		return wrapError(CodePINWrong, "the PIN is mistyped", err)
	}
	return nil
}

// checkPINShape checks a normalized PIN against what Seal accepts.
func checkPINShape(p string) error {
	if n := len([]rune(p)); n < MinPINLength {
		return fmt.Errorf("it has %d characters, a kit PIN has at least %d", n, MinPINLength)
	}
	if len(p) == PINDigits && allDigits(p) && damm([]byte(p)) != 0 {
		return fmt.Errorf("its check digit (the last one) does not fit the others; check each digit")
	}
	return nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// dammTable is the totally anti-symmetric quasigroup of order 10 of
// H. M. Damm (2004), as published; damm over digits followed by their check
// digit gives 0.
var dammTable = [10][10]byte{
	{0, 3, 1, 7, 5, 9, 8, 6, 4, 2},
	{7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
	{4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
	{1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
	{6, 1, 2, 3, 0, 4, 5, 9, 7, 8},
	{3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
	{5, 8, 6, 9, 7, 2, 0, 1, 3, 4},
	{8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
	{9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
	{2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
}

// damm returns the Damm check digit of ASCII digits.
func damm(digits []byte) byte {
	var interim byte
	for _, d := range digits {
		interim = dammTable[interim][d-'0']
	}
	return interim
}
