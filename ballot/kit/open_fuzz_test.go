package kit_test

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/cryptotest"
	"time"

	"filippo.io/age"

	"github.com/wahlkoffer/wahlkoffer/ballot/fuzzseed"
	"github.com/wahlkoffer/wahlkoffer/ballot/kit"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
)

// The fuzz targets open everything with one PIN, the deterministic
// fuzzPIN, with which the seeds are sealed, so that they reach past the
// decryption.
func fuzzPIN(tb testing.TB) string { return testPIN(tb, "fuzz") }

// maxFuzzWorkFactor bounds the scrypt work factor of the inputs FuzzOpen
// tries. Open accepts up to kit.MaxWorkFactor (22: seconds and 4 GiB per
// attempt, by design, since a real kit takes a second); a fuzzer that
// raised the work factor of a seed would spend its time, and memory, in
// scrypt.
const maxFuzzWorkFactor = 12

// workFactorAbove reports whether the age header of data names a scrypt
// work factor above max, read as age reads it: stanza lines "-> scrypt
// SALT N" before the line starting "---".
func workFactorAbove(data []byte, max int) bool {
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "---") {
			break
		}
		if args := strings.Split(line, " "); len(args) >= 4 && args[0] == "->" && args[1] == "scrypt" {
			if n, err := strconv.Atoi(args[3]); err != nil || n > max {
				return true
			}
		}
	}
	return false
}

// smallKit is a complete kit of the one-ballot referendum example: a kit
// a few KiB small, which the fuzzer mutates faster than one of Musterstadt.
func smallKit(tb testing.TB) kit.Kit {
	tb.Helper()
	office := testSigner(tb, "office")
	def, err := os.ReadFile("../../testdata/buergerentscheid.json")
	if err != nil {
		tb.Fatal(err)
	}
	pkg, err := seal.SealPackage(office, def)
	if err != nil {
		tb.Fatal(err)
	}
	return kit.Kit{
		Format: kit.Format, ElectionID: "be-freibad-2026", District: "1", Station: "laptop-1",
		Package: pkg, OfficeKey: office.Public(), StationKey: testSigner(tb, "station-1"),
		TallyURLs: []string{"https://wahl.kleinweiler.example/"},
		IssuedAt:  time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC),
	}
}

// checkOpen holds what FuzzOpen and FuzzOpenContents check of one Open:
// it is deterministic, a refusal is a *kit.Error of a published code that
// hands out nothing, and an opened kit passes Check, and sealed again
// opens to the same kit.
func checkOpen(t *testing.T, sealed []byte, pin string) {
	k, err := kit.Open(sealed, pin)
	k2, err2 := kit.Open(sealed, pin)
	if kit.CodeOf(err) != kit.CodeOf(err2) || !reflect.DeepEqual(k, k2) {
		t.Fatalf("two openings differ: %v, %v", err, err2)
	}
	if err != nil {
		var ke *kit.Error
		if !errors.As(err, &ke) || !slices.Contains(kit.Codes, ke.Code) || ke.Code == kit.CodePINWeak {
			t.Fatalf("refused with %T %v", err, err)
		}
		if !reflect.ValueOf(k).IsZero() {
			t.Fatalf("%v, yet a kit was handed out", err)
		}
		return
	}
	if err := k.Check(); err != nil {
		t.Fatalf("opened kit fails Check: %v", err)
	}
	if _, hash, err := k.Definition(); err != nil || len(hash) != 64 {
		t.Fatalf("opened kit has no definition: %v", err)
	}
	again, err := kit.Seal(k, pin, kit.SealOptions{WorkFactor: 1})
	if err != nil {
		t.Fatalf("opened kit cannot be sealed again: %v", err)
	}
	if k3, err := kit.Open(again, pin); err != nil || !reflect.DeepEqual(k3, k) {
		t.Fatalf("re-sealed kit opens to another kit (%v)", err)
	}
}

// FuzzOpen: kit.Open on arbitrary bytes with a fixed PIN never panics;
// see checkOpen. Inputs whose scrypt work factor is above
// maxFuzzWorkFactor are skipped.
func FuzzOpen(f *testing.F) {
	pin := fuzzPIN(f)
	sealed, err := kit.Seal(testKit(f, testSigner(f, "office")), pin, fast)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sealed)
	f.Fuzz(func(t *testing.T, data []byte) {
		if workFactorAbove(data, maxFuzzWorkFactor) {
			t.Skip("scrypt work factor above the fuzzing bound")
		}
		checkOpen(t, data, pin)
	})
}

// FuzzOpenContents reaches what FuzzOpen cannot: arbitrary contents of a
// kit, sealed with the fixed PIN (at the lowest work factor, to stay fast),
// must never panic Open; see checkOpen.
func FuzzOpenContents(f *testing.F) {
	pin := fuzzPIN(f)
	f.Fuzz(func(t *testing.T, contents []byte) {
		checkOpen(t, sealWith(t, contents, pin, 1), pin)
	})
}

