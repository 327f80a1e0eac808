package ballot_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/fuzzseed"
)

// checkCorpus keeps testdata/fuzz/<target> in step with the seeds made in
// code: with -update-seeds it writes them, otherwise each must be there
// unchanged. Other files of the folder (inputs a fuzzer found and someone
// kept) are left alone.
func checkCorpus(t *testing.T, target string, seeds map[string][]any) {
	t.Helper()
	names := make([]string, 0, len(seeds))
	for name := range seeds {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		want := fuzzseed.Entry(seeds[name]...)
		fuzzseed.Check(t, target, name, []byte(want))
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
