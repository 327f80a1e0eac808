package ballot_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

var updateSeeds = flag.Bool("update-seeds", false, "rewrite the committed seed corpora of the fuzz targets in testdata/fuzz")

// corpusEntry encodes the arguments of one input of a fuzz target in the
// corpus file format of go test ("go test fuzz v1").
func corpusEntry(args ...any) []byte {
	var b strings.Builder
	b.WriteString("go test fuzz v1\n")
	for _, a := range args {
		switch v := a.(type) {
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", v)
		case string:
			fmt.Fprintf(&b, "string(%q)\n", v)
		case uint16, int64:
			fmt.Fprintf(&b, "%T(%v)\n", v, v)
		default:
			panic(fmt.Sprintf("corpusEntry: type %T", a))
		}
	}
	return []byte(b.String())
}

// checkCorpus keeps testdata/fuzz/<target> in step with the seeds made in
// code: with -update-seeds it writes them, otherwise each must be there
// unchanged. Other files of the folder (inputs a fuzzer found and someone
// kept) are left alone.
func checkCorpus(t *testing.T, target string, seeds map[string][]any) {
	t.Helper()
	dir := filepath.Join("testdata", "fuzz", target)
	names := make([]string, 0, len(seeds))
	for name := range seeds {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		want := corpusEntry(seeds[name]...)
		path := filepath.Join(dir, name)
		if *updateSeeds {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is missing or stale; run go test . -run TestFuzzSeeds -update-seeds", path)
		}
	}
}

// TestFuzzSeeds keeps the committed corpora of the fuzz targets of this
// package's *_fuzz_test.go files equal to what the seed functions make.
func TestFuzzSeeds(t *testing.T) {
	defs := definitionSeeds(t)
	for name, s := range defs {
		if _, err := ballot.ParseDefinition(s[0].([]byte)); (err == nil) != strings.HasPrefix(name, "valid-") {
			t.Errorf("definition seed %s: %v", name, err)
		}
	}
	checkCorpus(t, "FuzzParseDefinitionProblems", defs)
	bodies := decodeBodySeeds()
	for name, s := range bodies {
		kind := ballot.RecordKinds[s[0].(uint16)]
		if _, err := ballot.DecodeRecord(ballot.Payload{Header: ballot.Header{Kind: kind}, Body: s[1].([]byte)}); (err == nil) != strings.HasPrefix(name, "valid-") {
			t.Errorf("body seed %s: %v", name, err)
		}
	}
	checkCorpus(t, "FuzzDecodeBody", bodies)
	checkCorpus(t, "FuzzCheckCount", checkCountSeeds(t))
	checkCorpus(t, "FuzzParseClock", stringSeeds("07:00", "18:00", "23:59", "00:00", "24:00", "7:00", "07:60", "0a:00", "07-00", "", "07:00 "))
	checkCorpus(t, "FuzzParseLang", stringSeeds("de", "en", "en_US.UTF-8", "de_DE.UTF-8", "C.UTF-8", "", " English ", "fr", "DEUTSCH", "-", "en-GB"))
	checkCorpus(t, "FuzzParsePercent", stringSeeds("5", "2.5", "0.05", "100", "100 %", "5,0", "-1", "+5", "1.234", ".5", "5.", "99999999999", " 3.75% "))
}

// stringSeeds names each of a target's string seeds after its index.
func stringSeeds(ss ...string) map[string][]any {
	out := map[string][]any{}
	for i, s := range ss {
		out[fmt.Sprintf("seed-%02d", i)] = []any{s}
	}
	return out
}
