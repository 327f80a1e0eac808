package evidence_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/evidence"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
)

// TestTamperEveryByte changes every byte of a small evidence file, one at a
// time, and requires that reading fails each time, even without a trusted
// office key. The file is written canonically and read only in that form,
// so there is no byte whose change is harmless.
func TestTamperEveryByte(t *testing.T) {
	f := smallFixture(t)
	data := f.file(t)
	masks := []byte{0x01, 0x20, 0x80, 0xff}
	var mu sync.Mutex
	codes := map[evidence.Code]int{}
	// Two halves in parallel: each read costs a few signature checks.
	for half := range 2 {
		t.Run(fmt.Sprint("half", half), func(t *testing.T) {
			t.Parallel()
			for i := half; i < len(data); i += 2 {
				for mi, mask := range masks {
					// Every byte with its lowest bit flipped; the other
					// masks on a sample.
					if mi > 0 && (testing.Short() || i%11 != 0) {
						continue
					}
					mut := bytes.Clone(data)
					mut[i] ^= mask
					_, _, err := readAll(mut, nil)
					var ee *evidence.Error
					if !errors.As(err, &ee) {
						t.Fatalf("byte %d (%q) ^ %#02x: got %v, want an *evidence.Error", i, data[i], mask, err)
					}
					mu.Lock()
					codes[ee.Code]++
					mu.Unlock()
				}
			}
		})
	}
	t.Cleanup(func() { t.Logf("%d bytes; refusals by code: %v", len(data), codes) })
}

func TestTamperLines(t *testing.T) {
	f := smallFixture(t)
	ls := lines(f.file(t))
	if len(ls) != 6 {
		t.Fatalf("want 6 lines:\n%s", describe(ls))
	}
	dup := func(i int) [][]byte {
		out := append([][]byte{}, ls[:i+1]...)
		return append(append(out, ls[i]), ls[i+1:]...)
	}
	swap := func(i, j int) [][]byte {
		out := append([][]byte{}, ls...)
		out[i], out[j] = out[j], out[i]
		return out
	}
	cases := map[string]struct {
		ls   [][]byte
		code evidence.Code
		line int
	}{
		"header dropped":     {without(ls, 0), evidence.CodeMalformed, 1},
		"key list dropped":   {without(ls, 1), evidence.CodeMalformed, 2},
		"first record gone":  {without(ls, 2), evidence.CodeManifest, 5},
		"middle record gone": {without(ls, 3), evidence.CodeManifest, 5},
		"last record gone":   {without(ls, 4), evidence.CodeManifest, 5},
		"manifest dropped":   {without(ls, 5), evidence.CodeManifest, 6},
		"header twice":       {dup(0), evidence.CodeMalformed, 2},
		"key list twice":     {dup(1), evidence.CodeMalformed, 3},
		"record twice":       {dup(3), evidence.CodeDuplicate, 5},
		"manifest twice":     {dup(5), evidence.CodeMalformed, 7},
		"records swapped":    {swap(2, 4), evidence.CodeManifest, 6},
		"neighbours swapped": {swap(3, 4), evidence.CodeManifest, 6},
		"manifest first":     {swap(2, 5), evidence.CodeManifest, 3},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := readAll(join(c.ls), nil)
			wantCode(t, err, c.code, c.line)
		})
	}
	data := join(ls)
	for _, tail := range []string{"\n", " ", "{}\n", "\x00"} {
		_, _, err := readAll(append(bytes.Clone(data), tail...), nil)
		wantCode(t, err, evidence.CodeMalformed, 7)
	}
	_, _, err := readAll(bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n")), nil)
	wantCode(t, err, evidence.CodeMalformed, 1)
	for cut := 0; cut < len(data); cut += 97 {
		_, _, err := readAll(data[:cut], nil)
		if c := evidence.CodeOf(err); c != evidence.CodeMalformed && c != evidence.CodeManifest {
			t.Fatalf("cut at %d: %v", cut, err)
		}
	}
}

