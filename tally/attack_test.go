package tally_test

// The attack matrix of issue 8: every way a submission or an office request
// can be wrong or malicious, sent to a real tally HTTP server on loopback
// (httpapi.Serve with its production timeouts) on every store. Each case
// asserts the status and the code of the answer, that nothing changed, that
// the refusal is kept as evidence where the tally keeps refusals, and that
// it is logged. docs/security.md lists the cases with these tests.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/kit"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal/sealtest"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// goodVotes split the 594 valid votes of mayorCount(…, 600, …).
var goodVotes = [4]int64{300, 150, 100, 44}

// TestAttackMatrix_Envelopes: records that are forged, tampered, foreign,
// malformed or against the rules are refused with their own code, change
// nothing, are kept as evidence and logged.
func TestAttackMatrix_Envelopes(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		a := newAttackTally(t, st, "101", "102", "103")
		s101, s103 := a.stations["101"], a.stations["103"]
		// A record of 103's laptop signed before its key was revoked and
		// delivered after; and a count of 101 that the attacks must not move.
		lateFrom103 := a.seal("103", ballot.RecordPollsOpened, &ballot.PollsOpened{At: a.now})
		if _, err := a.svc.RevokeDistrict(a.ctx, "103", "laptop stolen"); err != nil {
			t.Fatal(err)
		}
		a.accept(t, a.seal("101", ballot.RecordCount, a.mayorCount("101", ballot.StageQuick, 1, 600, goodVotes)))

		count := func(change func(c *ballot.Count)) *ballot.Count {
			c := a.mayorCount("101", ballot.StageFinal, 1, 600, goodVotes)
			change(c)
			return c
		}
		good := func() []byte { return a.seal("101", ballot.RecordCount, count(func(*ballot.Count) {})) }
		pollsOpened := &ballot.PollsOpened{At: a.now}
		stranger := &station{district: "101", id: s101.id, key: signer(t, "stranger")}

		cases := []struct {
			name     string
			env      func() []byte
			status   int
			code     string
			findings []string // of a count-rejected refusal, in order
			district string   // named by the kept refusal: the signature verified
		}{
			{"no-signature", func() []byte {
				return editEnvelope(t, good(), func(m map[string]any) { m["signatures"] = []any{} })
			}, 403, string(seal.CodeSignatureMissing), nil, ""},
			{"forged-signature", func() []byte {
				return editEnvelope(t, good(), func(m map[string]any) {
					sig := firstSig(m)
					sig["sig"] = flipBase64(t, sig["sig"].(string), 10, func(b byte) byte { return b ^ 0x01 })
				})
			}, 403, string(seal.CodeSignatureInvalid), nil, ""},
			{"unknown-key", func() []byte {
				return a.sealWith(t, stranger, nil, ballot.RecordPollsOpened, pollsOpened)
			}, 403, string(seal.CodeKeyUnknown), nil, ""},
			{"key-of-another-district", func() []byte {
				return a.sealWith(t, s101, func(h *ballot.Header) { h.District = "102" }, ballot.RecordPollsOpened, pollsOpened)
			}, 403, tally.CodeKeyWrongDistrict, nil, "102"},
			{"key-of-another-station", func() []byte {
				return a.sealWith(t, s101, func(h *ballot.Header) { h.Station = a.stations["102"].id }, ballot.RecordPollsOpened, pollsOpened)
			}, 403, tally.CodeStationMismatch, nil, "101"},
			{"revoked-key", func() []byte { return lateFrom103 }, 403, tally.CodeKeyRevoked, nil, "103"},
			{"revoked-key-new-record", func() []byte {
				return a.sealWith(t, s103, nil, ballot.RecordPollsOpened, pollsOpened)
			}, 403, tally.CodeKeyRevoked, nil, "103"},
			{"tampered-payload", func() []byte {
				env := good()
				p := payloadOf(t, env)
				i := bytes.Index(p, []byte(`"b":600`)) + len(`"b":`)
				return editEnvelope(t, env, func(m map[string]any) {
					m["payload"] = flipBase64(t, base64.StdEncoding.EncodeToString(p), i, func(byte) byte { return '9' })
				})
			}, 403, string(seal.CodeSignatureInvalid), nil, ""},
			{"wrong-package-hash", func() []byte {
				return a.sealWith(t, s101, func(h *ballot.Header) { h.PackageHash = seal.PackageHash([]byte(`{"another":"definition"}`)) },
					ballot.RecordCount, count(func(*ballot.Count) {}))
			}, 409, tally.CodePackageMismatch, nil, "101"},
			{"another-election", func() []byte {
				return a.sealWith(t, s101, func(h *ballot.Header) { h.ElectionID = "nachbarstadt-2026" },
					ballot.RecordCount, count(func(*ballot.Count) {}))
			}, 409, tally.CodeElectionMismatch, nil, "101"},
			{"unknown-payload-type", func() []byte {
				env, err := seal.Sign(s101.key, "application/vnd.wahlkoffer.ballot-box+json", payloadOf(t, good()))
				if err != nil {
					t.Fatal(err)
				}
				return env
			}, 400, string(seal.CodePayloadTypeUnknown), nil, ""},
			{"unknown-contest", func() []byte {
				return a.seal("101", ballot.RecordCount, count(func(c *ballot.Count) { c.Contest = "landrat" }))
			}, 422, tally.CodeCountRejected, []string{ballot.FindingContestUnknown}, "101"},
			{"unknown-option", func() []byte {
				return a.seal("101", ballot.RecordCount, count(func(c *ballot.Count) { c.Votes["ob-4"]--; c.Votes["ob-9"] = 1 }))
			}, 422, tally.CodeCountRejected, []string{ballot.FindingOptionUnknown}, "101"},
			{"negative-count", func() []byte {
				return a.seal("101", ballot.RecordCount, withMember(t, count(func(*ballot.Count) {}), "b1", "-1"))
			}, 422, tally.CodeRecordInvalid, nil, "101"},
			{"count-above-max", func() []byte {
				return a.seal("101", ballot.RecordCount, withMember(t, count(func(*ballot.Count) {}), "b", strconv.Itoa(ballot.MaxCountNumber+1)))
			}, 422, tally.CodeRecordInvalid, nil, "101"},
			{"count-beyond-int64", func() []byte {
				return a.seal("101", ballot.RecordCount, withMember(t, count(func(*ballot.Count) {}), "b", "9223372036854775808"))
			}, 422, tally.CodeRecordInvalid, nil, "101"},
			{"valid-plus-invalid-not-b", func() []byte {
				return a.seal("101", ballot.RecordCount, count(func(c *ballot.Count) { c.Invalid++ }))
			}, 422, tally.CodeCountRejected, []string{ballot.FindingValidPlusInvalidNotB}, "101"},
			{"options-sum-not-d", func() []byte {
				return a.seal("101", ballot.RecordCount, count(func(c *ballot.Count) { c.Votes["ob-1"]-- }))
			}, 422, tally.CodeCountRejected, []string{ballot.FindingOptionsSumNotD}, "101"},
			{"warning-without-reason", func() []byte {
				return a.seal("101", ballot.RecordCount, a.mayorCount("101", ballot.StageFinal, 1, 30, [4]int64{10, 8, 4, 2}))
			}, 422, tally.CodeCountRejected, []string{ballot.FindingReasonMissing, ballot.FindingReasonMissing}, "101"},
			{"payload-too-large", func() []byte {
				p := payloadOf(t, a.seal("101", ballot.RecordIncident, &ballot.Incident{At: a.now, Text: "Wahlurne geöffnet"}))
				p = bytes.Replace(p, []byte("Wahlurne"), bytes.Repeat([]byte("x"), seal.MaxPayloadSize), 1)
				env, err := seal.Sign(s101.key, ballot.RecordIncident.PayloadType(), p)
				if err != nil {
					t.Fatal(err)
				}
				return env
			}, 413, string(seal.CodePayloadTooLarge), nil, ""},
			{"malformed-json", func() []byte {
				env := good()
				return env[:len(env)/2]
			}, 400, string(seal.CodeEnvelopeMalformed), nil, ""},
			{"malformed-base64-payload", func() []byte {
				return editEnvelope(t, good(), func(m map[string]any) { m["payload"] = "eyJib2R5Ijp7fX0=?!" })
			}, 400, string(seal.CodeEnvelopeMalformed), nil, ""},
			{"malformed-base64-signature", func() []byte {
				return editEnvelope(t, good(), func(m map[string]any) {
					sig := firstSig(m)
					sig["sig"] = strings.TrimRight(sig["sig"].(string), "=") // unpadded: not canonical
				})
			}, 400, string(seal.CodeEnvelopeMalformed), nil, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				env := c.env()
				before, kept, mark := a.state(t), len(a.rejections(t)), a.logs.mark(t)

				ans := a.post(t, env)
				wantError(t, ans, c.status, c.code)
				var got []string
				for _, f := range ans.err.Findings {
					got = append(got, f.Code)
				}
				if strings.Join(got, " ") != strings.Join(c.findings, " ") {
					t.Errorf("findings %v, want %v", got, c.findings)
				}
				wantUnchanged(t, before, a.state(t))
				a.wantKept(t, kept, env, c.code, c.district)
				a.wantLogged(t, mark, "POST", "/v1/envelopes", c.status, c.code)
			})
		}

		t.Run("oversize-body", func(t *testing.T) {
			env := good()
			env = append(env[:len(env)-1], append(bytes.Repeat([]byte(" "), seal.MaxEnvelopeSize), '}')...)
			before, kept, mark := a.state(t), len(a.rejections(t)), a.logs.mark(t)
			wantError(t, a.post(t, env), http.StatusRequestEntityTooLarge, string(seal.CodeEnvelopeTooLarge))
			wantUnchanged(t, before, a.state(t))
			// Refused by the HTTP layer before it is parsed, and still kept
			// (its first MiB) and logged with its code.
			a.wantKept(t, kept, env[:seal.MaxEnvelopeSize], string(seal.CodeEnvelopeTooLarge), "")
			a.wantLogged(t, mark, "POST", "/v1/envelopes", 413, string(seal.CodeEnvelopeTooLarge))
		})

		// A replay is no refusal: the same bytes, or the same record
		// re-spaced on the way, get the same receipt and change nothing.
		t.Run("replayed-envelope", func(t *testing.T) {
			env := a.seal("101", ballot.RecordIncident, &ballot.Incident{At: a.now, Text: "Wahlraum um 8:05 geöffnet"})
			receipt := a.accept(t, env)
			before, kept, mark := a.state(t), len(a.rejections(t)), a.logs.mark(t)
			var respaced bytes.Buffer
			if err := json.Indent(&respaced, env, "", "  "); err != nil {
				t.Fatal(err)
			}
			for _, again := range [][]byte{env, respaced.Bytes()} {
				if got := a.accept(t, again); !bytes.Equal(got, receipt) {
					t.Errorf("a replay got another receipt:\n%s\n%s", got, receipt)
				}
			}
			wantUnchanged(t, before, a.state(t))
			if n := len(a.rejections(t)); n != kept {
				t.Errorf("a replay was kept as a refusal")
			}
			a.wantLogged(t, mark, "POST", "/v1/envelopes", 200, "")
			if e, ok := a.logs.has(t, mark, map[string]any{"msg": "record accepted"}); ok {
				t.Errorf("a replay was logged as a new record: %v", e)
			}
		})

		t.Run("sequence-number-reused", func(t *testing.T) {
			first := a.sealSeq(s101, 40, ballot.RecordTurnout, &ballot.Turnout{Slot: "10:00", At: a.now, Voters: 100})
			a.accept(t, first)
			second := a.sealSeq(s101, 40, ballot.RecordTurnout, &ballot.Turnout{Slot: "10:00", At: a.now, Voters: 999})
			before, kept, mark := a.state(t), len(a.rejections(t)), a.logs.mark(t)

			wantError(t, a.post(t, second), http.StatusConflict, tally.CodeSeqConflict)
			after := a.state(t)
			if n := len(after.Equivocations); n != len(before.Equivocations)+1 {
				t.Fatalf("%d equivocations, want one more than %d", n, len(before.Equivocations))
			}
			eq := after.Equivocations[len(after.Equivocations)-1]
			if eq.Station != s101.id || eq.District != "101" || eq.Seq != 40 ||
				eq.FirstHash != seal.EnvelopeHash(first) || eq.SecondHash != seal.EnvelopeHash(second) {
				t.Errorf("equivocation %+v", eq)
			}
			after.Equivocations = before.Equivocations
			wantUnchanged(t, before, after)
			if r := a.wantKept(t, kept, second, tally.CodeSeqConflict, "101"); r.Seq != 40 || !strings.HasPrefix(r.Message, "equivocation: ") {
				t.Errorf("kept as %+v", r)
			}
			a.wantLogged(t, mark, "POST", "/v1/envelopes", 409, tally.CodeSeqConflict)
			if _, ok := a.logs.find(t, mark, map[string]any{"level": "WARN", "msg": "equivocation: two records with one sequence number", "seq": 40}); !ok {
				t.Error("the equivocation is not logged")
			}
		})
	})
}

