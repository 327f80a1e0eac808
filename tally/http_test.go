package tally_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/httpapi"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// serve runs the API of the fixture's service on a free loopback port
// until the test ends.
func serve(t *testing.T, f *fixture) string {
	t.Helper()
	return serveService(t, f.svc, f.st)
}

// serveService runs the API of a service on a free loopback port until the
// test ends, as `tally serve` does.
func serveService(t testing.TB, svc *tally.Service, st store.Store) string {
	t.Helper()
	return serveLogged(t, svc, st, slog.New(slog.DiscardHandler))
}

func post(t *testing.T, url string, body []byte) (int, []byte) {
	t.Helper()
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func errorCode(t *testing.T, body []byte) string {
	t.Helper()
	var e httpapi.ErrorBody
	if err := json.Unmarshal(body, &e); err != nil || e.Message == "" {
		t.Fatalf("not an error body: %s", body)
	}
	return e.Code
}

func TestHTTP_StationsPostRecordsAndGetReceipts(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st, "101")
		base := serve(t, f)
		env := f.seal("101", ballot.RecordPollsOpened, &ballot.PollsOpened{At: f.now})

		status, receipt := post(t, base+"/v1/envelopes", env)
		if status != 200 {
			t.Fatalf("status %d: %s", status, receipt)
		}
		if r, err := seal.OpenReceipt(receipt, f.office.Public()); err != nil || !r.Covers(env) {
			t.Fatalf("receipt does not verify: %v", err)
		}
		status, again := post(t, base+"/v1/envelopes", env)
		if status != 200 || !bytes.Equal(again, receipt) {
			t.Errorf("a retry got %d and another receipt", status)
		}

		status, body := post(t, base+"/v1/envelopes", []byte("{}"))
		if status != 400 || errorCode(t, body) != string(seal.CodeEnvelopeMalformed) {
			t.Errorf("garbage: %d %s", status, body)
		}
		status, body = post(t, base+"/v1/envelopes", bytes.Repeat([]byte("x"), seal.MaxEnvelopeSize+1))
		if status != 413 || errorCode(t, body) != string(seal.CodeEnvelopeTooLarge) {
			t.Errorf("oversize: %d %s", status, body)
		}
		bad := f.mayorCount("101", ballot.StageQuick, 1, 600, [4]int64{300, 150, 100, 45})
		status, body = post(t, base+"/v1/envelopes", f.seal("101", ballot.RecordCount, bad))
		var eb httpapi.ErrorBody
		json.Unmarshal(body, &eb)
		if status != 422 || eb.Code != tally.CodeCountRejected || len(eb.Findings) != 1 {
			t.Errorf("bad count: %d %s", status, body)
		}

		resp, err := http.Get(base + "/healthz")
		if err != nil || resp.StatusCode != 200 {
			t.Errorf("healthz: %v %v", resp, err)
		}
		resp.Body.Close()
	})
}

func TestHTTP_OfficeEndpointsNeedABearerTokenOfTheRole(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st, "101")
		base := serve(t, f)
		f.ingest(f.seal("101", ballot.RecordCount, f.mayorCount("101", ballot.StageQuick, 1, 600, [4]int64{300, 150, 100, 44})))
		if err := st.InTx(f.ctx, func(tx store.Tx) error {
			return tx.InsertToken(f.ctx, store.Token{ID: "t1", Name: "Presse", Role: httpapi.RoleViewer,
				Hash: httpapi.HashToken("s3cret-viewer"), CreatedAt: f.now})
		}); err != nil {
			t.Fatal(err)
		}
		get := func(token string) (int, []byte) {
			req, _ := http.NewRequest("GET", base+"/v1/results?view=best", nil)
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, b
		}
		if status, body := get(""); status != 401 || errorCode(t, body) != "token-missing" {
			t.Errorf("no token: %d %s", status, body)
		}
		if status, body := get("guess"); status != 401 || errorCode(t, body) != "token-invalid" {
			t.Errorf("wrong token: %d %s", status, body)
		}
		status, body := get("s3cret-viewer")
		var res tally.Results
		if status != 200 || json.Unmarshal(body, &res) != nil || res.Contests[0].Total.Valid != 594 {
			t.Errorf("viewer: %d %s", status, strings.TrimSpace(string(body))[:min(200, len(body))])
		}

		// Status for viewers; certification for admins only; the audit log
		// for the office.
		if err := st.InTx(f.ctx, func(tx store.Tx) error {
			return tx.InsertToken(f.ctx, store.Token{ID: "t2", Name: "Wahlleiterin", Role: httpapi.RoleAdmin,
				Hash: httpapi.HashToken("s3cret-admin"), CreatedAt: f.now})
		}); err != nil {
			t.Fatal(err)
		}
		call := func(method, path, token string) (int, []byte) {
			req, _ := http.NewRequest(method, base+path, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, b
		}
		var status0 tally.Status
		if status, body := call("GET", "/v1/status", "s3cret-viewer"); status != 200 || json.Unmarshal(body, &status0) != nil || status0.Progress.Contests[0].Reported != 1 {
			t.Errorf("status: %d %.200s", status, body)
		}
		if status, body := call("POST", "/v1/contests/ob/certify", "s3cret-viewer"); status != 403 || errorCode(t, body) != "token-role" {
			t.Errorf("a viewer certified: %d %s", status, body)
		}
		if status, body := call("POST", "/v1/contests/ob/certify", "s3cret-admin"); status != 409 || errorCode(t, body) != tally.CodeContestIncomplete {
			t.Errorf("certify with 49 districts missing: %d %s", status, body)
		}
		if status, body := call("POST", "/v1/contests/ob/certify?incomplete=Probelauf", "s3cret-admin"); status != 200 {
			t.Errorf("certify: %d %s", status, body)
		}
		late := f.seal("101", ballot.RecordCount, f.mayorCount("101", ballot.StageFinal, 1, 600, [4]int64{300, 150, 100, 44}))
		if status, body := post(t, base+"/v1/envelopes", late); status != 409 || errorCode(t, body) != tally.CodeContestCertified {
			t.Errorf("a count after certification: %d %s", status, body)
		}
		var log []store.AuditEntry
		if status, body := call("GET", "/v1/audit", "s3cret-admin"); status != 200 || json.Unmarshal(body, &log) != nil ||
			log[len(log)-1].Action != "certify" || log[len(log)-1].Actor != "token:Wahlleiterin" {
			t.Errorf("audit: %d %.300s", status, body)
		}
	})
}
