package tally_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/httpapi"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
	"github.com/wahlkoffer/wahlkoffer/tally/store/postgres"
)

// logBuffer collects what the service and the HTTP access log write, as
// JSON lines, for the attack matrix to read back.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// entries returns the log records written so far.
func (l *logBuffer) entries(t *testing.T) []map[string]any {
	t.Helper()
	l.mu.Lock()
	data := slices.Clone(l.buf.Bytes())
	l.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		var e map[string]any
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("a log line is not JSON: %q", sc.Text())
		}
		out = append(out, e)
	}
	return out
}

// mark returns the position from which the next request's lines count.
func (l *logBuffer) mark(t *testing.T) int { return len(l.entries(t)) }

// find waits up to two seconds for a record written since mark that
// matches every attribute of want, and returns it.
func (l *logBuffer) find(t *testing.T, mark int, want map[string]any) (map[string]any, bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		for _, e := range l.entries(t)[mark:] {
			if matches(e, want) {
				return e, true
			}
		}
		if time.Now().After(deadline) {
			return nil, false
		}
	}
}

// has reports whether a record written since mark matches want, without
// waiting: once the access log line of a request is there, so is
// everything the service logged for it.
func (l *logBuffer) has(t *testing.T, mark int, want map[string]any) (map[string]any, bool) {
	t.Helper()
	for _, e := range l.entries(t)[mark:] {
		if matches(e, want) {
			return e, true
		}
	}
	return nil, false
}

func matches(e, want map[string]any) bool {
	for k, v := range want {
		if fmt.Sprint(e[k]) != fmt.Sprint(v) {
			return false
		}
	}
	return true
}

// attackTally is the example town's tally as `tally serve` runs it: behind
// a real HTTP server on loopback (httpapi.Serve with its production
// timeouts), with group commit, and with the service's log and the access
// log captured.
type attackTally struct {
	*fixture
	base    string
	logs    *logBuffer
	secrets map[string]string // bearer token secrets by role; "revoked" is a revoked viewer's
}

