package tally_test

import (
	"reflect"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// Every office action leaves an entry in the audit log with its outcome:
// set-up, enrollment (a replacement revokes), revocation, imports.
func TestAuditLog_NamesEveryOfficeActionWithItsOutcome(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st, "101")
		f.enroll("101", "replacement")
		if _, err := f.svc.RevokeDistrict(f.ctx, "101", "Laptop gestohlen"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.AuditImport(f.ctx, "101.wkbundle", "2 accepted, 0 duplicate, 1 key-revoked", 1); err != nil {
			t.Fatal(err)
		}
		log, err := st.AuditLog(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got [][3]string
		for _, e := range log {
			got = append(got, [3]string{e.Action, e.Subject, e.Outcome})
		}
		want := [][3]string{
			{"init", "musterstadt-2026", "ok"},
			{"enroll", "101", "ok"},
			{"enroll", "101", "ok"},
			{"revoke", "101", "ok"},
			{"import", "101.wkbundle", "1 refused"},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("audit log %v\nwant %v", got, want)
		}
	})
}