// sealWith seals contents with a PIN at a work factor, as a writer other
// than Seal could.
func sealWith(tb testing.TB, contents []byte, pin string, workFactor int) []byte {
	tb.Helper()
	r, err := age.NewScryptRecipient(kit.NormalizePIN(pin))
	if err != nil {
		tb.Fatal(err)
	}
	r.SetWorkFactor(workFactor)
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := w.Write(contents); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// openSeeds are the committed seeds of FuzzOpen and FuzzOpenContents. Age
// draws its salt and file key from crypto/rand, which the caller makes
// deterministic, so that the seeds are the same bytes in every run.
func openSeeds(t *testing.T) map[string]map[string][]byte {
	pin := fuzzPIN(t)
	k := smallKit(t)
	sealed, err := kit.Seal(k, pin, fast)
	if err != nil {
		t.Fatal(err)
	}
	good := contentsOf(t, k, pin)
	noURLs := k
	noURLs.TallyURLs = nil
	foreign := k
	foreign.Package, err = seal.SealPackage(testSigner(t, "another office"), []byte(`{"format":"wahlkoffer-election/1"}`))
	if err != nil {
		t.Fatal(err)
	}
	sealUnchecked := func(k kit.Kit) []byte {
		b, err := kit.SealUnchecked(k, pin, fast)
		if err != nil {
			t.Fatal(err)
		}
		return contentsOf2(t, b, pin)
	}
	edit := func(old, new string) []byte {
		t.Helper()
		if !bytes.Contains(good, []byte(old)) {
			t.Fatalf("kit contents have no %s", old)
		}
		return bytes.Replace(good, []byte(old), []byte(new), 1)
	}
	header := bytes.Index(sealed, []byte("\n---"))
	opens := map[string][]byte{
		"valid-kit":          sealed,
		"valid-kit-no-urls":  mustSeal(t, noURLs, pin),
		"wrong-pin":          mustSeal(t, k, testPIN(t, "another pin")),
		"truncated":          sealed[:len(sealed)-10],
		"header-only":        sealed[:header+1],
		"mac-flipped":        flipByte(sealed, header+10),
		"payload-flipped":    flipByte(sealed, len(sealed)-20),
		"armored":            []byte("-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n"),
		"not-age":            []byte("wahlkoffer-kit/1"),
		"work-factor-raised": bytes.Replace(sealed, []byte(" 10\n"), []byte(" 11\n"), 1),
		"empty":              {},
	}
	contents := map[string][]byte{
		"valid-contents":         good,
		"valid-contents-no-urls": contentsOf(t, noURLs, pin),
		"foreign-package":        sealUnchecked(foreign),
		"district-not-defined":   edit(`"district":"1"`, `"district":"9"`),
		"election-other":         edit(`"election_id":"be-freibad-2026"`, `"election_id":"be-2027"`),
		"format-later":           edit(`"format":"wahlkoffer-kit/1"`, `"format":"wahlkoffer-kit/2"`),
		"member-unknown":         edit(`{"format"`, `{"x":1,"format"`),
		"member-duplicate":       edit(`"station":"laptop-1"`, `"station":"laptop-1","station":"laptop-2"`),
		"urls-null":              edit(`"tally_urls":["https://wahl.kleinweiler.example/"]`, `"tally_urls":null`),
		"url-ftp":                edit(`https://wahl.kleinweiler.example/`, `ftp://wahl.kleinweiler.example/`),
		"url-user":               edit(`https://wahl.kleinweiler.example/`, `https://wahl:geheim@kleinweiler.example/`),
		"issued-local-time":      edit(`"2026-06-01T08:00:00Z"`, `"2026-06-01T10:00:00+02:00"`),
		"station-key-public":     edit(`PRIVATE KEY`, `PUBLIC KEY`),
		"trailing-newline":       append(bytes.Clone(good), '\n'),
		"not-json":               []byte(`{"format":"wahlkoffer-kit/1",`),
		"null":                   []byte(`null`),
	}
	return map[string]map[string][]byte{"FuzzOpen": opens, "FuzzOpenContents": contents}
}

func mustSeal(t *testing.T, k kit.Kit, pin string) []byte {
	t.Helper()
	b, err := kit.Seal(k, pin, fast)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// contentsOf2 decrypts a sealed kit.
func contentsOf2(t *testing.T, sealed []byte, pin string) []byte {
	t.Helper()
	id, err := age.NewScryptIdentity(kit.NormalizePIN(pin))
	if err != nil {
		t.Fatal(err)
	}
	r, err := age.Decrypt(bytes.NewReader(sealed), id)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func flipByte(b []byte, i int) []byte {
	b = bytes.Clone(b)
	b[i] ^= 1
	return b
}

// TestFuzzSeeds keeps the committed seeds of this package's fuzz targets
// equal to what the seed functions make now, and checks that exactly the
// seeds named valid-* open; run with -update-seeds after a change to the
// kit format.
func TestFuzzSeeds(t *testing.T) {
	cryptotest.SetGlobalRandom(t, 1)
	pin := fuzzPIN(t)
	open := map[string]func([]byte) error{
		"FuzzOpen":         func(b []byte) error { _, err := kit.Open(b, pin); return err },
		"FuzzOpenContents": func(b []byte) error { _, err := kit.Open(sealWith(t, b, pin, 1), pin); return err },
	}
	seeds := openSeeds(t)
	seeds["FuzzPIN"] = nil
	for _, target := range sortedKeys(seeds) {
		for _, name := range sortedKeys(seeds[target]) {
			if err := open[target](seeds[target][name]); (err == nil) != strings.HasPrefix(name, "valid-") {
				t.Errorf("%s/%s: %v", target, name, err)
			}
		}
	}
	all := map[string]map[string][]any{}
	for target, byName := range seeds {
		all[target] = map[string][]any{}
		for name, b := range byName {
			all[target][name] = []any{b}
		}
	}
	all["FuzzPIN"] = pinSeeds()
	for name, args := range all["FuzzPIN"] {
		if err := kit.CheckPIN(args[0].(string)); (err == nil) != strings.HasPrefix(name, "valid-") {
			t.Errorf("FuzzPIN/%s: %v", name, err)
		}
	}
	for _, target := range sortedKeys(all) {
		for _, name := range sortedKeys(all[target]) {
			want := fuzzseed.Entry(all[target][name]...)
			fuzzseed.Check(t, target, name, []byte(want))
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
