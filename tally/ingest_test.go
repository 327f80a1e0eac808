package tally_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

func wantRefusal(t *testing.T, err error, code string, status int) *tally.Error {
	t.Helper()
	var te *tally.Error
	if !errors.As(err, &te) {
		t.Fatalf("got %v, want a refusal %s", err, code)
	}
	if te.Code != code || te.Status != status {
		t.Fatalf("got %s (%d): %s; want %s (%d)", te.Code, te.Status, te.Message, code, status)
	}
	return te
}

func TestIngest_AcceptsASignedRecordAndAnswersWithAReceiptThatCoversIt(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st, "101")
		env := f.seal("101", ballot.RecordPollsOpened, &ballot.PollsOpened{At: f.now})
		receipt := f.ingest(env)
		r, err := seal.OpenReceipt(receipt, f.office.Public())
		if err != nil {
			t.Fatal(err)
		}
		if !r.Covers(env) || r.District != "101" || r.Seq != 1 || !r.ReceivedAt.Equal(f.now) {
			t.Errorf("receipt %+v does not cover the record", r)
		}
		var stored []store.Envelope
		if err := st.Envelopes(f.ctx, func(e store.Envelope) error { stored = append(stored, e); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(stored) != 1 || !bytes.Equal(stored[0].Bytes, env) || !bytes.Equal(stored[0].Receipt, receipt) {
			t.Fatalf("stored %d envelopes; want the one, verbatim", len(stored))
		}
	})
}

func TestIngest_TheSameRecordAgainGetsTheSameReceiptAndChangesNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st, "101")
		env := f.seal("101", ballot.RecordCount, f.mayorCount("101", ballot.StageQuick, 1, 600, [4]int64{300, 150, 100, 44}))
		first := f.ingest(env)
		before, _ := f.svc.Results(f.ctx, tally.ViewBest)

		f.now = f.now.Add(time.Minute) // a retry later: the receipt still names the first arrival
		again := f.ingest(env)
		// Re-wrapped on the way (other JSON spacing): still the same record.
		var compact bytes.Buffer
		json.Indent(&compact, env, "", "  ")
		rewrapped := f.ingest(compact.Bytes())

		if !bytes.Equal(first, again) || !bytes.Equal(first, rewrapped) {
			t.Error("a repeated record got another receipt")
		}
		if n, _ := st.EnvelopeCount(f.ctx); n != 1 {
			t.Errorf("%d envelopes stored, want 1", n)
		}
		after, _ := f.svc.Results(f.ctx, tally.ViewBest)
		before.Generated = after.Generated
		if !reflect.DeepEqual(before, after) {
			t.Error("results changed on a repeated record")
		}
	})
}

func TestIngest_AnotherRecordWithAUsedSequenceNumberIsAnEquivocation(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st, "101")
		s := f.stations["101"]
		f.ingest(f.sealSeq(s, 5, ballot.RecordTurnout, &ballot.Turnout{Slot: "10:00", At: f.now, Voters: 100}))
		second := f.sealSeq(s, 5, ballot.RecordTurnout, &ballot.Turnout{Slot: "10:00", At: f.now, Voters: 999})
		_, err := f.svc.Ingest(f.ctx, second, tally.ViaHTTP)
		wantRefusal(t, err, tally.CodeSeqConflict, 409)

		eqs, _ := st.Equivocations(f.ctx)
		if len(eqs) != 1 || eqs[0].Seq != 5 || eqs[0].SecondHash != seal.EnvelopeHash(second) {
			t.Errorf("equivocations %+v", eqs)
		}
		rej, _ := st.Rejections(f.ctx)
		if len(rej) != 1 || rej[0].Code != tally.CodeSeqConflict || !bytes.Equal(rej[0].Bytes, second) ||
			rej[0].District != "101" || rej[0].Station != s.id || rej[0].Seq != 5 {
			t.Errorf("the refused record is not kept as evidence: %+v", rej)
		}
	})
}

// Every refusal, with its code and status, both from the service and from
// a real HTTP server on loopback.
func TestIngest_RefusesWhatItCannotTrust(t *testing.T) {
	for _, via := range []string{"service", "http"} {
		t.Run(via, func(t *testing.T) {
			forEachStore(t, func(t *testing.T, st store.Store) { refusesWhatItCannotTrust(t, st, via) })
		})
	}
}