// TestAttackMatrix_CertifiedContest: once a contest is certified (here
// without every final record, with a reason), its records are refused.
func TestAttackMatrix_CertifiedContest(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		a := newAttackTally(t, st, "101")
		a.accept(t, a.seal("101", ballot.RecordCount, a.mayorCount("101", ballot.StageQuick, 1, 600, goodVotes)))
		if err := a.svc.CertifyIncomplete(a.ctx, "ob", "Wahlausschuss", "Probelauf: nicht alle Bezirke gemeldet"); err != nil {
			t.Fatal(err)
		}
		env := a.seal("101", ballot.RecordCount, a.mayorCount("101", ballot.StageFinal, 1, 600, [4]int64{100, 150, 300, 44}))
		before, kept, mark := a.state(t), len(a.rejections(t)), a.logs.mark(t)

		wantError(t, a.post(t, env), http.StatusConflict, tally.CodeContestCertified)
		wantUnchanged(t, before, a.state(t))
		a.wantKept(t, kept, env, tally.CodeContestCertified, "101")
		a.wantLogged(t, mark, "POST", "/v1/envelopes", 409, tally.CodeContestCertified)
	})
}

// TestAttackMatrix_OfficeTokens: office endpoints refuse a missing, wrong,
// revoked or under-privileged bearer token, and change nothing.
func TestAttackMatrix_OfficeTokens(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		a := newAttackTally(t, st, "101")
		a.accept(t, a.seal("101", ballot.RecordCount, a.mayorCount("101", ballot.StageQuick, 1, 600, goodVotes)))
		bearer := func(role string) string { return "Bearer " + a.secrets[role] }
		const results, audit, certify = "/v1/results?view=best", "/v1/audit", "/v1/contests/ob/certify?incomplete=Probelauf"
		cases := []struct {
			name, method, path, auth string
			status                   int
			code                     string
		}{
			{"results/missing-token", "GET", results, "", 401, "token-missing"},
			{"results/not-a-bearer-token", "GET", results, "Basic " + base64.StdEncoding.EncodeToString([]byte("admin:admin")), 401, "token-missing"},
			{"results/wrong-token", "GET", results, "Bearer guess", 401, "token-invalid"},
			{"results/revoked-token", "GET", results, bearer("revoked"), 401, "token-invalid"},
			{"audit/missing-token", "GET", audit, "", 401, "token-missing"},
			{"audit/wrong-token", "GET", audit, "Bearer " + a.secrets["viewer"] + "x", 401, "token-invalid"},
			{"audit/viewer-token", "GET", audit, bearer("viewer"), 403, "token-role"},
			{"certify/missing-token", "POST", certify, "", 401, "token-missing"},
			{"certify/wrong-token", "POST", certify, "Bearer " + strings.ToUpper(a.secrets["admin"]), 401, "token-invalid"},
			{"certify/revoked-admin-token", "POST", certify, bearer("revoked"), 401, "token-invalid"},
			{"certify/viewer-token", "POST", certify, bearer("viewer"), 403, "token-role"},
			{"certify/office-token", "POST", certify, bearer("office"), 403, "token-role"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before, mark := a.state(t), a.logs.mark(t)
				ans := a.do(t, c.method, c.path, c.auth, nil)
				wantError(t, ans, c.status, c.code)
				if c.code == "token-missing" && !strings.HasPrefix(ans.header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("401 without a Bearer challenge: %q", ans.header.Get("WWW-Authenticate"))
				}
				if strings.Contains(string(ans.body), `"contests"`) || strings.Contains(string(ans.body), `"action"`) {
					t.Errorf("a refused request got data: %.200s", ans.body)
				}
				wantUnchanged(t, before, a.state(t))
				// Logged by the access log with its status, and as a refused
				// office request with its code.
				path, _, _ := strings.Cut(c.path, "?")
				a.wantLogged(t, mark, c.method, path, c.status, "")
				if _, ok := a.logs.find(t, mark, map[string]any{"msg": "office request refused", "code": c.code, "path": path}); !ok {
					t.Errorf("no log line of the refusal with code %s", c.code)
				}
				if strings.HasSuffix(path, "/certify") {
					// An attempt at certifying is an office action: in the
					// audit log with its outcome.
					log, err := a.st.AuditLog(a.ctx)
					if err != nil || len(log) == 0 {
						t.Fatalf("audit log: %v", err)
					}
					if last := log[len(log)-1]; last.Action != "certify" || last.Outcome != c.code {
						t.Errorf("the refused certification is not in the audit log: %+v", last)
					}
				}
			})
		}
		// The right tokens still work, so the refusals above were the tokens'.
		for _, ok := range []struct{ method, path, role string }{{"GET", results, "viewer"}, {"GET", audit, "office"}, {"POST", certify, "admin"}} {
			if ans := a.do(t, ok.method, ok.path, bearer(ok.role), nil); ans.status != 200 {
				t.Errorf("%s %s with a %s token: %d %s", ok.method, ok.path, ok.role, ans.status, ans.body)
			}
		}
	})
}

