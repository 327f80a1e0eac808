package tally_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/fuzzseed"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/tally/httpapi"
	"github.com/wahlkoffer/wahlkoffer/tally/store/sqlite"
)

// fuzzFixture is the example town's office on a SQLite store in a fresh
// folder, with laptops enrolled for the districts 101, 102 and 901.
func fuzzFixture(tb testing.TB) *fixture {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "tally.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return newFixture(tb, db, "101", "102", "901")
}

// post sends body to POST /v1/envelopes of the handler.
func postEnvelope(h http.Handler, body []byte) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/envelopes", bytes.NewReader(body)))
	return rec
}

// FuzzPostEnvelope posts arbitrary request bodies to the tally's
// POST /v1/envelopes, on a real store that keeps what earlier inputs
// stored. The handler never panics and never fails with a 5xx; the same
// bytes posted again get the same answer (a record stored once gets the
// same receipt again, a refusal the same code); a refusal is a JSON error
// body with a code and a message; a 200 is the office's receipt, signed,
// for exactly the posted bytes, naming the district, station and sequence
// number of a record signed by the laptop enrolled for that district.
func FuzzPostEnvelope(f *testing.F) {
	fx := fuzzFixture(f)
	h := httpapi.New(fx.svc, fx.st, slog.New(slog.DiscardHandler))
	stations := seal.Keys{}
	for _, s := range fx.stations {
		if _, err := stations.Add(s.key.Public()); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		first := postEnvelope(h, body)
		again := postEnvelope(h, body)
		if first.Code >= 500 || again.Code >= 500 {
			t.Fatalf("server error %d, %d: %s", first.Code, again.Code, first.Body)
		}
		if ct := first.Header().Get("Content-Type"); ct != "application/json" {
			t.Fatalf("answer of type %q", ct)
		}
		if first.Code != http.StatusOK {
			var e1, e2 httpapi.ErrorBody
			if json.Unmarshal(first.Body.Bytes(), &e1) != nil || e1.Code == "" || e1.Message == "" {
				t.Fatalf("refusal %d is not an error body: %s", first.Code, first.Body)
			}
			if again.Code != first.Code || json.Unmarshal(again.Body.Bytes(), &e2) != nil || e2.Code != e1.Code {
				t.Fatalf("the same bytes refused %d %s, then answered %d %s", first.Code, e1.Code, again.Code, again.Body)
			}
			return
		}
		if again.Code != http.StatusOK || !bytes.Equal(again.Body.Bytes(), first.Body.Bytes()) {
			t.Fatalf("the same record got receipt\n%s\nthen %d\n%s", first.Body, again.Code, again.Body)
		}
		r, err := seal.OpenReceipt(first.Body.Bytes(), fx.office.Public())
		if err != nil {
			t.Fatalf("the answer is not a receipt of the office: %v", err)
		}
		if !r.Covers(body) {
			t.Fatal("the receipt is for other bytes")
		}
		rec, err := seal.OpenRecord(body, stations)
		if err != nil {
			t.Fatalf("a receipt for an envelope that is no record of an enrolled laptop: %v", err)
		}
		if r.District != rec.Record.District || r.Station != rec.Record.Station || r.Seq != rec.Record.Seq {
			t.Fatalf("receipt %+v for record %+v", r, rec.Record.Header)
		}
		if s := fx.stations[rec.Record.District]; s == nil || s.id != rec.Record.Station || s.key.KeyID() != rec.KeyID {
			t.Fatalf("record of %s/%s signed by %s accepted", rec.Record.District, rec.Record.Station, rec.KeyID)
		}
	})
}

