// Package fuzzseed keeps the committed seed corpora of the fuzz targets
// in step with the code that makes them: each package's TestFuzzSeeds
// builds its seeds and calls Check, which with -update-seeds writes them
// to testdata/fuzz/<target>/<name> and otherwise requires the files to be
// there unchanged. It is for tests only.
package fuzzseed

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// update is the -update-seeds flag of every test binary that uses the
// package.
var update = flag.Bool("update-seeds", false, "rewrite the committed seed corpora of the fuzz targets in testdata/fuzz")

// Entry encodes the arguments of one input of a fuzz target in the corpus
// file format of go test ("go test fuzz v1").
func Entry(args ...any) []byte {
	var b strings.Builder
	b.WriteString("go test fuzz v1\n")
	for _, a := range args {
		switch v := a.(type) {
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", v)
		case string:
			fmt.Fprintf(&b, "string(%q)\n", v)
		case bool:
			fmt.Fprintf(&b, "bool(%v)\n", v)
		case int:
			fmt.Fprintf(&b, "int(%d)\n", v)
		case int64:
			fmt.Fprintf(&b, "int64(%d)\n", v)
		case uint16:
			fmt.Fprintf(&b, "uint16(%d)\n", v)
		default:
			panic(fmt.Sprintf("fuzzseed.Entry: type %T", a))
		}
	}
	return []byte(b.String())
}

// Check writes (with -update-seeds) or checks the seed file of a target.
func Check(tb testing.TB, target, name string, entry []byte) {
	tb.Helper()
	dir := filepath.Join("testdata", "fuzz", target)
	path := filepath.Join(dir, name)
	if *update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, entry, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, entry) {
		tb.Errorf("%s is missing or stale; run this package's TestFuzzSeeds with -update-seeds", path)
	}
}

// CountIDsUTF8 reports whether every id keying a count's figures (options,
// candidates, postal rejection reasons) is valid UTF-8: JSON cannot carry
// other ids, so a fuzz target holds them to its round trips only when so.
func CountIDsUTF8(c *ballot.Count) bool {
	for k := range c.Votes {
		if !utf8.ValidString(k) {
			return false
		}
	}
	for k := range c.CandidateVotes {
		if !utf8.ValidString(k) {
			return false
		}
	}
	if c.Postal != nil {
		for r := range c.Postal.RejectedBy {
			if !utf8.ValidString(string(r)) {
				return false
			}
		}
	}
	return true
}