func refusesWhatItCannotTrust(t *testing.T, st store.Store, via string) {
	f := newFixture(t, st, "101", "102")
	refused := refuser(t, f, via)
	stranger := &station{district: "101", id: "station-101-laptop", key: signer(t, "stranger")}
	wrongStation := &station{district: "101", id: "someone-else", key: f.stations["101"].key}
	otherDistrict := &station{district: "102", id: f.stations["101"].id, key: f.stations["101"].key}
	pollsOpen := &ballot.PollsOpened{At: f.now}

	refused(f.sealSeq(stranger, 1, ballot.RecordPollsOpened, pollsOpen), string(seal.CodeKeyUnknown), 403)
	refused(f.sealSeq(wrongStation, 1, ballot.RecordPollsOpened, pollsOpen), tally.CodeStationMismatch, 403)
	refused(f.sealSeq(otherDistrict, 1, ballot.RecordPollsOpened, pollsOpen), tally.CodeKeyWrongDistrict, 403)

	env := f.seal("101", ballot.RecordPollsOpened, pollsOpen)
	tampered := bytes.Replace(env, []byte(`"payload":"`), []byte(`"payload":"e`), 1)
	refused(tampered, string(seal.CodeEnvelopeMalformed), 400)
	refused([]byte("not json"), string(seal.CodeEnvelopeMalformed), 400)

	// A replacement laptop revokes the old key.
	old := f.stations["101"]
	f.enroll("101", "replacement")
	refused(f.sealSeq(old, 9, ballot.RecordPollsOpened, pollsOpen), tally.CodeKeyRevoked, 403)
	f.ingest(f.seal("101", ballot.RecordPollsOpened, pollsOpen))

	// Another election, another package.
	s := f.stations["102"]
	for _, mod := range []struct {
		code   string
		header func(h *ballot.Header)
	}{
		{tally.CodeElectionMismatch, func(h *ballot.Header) { h.ElectionID = "other-2026" }},
		{tally.CodePackageMismatch, func(h *ballot.Header) { h.PackageHash = seal.PackageHash([]byte("{}")) }},
	} {
		h := ballot.Header{ElectionID: f.election.ID, PackageHash: f.election.PackageHash, District: "102",
			Station: s.id, Seq: 50, Time: f.now, Kind: ballot.RecordPollsOpened}
		mod.header(&h)
		env, err := seal.SealRecord(s.key, h, pollsOpen)
		if err != nil {
			t.Fatal(err)
		}
		refused(env, mod.code, 409)
	}
	rej, _ := st.Rejections(f.ctx)
	if len(rej) != 8 {
		t.Errorf("%d refusals kept as evidence, want 8", len(rej))
	}
}

// refuser sends an envelope the given way and checks the refusal's code
// and status.
func refuser(t *testing.T, f *fixture, via string) func(env []byte, code string, status int) {
	if via == "service" {
		return func(env []byte, code string, status int) {
			t.Helper()
			_, err := f.svc.Ingest(f.ctx, env, tally.ViaHTTP)
			wantRefusal(t, err, code, status)
		}
	}
	base := serve(t, f)
	return func(env []byte, code string, status int) {
		t.Helper()
		got, body := post(t, base+"/v1/envelopes", env)
		if got != status || errorCode(t, body) != code {
			t.Fatalf("got %d %s, want %d %s", got, body, status, code)
		}
	}
}

func TestIngest_ACountMustPassTheChecksAndWarningsNeedAReason(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st, "101")
		bad := f.mayorCount("101", ballot.StageQuick, 1, 600, [4]int64{300, 150, 100, 45}) // D1…D4 = 595 ≠ 594
		_, err := f.svc.Ingest(f.ctx, f.seal("101", ballot.RecordCount, bad), tally.ViaHTTP)
		te := wantRefusal(t, err, tally.CodeCountRejected, 422)
		if len(te.Findings) != 1 || te.Findings[0].Code != "options-sum-not-d" {
			t.Errorf("findings %+v", te.Findings)
		}

		few := f.mayorCount("101", ballot.StageQuick, 1, 40, [4]int64{20, 10, 4, 0}) // fewer than 50 voters
		few.B1 = 0
		_, err = f.svc.Ingest(f.ctx, f.seal("101", ballot.RecordCount, few), tally.ViaHTTP)
		wantRefusal(t, err, tally.CodeCountRejected, 422)
		few.Reasons = map[string]string{"few-voters": "Pflegeheim mit wenigen Wahlberechtigten",
			"turnout-low": "Fast alle wählten per Brief"}
		f.ingest(f.seal("101", ballot.RecordCount, few))
	})
}