// postSeeds are the committed seeds of FuzzPostEnvelope, made against a
// fixture of their own: records of every kind as the enrolled laptops sign
// them, and envelopes that the tally must refuse, each for one reason.
func postSeeds(tb testing.TB) map[string][]byte {
	fx := fuzzFixture(tb)
	at := fx.now
	d101 := fx.stations["101"]
	count := fx.mayorCount("101", ballot.StageQuick, 1, 900, [4]int64{400, 300, 150, 44})
	seeds := map[string][]byte{
		"valid-polls-opened":   fx.sealSeq(d101, 1, ballot.RecordPollsOpened, &ballot.PollsOpened{At: at.Add(-9 * time.Hour)}),
		"valid-turnout":        fx.sealSeq(d101, 2, ballot.RecordTurnout, &ballot.Turnout{Slot: "12:00", At: at.Add(-5 * time.Hour), Voters: 312}),
		"valid-incident":       fx.sealSeq(d101, 3, ballot.RecordIncident, &ballot.Incident{At: at.Add(-3 * time.Hour), Text: "Wahlkabine 2 ohne Stift; ersetzt."}),
		"valid-polls-closed":   fx.sealSeq(d101, 4, ballot.RecordPollsClosed, &ballot.PollsClosed{At: at.Add(-30 * time.Minute)}),
		"valid-count-quick":    fx.sealSeq(d101, 5, ballot.RecordCount, count),
		"valid-other-district": fx.sealSeq(fx.stations["102"], 1, ballot.RecordPollsOpened, &ballot.PollsOpened{At: at.Add(-9 * time.Hour)}),
	}
	stranger := &station{district: "101", id: d101.id, key: signer(tb, "stranger")}
	wrongDistrict := &station{district: "102", id: d101.id, key: d101.key}
	valid := seeds["valid-count-quick"]
	var w map[string]any
	if err := json.Unmarshal(valid, &w); err != nil {
		tb.Fatal(err)
	}
	rewrap := func(edit func(map[string]any)) []byte {
		c := map[string]any{}
		for k, v := range w {
			c[k] = v
		}
		edit(c)
		b, err := json.Marshal(c)
		if err != nil {
			tb.Fatal(err)
		}
		return b
	}
	receipt, err := seal.IssueReceipt(fx.office, seal.Receipt{EnvelopeSHA256: seal.EnvelopeHash(valid), ReceivedAt: at, District: "101", Station: d101.id, Seq: 5})
	if err != nil {
		tb.Fatal(err)
	}
	bad := count.Votes
	count.Votes = map[string]int64{"ob-1": bad["ob-1"], "ob-2": bad["ob-2"], "ob-3": bad["ob-3"], "ob-4": bad["ob-4"] + 1}
	seeds["key-unknown"] = fx.sealSeq(stranger, 6, ballot.RecordPollsOpened, &ballot.PollsOpened{At: at})
	seeds["key-of-another-district"] = fx.sealSeq(wrongDistrict, 6, ballot.RecordPollsOpened, &ballot.PollsOpened{At: at})
	seeds["count-arithmetic-wrong"] = fx.sealSeq(d101, 7, ballot.RecordCount, count)
	seeds["signature-flipped"] = bytes.Replace(valid, []byte(`"sig":"`), []byte(`"sig":"A`), 1)
	seeds["signatures-empty"] = rewrap(func(m map[string]any) { m["signatures"] = []any{} })
	seeds["member-unknown"] = rewrap(func(m map[string]any) { m["extra"] = 1 })
	seeds["receipt-not-record"] = receipt
	seeds["truncated"] = valid[:len(valid)/2]
	seeds["not-json"] = []byte("hello")
	seeds["empty"] = []byte{}
	return seeds
}

// TestFuzzSeeds keeps the committed seeds of FuzzPostEnvelope equal to
// postSeeds (the keys and the clock are deterministic), and checks that,
// posted in order to a fresh tally, exactly the seeds named valid-* get a
// receipt; run with -update-seeds after a change to the wire format.
func TestFuzzSeeds(t *testing.T) {
	seeds := postSeeds(t)
	fx := fuzzFixture(t)
	h := httpapi.New(fx.svc, fx.st, slog.New(slog.DiscardHandler))
	names := make([]string, 0, len(seeds))
	for name := range seeds {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { // records before refusals, in seq order
		vi, vj := strings.HasPrefix(names[i], "valid-"), strings.HasPrefix(names[j], "valid-")
		return vi && !vj || vi == vj && names[i] < names[j]
	})
	for _, name := range []string{"valid-polls-opened", "valid-turnout", "valid-incident", "valid-polls-closed", "valid-count-quick", "valid-other-district"} {
		if rec := postEnvelope(h, seeds[name]); rec.Code != http.StatusOK {
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body)
		}
	}
	for _, name := range names {
		if rec := postEnvelope(h, seeds[name]); (rec.Code == http.StatusOK) != strings.HasPrefix(name, "valid-") {
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body)
		}
		want := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", seeds[name])
		fuzzseed.Check(t, "FuzzPostEnvelope", name, []byte(want))
	}
}