// TestAttackMatrix_SlowDrip: a client that sends its request header a
// byte at a time is cut off by the server's ReadHeaderTimeout (5 s), and
// the server keeps answering others meanwhile. The timeout belongs to the
// HTTP server, not the store, so SQLite alone is enough.
func TestAttackMatrix_SlowDrip(t *testing.T) {
	t.Run("headers", func(t *testing.T) {
		a := newAttackTally(t, openSQLite(t), "101")
		before := a.state(t)
		conn, err := net.Dial("tcp", strings.TrimPrefix(a.base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		start := time.Now()
		closed := make(chan error, 1)
		go func() {
			_, err := io.Copy(io.Discard, conn) // returns when the server closes
			closed <- err
		}()
		drip := []byte("POST /v1/envelopes HTTP/1.1\r\nHost: tally\r\nContent-Type: application/json\r\nX-Drip: " + strings.Repeat("a", 200))
		var elapsed time.Duration
	dripping:
		for i := 0; ; i++ {
			select {
			case err := <-closed:
				elapsed = time.Since(start)
				if err != nil && !errors.Is(err, net.ErrClosed) && !isReset(err) {
					t.Logf("read: %v", err)
				}
				break dripping
			case <-time.After(250 * time.Millisecond):
			}
			if time.Since(start) > 8*time.Second {
				t.Fatal("the server still holds a connection that sent no complete header after 8 s")
			}
			if i < len(drip) {
				conn.Write(drip[i : i+1]) // an error here means the server closed; the read above sees it
			}
			if i == 4 { // meanwhile, others are served
				if ans := a.do(t, "GET", "/healthz", "", nil); ans.status != 200 {
					t.Errorf("healthz during a slow drip: %d", ans.status)
				}
			}
		}
		t.Logf("closed after %v", elapsed.Round(time.Millisecond))
		if elapsed < 4*time.Second || elapsed > 7*time.Second {
			t.Errorf("the connection was closed after %v, want about 5 s (ReadHeaderTimeout)", elapsed)
		}
		wantUnchanged(t, before, a.state(t))
		if n := len(a.rejections(t)); n != 0 {
			t.Errorf("%d refusals kept from a request that never arrived", n)
		}
	})
}

func isReset(err error) bool {
	return strings.Contains(err.Error(), "connection reset")
}

// TestAttackMatrix_KitWrongPIN: a stolen kit does not open without its PIN;
// a mistyped PIN is caught by its check digit before scrypt runs.
func TestAttackMatrix_KitWrongPIN(t *testing.T) {
	office := signer(t, "office")
	def := musterstadtDefinition(t)
	pkg, err := seal.SealPackage(office, def)
	if err != nil {
		t.Fatal(err)
	}
	pin := testKitPIN(t, "kit-101")
	k := kit.Kit{ElectionID: "musterstadt-2026", District: "101", Station: "station-101-laptop", Package: pkg,
		OfficeKey: office.Public(), StationKey: signer(t, "101laptop"), IssuedAt: electionDay}
	sealed, err := kit.Seal(k, pin, kit.SealOptions{WorkFactor: 10}) // a real kit uses 18
	if err != nil {
		t.Fatal(err)
	}
	original := bytes.Clone(sealed)
	mistyped := []byte(pin)
	mistyped[0] = '0' + (mistyped[0]-'0'+1)%10

	for _, c := range []struct{ name, pin string }{
		{"another-kits-pin", testKitPIN(t, "kit-102")},
		{"mistyped-digit", string(mistyped)},
		{"too-short", pin[:9]},
		{"empty", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := kit.Open(sealed, c.pin)
			if code := kit.CodeOf(err); code != kit.CodePINWrong {
				t.Fatalf("opened with %q: code %q (%v), want %s", c.pin, code, err, kit.CodePINWrong)
			}
			if strings.Contains(err.Error(), pin) {
				t.Error("the error names the right PIN")
			}
			if !bytes.Equal(sealed, original) {
				t.Error("a failed attempt changed the kit")
			}
		})
	}
	if got, err := kit.Open(sealed, pin); err != nil || got.StationKey.KeyID() != k.StationKey.KeyID() {
		t.Fatalf("the right PIN does not open the kit: %v", err)
	}
}

func testKitPIN(t *testing.T, label string) string {
	t.Helper()
	pin, err := kit.GeneratePIN(sealtest.Rand(label))
	if err != nil {
		t.Fatal(err)
	}
	return pin
}

func musterstadtDefinition(t *testing.T) []byte {
	t.Helper()
	def, err := os.ReadFile(filepath.Join("..", "testdata", "musterstadt.json"))
	if err != nil {
		t.Fatal(err)
	}
	return def
}
