package tally_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/httpapi"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

func TestCreateToken_StoresOnlyTheHashAndAudits(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		secret, err := f.svc.CreateToken(f.ctx, "Dashboard Wahlamt", "viewer")
		if err != nil {
			t.Fatal(err)
		}
		raw, err := base64.RawURLEncoding.DecodeString(secret)
		if err != nil || len(raw) != 32 {
			t.Fatalf("secret %q: %d bytes, %v", secret, len(raw), err)
		}
		if tally.HashToken(secret) != httpapi.HashToken(secret) {
			t.Fatal("tally and httpapi hash tokens differently")
		}
		tok, err := st.TokenByHash(f.ctx, tally.HashToken(secret))
		if err != nil {
			t.Fatal(err)
		}
		if tok.Name != "Dashboard Wahlamt" || tok.Role != "viewer" || !tok.CreatedAt.Equal(f.now) || tok.Hash == secret {
			t.Errorf("token %+v", tok)
		}
		other, _ := f.svc.CreateToken(f.ctx, "Dashboard Wahlamt", "viewer")
		if other == secret {
			t.Error("two tokens with one secret")
		}

		_, err = f.svc.CreateToken(f.ctx, "x", "root")
		wantRefusal(t, err, tally.CodeTokenRoleUnknown, 422)
		_, err = f.svc.CreateToken(f.ctx, " ", "admin")
		wantRefusal(t, err, tally.CodeTokenNameMissing, 422)

		log, _ := st.AuditLog(f.ctx)
		var outcomes []string
		for _, e := range log {
			if e.Action == "token-create" {
				outcomes = append(outcomes, e.Outcome)
			}
		}
		if len(outcomes) != 4 || outcomes[0] != "ok" || outcomes[1] != "ok" || outcomes[2] != tally.CodeTokenRoleUnknown || outcomes[3] != tally.CodeTokenNameMissing {
			t.Errorf("audit outcomes %v", outcomes)
		}
		for _, e := range log {
			if e.Action == "token-create" && (strings.Contains(e.Detail, secret) || strings.Contains(e.Subject, secret)) {
				t.Error("the secret is in the audit log")
			}
		}
	})
}