// keysLineFor returns a key list line holding payload signed by s.
func keysLineFor(t *testing.T, s seal.Signer, payloadType string, payload []byte, member string) []byte {
	t.Helper()
	env, err := seal.Sign(s, payloadType, payload)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(map[string]string{member: string(env)}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReplacedKeyListAndManifest(t *testing.T) {
	f := smallFixture(t)
	ls := lines(f.file(t))
	var kl struct{ Keys string }
	json.Unmarshal(ls[1], &kl)
	keysPayload := payloadOf(t, kl.Keys, evidence.KeysPayloadType)
	var ml struct{ Manifest string }
	json.Unmarshal(ls[5], &ml)
	manifestPayload := payloadOf(t, ml.Manifest, evidence.ManifestPayloadType)
	other := testSigner(t, "another office")

	replace := func(i int, l []byte) []byte {
		out := append([][]byte{}, ls...)
		out[i] = l
		return join(out)
	}
	// The same key list, signed by another key.
	_, _, err := readAll(replace(1, keysLineFor(t, other, evidence.KeysPayloadType, keysPayload, "keys")), nil)
	wantCode(t, err, evidence.CodeSignature, 2)
	// The same key list signed by the office again is the same line: the
	// signature is deterministic.
	if !bytes.Equal(keysLineFor(t, f.office, evidence.KeysPayloadType, keysPayload, "keys"), ls[1]) {
		t.Fatal("re-signing the key list gives another line")
	}
	// Another key list the office did sign (an earlier export, a key's
	// enrollment moved): every record still verifies, the manifest does not.
	g := smallFixture(t)
	g.keys[0].EnrolledAt = g.keys[0].EnrolledAt.Add(-time.Hour)
	_, _, err = readAll(replace(1, lines(g.file(t))[1]), nil)
	wantCode(t, err, evidence.CodeManifest, 6)
	// A manifest by another key, and one of another export by the office.
	_, _, err = readAll(replace(5, keysLineFor(t, other, evidence.ManifestPayloadType, manifestPayload, "manifest")), nil)
	wantCode(t, err, evidence.CodeSignature, 6)
	_, _, err = readAll(replace(5, lines(f.write(t, f.entries[:2]))[4]), nil)
	wantCode(t, err, evidence.CodeManifest, 6)
	// Key list and manifest lines in each other's place.
	_, _, err = readAll(replace(5, keysLineFor(t, f.office, evidence.KeysPayloadType, keysPayload, "manifest")), nil)
	wantCode(t, err, evidence.CodeMalformed, 6)
}

func TestNonCanonical(t *testing.T) {
	f := smallFixture(t)
	data := f.file(t)
	ls := lines(data)
	edit := func(i int, old, new string) []byte {
		if !bytes.Contains(ls[i], []byte(old)) {
			t.Fatalf("line %d does not contain %q", i+1, old)
		}
		out := append([][]byte{}, ls...)
		out[i] = bytes.Replace(ls[i], []byte(old), []byte(new), 1)
		return join(out)
	}
	cases := map[string]struct {
		data []byte
		code evidence.Code
		line int
	}{
		"space in header":       {edit(0, `{"format":`, `{ "format":`), evidence.CodeMalformed, 1},
		"header member case":    {edit(0, `"election_id"`, `"Election_id"`), evidence.CodeMalformed, 1},
		"header member twice":   {edit(0, `"election_id":"be-freibad-2026",`, `"election_id":"x","election_id":"be-freibad-2026",`), evidence.CodeMalformed, 1},
		"extra header member":   {edit(0, `{"format"`, `{"x":1,"format"`), evidence.CodeMalformed, 1},
		"time with offset":      {edit(0, `"2026-03-09T12:00:00Z"`, `"2026-03-09T13:00:00+01:00"`), evidence.CodeMalformed, 1},
		"time with fraction":    {edit(0, `"2026-03-09T12:00:00Z"`, `"2026-03-09T12:00:00.0Z"`), evidence.CodeMalformed, 1},
		"escaped brace":         {edit(2, `"envelope":"{`, `"envelope":"\u007b`), evidence.CodeMalformed, 3},
		"escaped slash":         {edit(2, `","receipt"`, `\/","receipt"`), evidence.CodeMalformed, 3},
		"record members turned": {edit(2, `{"envelope":`, `{"receipt":"x","envelope":`), evidence.CodeMalformed, 3},
		"office key re-wrapped": {edit(0, `-----BEGIN PUBLIC KEY-----\n`, `-----BEGIN PUBLIC KEY-----\n\n`), evidence.CodeMalformed, 1},
	}
	// The office envelopes re-spelled in URL-safe base64 still verify
	// with seal; the reader wants them as seal writes them.
	for i, member := range map[int]string{1: "keys", 5: "manifest"} {
		var m map[string]string
		json.Unmarshal(ls[i], &m)
		var env map[string]any
		json.Unmarshal([]byte(m[member]), &env)
		p := env["payload"].(string)
		if !strings.ContainsAny(p, "+/") {
			continue
		}
		env["payload"] = strings.NewReplacer("+", "-", "/", "_").Replace(p)
		respelled, _ := json.Marshal(env)
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.Encode(map[string]string{member: string(respelled)})
		out := append([][]byte{}, ls...)
		out[i] = b.Bytes()
		cases["url-safe base64 in "+member] = struct {
			data []byte
			code evidence.Code
			line int
		}{join(out), evidence.CodeMalformed, i + 1}
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := readAll(c.data, nil)
			wantCode(t, err, c.code, c.line)
		})
	}
}