func TestResults_CorrectionsReplaceAndLateOldVersionsDoNot(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st, "101")
		v1 := f.seal("101", ballot.RecordCount, f.mayorCount("101", ballot.StageFinal, 1, 600, [4]int64{300, 150, 100, 44}))
		v2 := f.seal("101", ballot.RecordCount, f.mayorCount("101", ballot.StageFinal, 2, 600, [4]int64{290, 160, 100, 44}))
		f.ingest(v2)
		f.ingest(v1) // arrives late, e.g. on USB: kept, not current
		res, err := f.svc.Results(f.ctx, tally.ViewFinal)
		if err != nil {
			t.Fatal(err)
		}
		mayor := res.Contests[0].Total
		if mayor.Options[0].Votes != 290 || mayor.Options[1].Votes != 160 || mayor.Districts != 1 {
			t.Errorf("mayor %+v", mayor.Options)
		}
		if n, _ := st.EnvelopeCount(f.ctx); n != 2 {
			t.Errorf("%d envelopes, want both versions kept", n)
		}
	})
}

// The same records in any order give the same results: quick reports,
// final records and corrections of several districts, shuffled.
func TestResults_Property_IndependentOfTheOrderOfArrival(t *testing.T) {
	forEachStoreKind(t, func(t *testing.T, open func(t *testing.T) store.Store) {
		districts := []string{"101", "102", "103", "104", "201", "202"}
		build := func(st store.Store) (*fixture, [][]byte) {
			f := newFixture(t, st, districts...)
			r := rand.New(rand.NewPCG(7, 7))
			var envs [][]byte
			for _, d := range districts {
				for _, stage := range []ballot.Stage{ballot.StageQuick, ballot.StageFinal} {
					for v := 1; v <= 1+r.IntN(2); v++ {
						reg, _ := f.def.District(d)
						b := reg.Register.A1 * int64(30+r.IntN(40)) / 100
						valid := b - 6
						v1 := valid * int64(20+r.IntN(40)) / 100
						v2 := (valid - v1) / 2
						v3 := (valid - v1 - v2) / 2
						envs = append(envs, f.seal(d, ballot.RecordCount, f.mayorCount(d, stage, v, b, [4]int64{v1, v2, v3, valid - v1 - v2 - v3})))
					}
				}
			}
			return f, envs
		}
		f, envs := build(open(t))
		for _, e := range envs {
			f.ingest(e)
		}
		want := resultsOf(t, f)
		for round := range 3 {
			g, envs := build(open(t))
			rand.New(rand.NewPCG(uint64(round), 1)).Shuffle(len(envs), func(i, j int) { envs[i], envs[j] = envs[j], envs[i] })
			for _, e := range envs {
				g.ingest(e)
			}
			if got := resultsOf(t, g); !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d: results differ with another order of arrival", round)
			}
		}
	})
}

func resultsOf(t *testing.T, f *fixture) []tally.Results {
	t.Helper()
	var out []tally.Results
	for _, view := range []string{tally.ViewQuick, tally.ViewFinal, tally.ViewBest} {
		r, err := f.svc.Results(f.ctx, view)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func TestIngest_WithoutTheOfficeKeyNothingIsTakenIn(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st, "101")
		reader, err := tally.New(f.ctx, st, seal.Signer{}, tally.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := reader.Ingest(f.ctx, f.seal("101", ballot.RecordPollsOpened, &ballot.PollsOpened{At: f.now}), tally.ViaHTTP); !errors.Is(err, tally.ErrNoOfficeKey) {
			t.Errorf("got %v, want ErrNoOfficeKey", err)
		}
		if n, _ := st.EnvelopeCount(f.ctx); n != 0 {
			t.Errorf("%d envelopes stored", n)
		}
		if _, err := reader.Results(f.ctx, tally.ViewBest); err != nil {
			t.Errorf("results without the key: %v", err)
		}
	})
}