func newAttackTally(t *testing.T, st store.Store, districts ...string) *attackTally {
	t.Helper()
	f := newFixture(t, st, districts...)
	logs := &logBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// Group commit as `tally serve` configures it: one writer on SQLite,
	// four on PostgreSQL.
	gc := tally.GroupCommit{Writers: 1}
	if _, ok := st.(*postgres.DB); ok {
		gc.Writers = 4
	}
	svc, err := tally.New(f.ctx, st, f.office, tally.Options{Clock: func() time.Time { return f.now }, Logger: logger, GroupCommit: gc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close) // after the server's shutdown (cleanups run last first)
	f.svc = svc
	a := &attackTally{fixture: f, logs: logs, secrets: map[string]string{}}
	for _, role := range []string{httpapi.RoleViewer, httpapi.RoleOffice, httpapi.RoleAdmin, "revoked"} {
		tok := store.Token{ID: "token-" + role, Name: "Token " + role, Role: role,
			Hash: httpapi.HashToken("secret-" + role), CreatedAt: f.now}
		if role == "revoked" {
			tok.Role, tok.RevokedAt = httpapi.RoleAdmin, f.now
		}
		if err := st.InTx(f.ctx, func(tx store.Tx) error { return tx.InsertToken(f.ctx, tok) }); err != nil {
			t.Fatal(err)
		}
		a.secrets[role] = "secret-" + role
	}
	a.base = serveLogged(t, svc, st, logger)
	return a
}

// serveLogged runs the API as `tally serve` does, on a free loopback port,
// with the access log going to logger.
func serveLogged(t testing.TB, svc *tally.Service, st store.Store, logger *slog.Logger) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr, done := make(chan net.Addr, 1), make(chan error, 1)
	go func() {
		done <- httpapi.Serve(ctx, "127.0.0.1:0", httpapi.New(svc, st, logger), "", "", 5*time.Second,
			func(a net.Addr) { addr <- a })
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a.String()
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return base
}

// attackClient gives up on a hung tally long before the test binary's timeout,
// so that a hang fails the case that caused it.
var attackClient = &http.Client{Timeout: 20 * time.Second}

// answer is an HTTP response, with the error body decoded when there is one.
type answer struct {
	status int
	body   []byte
	header http.Header
	err    httpapi.ErrorBody
}

func (a *attackTally) do(t *testing.T, method, path, token string, body []byte) answer {
	t.Helper()
	req, err := http.NewRequest(method, a.base+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	resp, err := attackClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	ans := answer{status: resp.StatusCode, body: b, header: resp.Header}
	if resp.StatusCode >= 400 {
		if err := json.Unmarshal(b, &ans.err); err != nil {
			t.Fatalf("%s %s: %d without an error body: %.200q", method, path, resp.StatusCode, b)
		}
	}
	return ans
}

func (a *attackTally) post(t *testing.T, env []byte) answer {
	t.Helper()
	return a.do(t, "POST", "/v1/envelopes", "", env)
}

// accept posts a record that must be taken in and returns its receipt.
func (a *attackTally) accept(t *testing.T, env []byte) []byte {
	t.Helper()
	ans := a.post(t, env)
	if ans.status != http.StatusOK {
		t.Fatalf("a good record was refused: %d %s", ans.status, ans.body)
	}
	return ans.body
}

// wantError checks the status and the {"code","message"} of a refusal.
func wantError(t *testing.T, ans answer, status int, code string) {
	t.Helper()
	if ans.status != status || ans.err.Code != code || ans.err.Message == "" {
		t.Fatalf("got %d %s, want %d with code %s", ans.status, ans.body, status, code)
	}
}

// state is everything a refused submission or request must leave alone.
type state struct {
	Envelopes      int64
	Counts         []store.CurrentCount
	Aggregates     []store.AggregateRow
	Certifications []store.Certification
	Equivocations  []store.Equivocation
	Keys           []store.StationKey
	Attendance     []store.Attendance
	Events         []store.DistrictEvent
}

func (a *attackTally) state(t *testing.T) state {
	t.Helper()
	var s state
	var errs [8]error
	s.Envelopes, errs[0] = a.st.EnvelopeCount(a.ctx)
	s.Counts, errs[1] = a.st.CurrentCounts(a.ctx)
	s.Aggregates, errs[2] = a.st.Aggregates(a.ctx)
	s.Certifications, errs[3] = a.st.Certifications(a.ctx)
	s.Equivocations, errs[4] = a.st.Equivocations(a.ctx)
	s.Keys, errs[5] = a.st.StationKeys(a.ctx)
	s.Attendance, errs[6] = a.st.Attendance(a.ctx)
	s.Events, errs[7] = a.st.DistrictEvents(a.ctx)
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	slices.SortFunc(s.Counts, func(x, y store.CurrentCount) int { return cmpString(x.CountKey, y.CountKey) })
	slices.SortFunc(s.Aggregates, func(x, y store.AggregateRow) int { return cmpString(x, y) })
	return s
}

func cmpString(x, y any) int {
	a, b := fmt.Sprintf("%+v", x), fmt.Sprintf("%+v", y)
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func wantUnchanged(t *testing.T, before, after state) {
	t.Helper()
	if !reflect.DeepEqual(before, after) {
		t.Errorf("the store changed:\nbefore %+v\nafter  %+v", before, after)
	}
}

func (a *attackTally) rejections(t *testing.T) []store.Rejection {
	t.Helper()
	rej, err := a.st.Rejections(a.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return rej
}

// wantKept checks that exactly one refusal was kept since before, with the
// code and the bytes as received, naming the district when the signature
// verified (district != "").
func (a *attackTally) wantKept(t *testing.T, before int, env []byte, code, district string) store.Rejection {
	t.Helper()
	rej := a.rejections(t)
	if len(rej) != before+1 {
		t.Errorf("%d refusals kept, want %d", len(rej), before+1)
		return store.Rejection{}
	}
	r := rej[len(rej)-1]
	if r.Code != code || !bytes.Equal(r.Bytes, env) || r.Hash != seal.EnvelopeHash(env) || r.Via != tally.ViaHTTP || r.District != district {
		t.Errorf("kept as %s %s via %s for district %q (%d bytes), want %s for %q (%d bytes)",
			r.Code, r.Hash, r.Via, r.District, len(r.Bytes), code, district, len(env))
	}
	return r
}

// wantLogged checks the access log line of the request and, for a refused
// record, the service's line with the code.
func (a *attackTally) wantLogged(t *testing.T, mark int, method, path string, status int, code string) {
	t.Helper()
	if _, ok := a.logs.find(t, mark, map[string]any{"msg": "http", "method": method, "path": path, "status": status}); !ok {
		t.Errorf("no access log line for %s %s with status %d", method, path, status)
	}
	if code == "" {
		return
	}
	if _, ok := a.logs.find(t, mark, map[string]any{"msg": "record refused", "code": code, "kept": true}); !ok {
		t.Errorf("no log line \"record refused\" with code %s, kept", code)
	}
}

// sealWith signs a record of the station with its next sequence number
// after changing its header.
func (a *attackTally) sealWith(t *testing.T, s *station, change func(h *ballot.Header), kind ballot.RecordKind, body any) []byte {
	t.Helper()
	s.seq++
	h := ballot.Header{ElectionID: a.election.ID, PackageHash: a.election.PackageHash, District: s.district,
		Station: s.id, Seq: s.seq, Time: a.now, Kind: kind}
	if change != nil {
		change(&h)
	}
	env, err := seal.SealRecord(s.key, h, body)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// withMember returns a count's JSON with one member replaced by raw JSON,
// for numbers no ballot.Count can hold or a station would never sign.
func withMember(t *testing.T, c *ballot.Count, member, raw string) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	m[member] = json.RawMessage(raw)
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	return b
}

// editEnvelope changes the JSON frame of an envelope (not what is signed).
func editEnvelope(t *testing.T, env []byte, edit func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(env, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// flipBase64 changes one byte of the base64 value s decodes to, at index
// i from the start (negative: from the end), and encodes it again.
func flipBase64(t *testing.T, s string, i int, to func(byte) byte) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	if i < 0 {
		i += len(b)
	}
	b[i] = to(b[i])
	return base64.StdEncoding.EncodeToString(b)
}

func firstSig(m map[string]any) map[string]any {
	return m["signatures"].([]any)[0].(map[string]any)
}

func payloadOf(t *testing.T, env []byte) []byte {
	t.Helper()
	var e struct{ Payload []byte }
	if err := json.Unmarshal(env, &e); err != nil {
		t.Fatal(err)
	}
	return e.Payload
}