func TestFormatUnknownAndGarbage(t *testing.T) {
	f := smallFixture(t)
	data := f.file(t)
	_, _, err := readAll(bytes.Replace(data, []byte("wahlkoffer-evidence/1"), []byte("wahlkoffer-evidence/2"), 1), nil)
	wantCode(t, err, evidence.CodeFormatUnknown, 1)
	for _, garbage := range []string{"", "\n", "{}\n", "null\n", "age-encryption.org/v1\n-> scrypt", `{"format":"wahlkoffer-evidence/1"}` + "\n"} {
		_, _, err := readAll([]byte(garbage), nil)
		wantCode(t, err, evidence.CodeMalformed, 1)
	}
	// A line longer than the bound is refused without reading it whole.
	ls := lines(data)
	long := append(join(ls[:2]), bytes.Repeat([]byte("a"), evidence.MaxLineSize+1)...)
	_, _, err = readAll(long, nil)
	wantCode(t, err, evidence.CodeMalformed, 3)
}

// TestRecordChecks writes files whose records are each wrong in one way;
// the writer does not check signatures, the reader must.
func TestRecordChecks(t *testing.T) {
	f := musterstadtFixture(t)
	good := f.entries
	e := func(i int) entry { return good[i] }
	replace := func(i int, x entry) []entry {
		out := append([]entry{}, good...)
		out[i] = x
		return out
	}
	stranger := testSigner(t, "not enrolled")
	incident := &ballot.Incident{At: at(12, 0), Text: "x"}
	cases := map[string]struct {
		entries []entry
		code    evidence.Code
		line    int
	}{
		"key not enrolled": {replace(4, f.sign(t, stranger, "901", "st-901", 99, at(12, 0), ballot.RecordIncident, incident, at(12, 1))), evidence.CodeKeyUnknown, 7},
		"key for another district": {replace(4, f.sign(t, f.signers["st-901"], "102", "st-901", 99, at(12, 0), ballot.RecordIncident, incident, at(12, 1))),
			evidence.CodeKeyMismatch, 7},
		"key of another station": {replace(4, f.sign(t, f.signers["st-901"], "901", "st-102", 99, at(12, 0), ballot.RecordIncident, incident, at(12, 1))),
			evidence.CodeKeyMismatch, 7},
		"received after revocation": {replace(4, f.sign(t, f.signers["st-101-a"], "101", "st-101-a", 3, at(9, 0), ballot.RecordIncident, incident, at(9, 0))),
			evidence.CodeKeyRevoked, 7},
		"received before enrollment": {replace(4, f.sign(t, f.signers["st-101-b"], "101", "st-101-b", 99, at(8, 59), ballot.RecordIncident, incident, at(8, 59))),
			evidence.CodeKeyRevoked, 7},
		"receipts swapped":        {replace(4, entry{e(4).envelope, e(5).receipt}), evidence.CodeReceipt, 7},
		"receipt missing":         {replace(4, entry{e(4).envelope, []byte("{}")}), evidence.CodeReceipt, 7},
		"envelope as its receipt": {replace(4, entry{e(4).envelope, e(4).envelope}), evidence.CodeReceipt, 7},
		"receipt by a station": {replace(4, entry{e(4).envelope, mustReceipt(t, f.signers["st-901"], seal.Receipt{
			EnvelopeSHA256: seal.EnvelopeHash(e(4).envelope), ReceivedAt: at(12, 1), District: "901", Station: "st-901", Seq: 1})}), evidence.CodeReceipt, 7},
		"receipt for another seq": {replace(4, entry{e(4).envelope, mustReceipt(t, f.office, seal.Receipt{
			EnvelopeSHA256: seal.EnvelopeHash(e(4).envelope), ReceivedAt: at(12, 1), District: "901", Station: "st-901", Seq: 2})}), evidence.CodeReceipt, 7},
		"another package": {replace(4, func() entry {
			g := *f
			g.pkgHash = strings.Repeat("ab", 32)
			return g.sign(t, f.signers["st-901"], "901", "st-901", 99, at(12, 0), ballot.RecordIncident, incident, at(12, 1))
		}()), evidence.CodeRecord, 7},
		"body the domain refuses": {replace(4, f.sign(t, f.signers["st-901"], "901", "st-901", 99, at(12, 0), ballot.RecordTurnout,
			map[string]any{"at": at(12, 0), "voters": -5}, at(12, 1))), evidence.CodeRecord, 7},
		"seq used twice": {replace(5, f.sign(t, f.signers["st-101-b"], "101", "st-101-b", 2, at(17, 0), ballot.RecordIncident, incident, at(17, 1))),
			evidence.CodeDuplicate, 8},
		"office receipt as record": {replace(4, entry{e(4).receipt, e(4).receipt}), evidence.CodeKeyUnknown, 7},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := readAll(f.write(t, c.entries), nil)
			wantCode(t, err, c.code, c.line)
		})
	}
}

func mustReceipt(t *testing.T, s seal.Signer, r seal.Receipt) []byte {
	t.Helper()
	b, err := seal.IssueReceipt(s, r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestKeyListParts(t *testing.T) {
	f := newFixture(t, "musterstadt.json")
	ids := []string{"101", "102", "205", "901", "910"}
	for i := 0; i < 6000; i++ {
		f.enroll(t, ids[i%len(ids)], "st-"+itoa(i), day.Add(-time.Duration(i)*time.Minute), time.Time{})
	}
	f.record(t, "101", "st-0", at(7, 0), at(7, 1), ballot.RecordPollsOpened, &ballot.PollsOpened{At: at(7, 0)})
	data := f.file(t)
	ls := lines(data)
	var parts []int
	for i, l := range ls {
		if bytes.HasPrefix(l, []byte(`{"keys":`)) {
			parts = append(parts, i)
		}
		if len(l) > evidence.MaxLineSize {
			t.Errorf("line %d is %d bytes", i+1, len(l))
		}
	}
	if len(parts) < 2 {
		t.Fatalf("%d keys in %d parts; the test wants several", len(f.keys), len(parts))
	}
	_, sum, err := readAll(data, f.office.Public())
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Keys) != 6000 || !sort.SliceIsSorted(sum.Keys, func(i, j int) bool { return sum.Keys[i].District < sum.Keys[j].District }) {
		t.Errorf("%d keys", len(sum.Keys))
	}
	_, _, err = readAll(join(without(ls, parts[1])), nil)
	wantCode(t, err, evidence.CodeKeys, parts[1]+1)
	sw := append([][]byte{}, ls...)
	sw[parts[0]], sw[parts[1]] = sw[parts[1]], sw[parts[0]]
	_, _, err = readAll(join(sw), nil)
	wantCode(t, err, evidence.CodeKeys, 2)
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}
