package tally_test

import (
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

func TestCertify_RefusesRecordsOfTheContestUntilRevoked(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st, "101")
		f.ingest(f.seal("101", ballot.RecordCount, f.mayorCount("101", ballot.StageFinal, 1, 600, [4]int64{300, 150, 100, 44})))
		// 49 of the 50 districts have not reported: no certification
		// without an explicit reason.
		wantRefusal(t, f.svc.Certify(f.ctx, "ob", "Wahlausschuss"), tally.CodeContestIncomplete, 409)
		wantRefusal(t, f.svc.CertifyIncomplete(f.ctx, "ob", "Wahlausschuss", " "), tally.CodeReasonRequired, 422)
		if err := f.svc.CertifyIncomplete(f.ctx, "ob", "Wahlausschuss", "Probelauf mit einem Wahlbezirk"); err != nil {
			t.Fatal(err)
		}
		res, _ := f.svc.Results(f.ctx, tally.ViewBest)
		if !res.Contests[0].Certified || res.Contests[0].Status() != "certified" || res.Contests[1].Certified {
			t.Errorf("after certification: ob %v, sr %v", res.Contests[0].Certified, res.Contests[1].Certified)
		}

		wantRefusal(t, f.svc.Certify(f.ctx, "ob", "Wahlausschuss"), tally.CodeAlreadyCertified, 409)
		wantRefusal(t, f.svc.Certify(f.ctx, "nope", "Wahlausschuss"), tally.CodeContestUnknown, 404)

		correction := f.seal("101", ballot.RecordCount, f.mayorCount("101", ballot.StageFinal, 2, 600, [4]int64{301, 149, 100, 44}))
		_, err := f.svc.Ingest(f.ctx, correction, tally.ViaImport)
		wantRefusal(t, err, tally.CodeContestCertified, 409)
		rej, _ := st.Rejections(f.ctx)
		if len(rej) != 1 || rej[0].Code != tally.CodeContestCertified {
			t.Errorf("the refused record is not kept: %+v", rej)
		}
		// Other records of the station still come in.
		f.ingest(f.seal("101", ballot.RecordIncident, &ballot.Incident{At: f.now, Text: "Nachzählung beantragt"}))

		wantRefusal(t, f.svc.RevokeCertification(f.ctx, "ob", "Wahlausschuss", " "), tally.CodeReasonRequired, 422)
		if err := f.svc.RevokeCertification(f.ctx, "ob", "Wahlausschuss", "Nachzählung angeordnet"); err != nil {
			t.Fatal(err)
		}
		wantRefusal(t, f.svc.RevokeCertification(f.ctx, "ob", "Wahlausschuss", "again"), tally.CodeNotCertified, 409)
		wantRefusal(t, f.svc.RevokeCertification(f.ctx, "sr", "Wahlausschuss", "never"), tally.CodeNotCertified, 409)

		// The same correction again is taken in now, and counts.
		if _, err := f.svc.Ingest(f.ctx, correction, tally.ViaImport); err != nil {
			t.Fatal(err)
		}
		res, _ = f.svc.Results(f.ctx, tally.ViewBest)
		if res.Contests[0].Certified || res.Contests[0].Total.Options[0].Votes != 301 {
			t.Errorf("after revocation: certified %v, votes %d", res.Contests[0].Certified, res.Contests[0].Total.Options[0].Votes)
		}
		certs, _ := st.Certifications(f.ctx)
		if len(certs) != 1 || certs[0].RevokedBy != "Wahlausschuss" || certs[0].Reason != "Nachzählung angeordnet" || certs[0].RevokedAt.IsZero() {
			t.Errorf("certifications %+v", certs)
		}
		// And it can be certified again.
		if err := f.svc.CertifyIncomplete(f.ctx, "ob", "Wahlausschuss", "Probelauf"); err != nil {
			t.Fatal(err)
		}

		log, _ := st.AuditLog(f.ctx)
		var got []string
		for _, e := range log {
			if e.Action == "certify" || e.Action == "revoke-certification" {
				got = append(got, e.Action+" "+e.Subject+" "+e.Outcome+" "+e.Actor)
			}
		}
		want := []string{
			"certify ob contest-incomplete Wahlausschuss",
			"certify ob reason-required Wahlausschuss",
			"certify ob ok Wahlausschuss",
			"certify ob already-certified Wahlausschuss",
			"certify nope contest-unknown Wahlausschuss",
			"revoke-certification ob reason-required Wahlausschuss",
			"revoke-certification ob ok Wahlausschuss",
			"revoke-certification ob not-certified Wahlausschuss",
			"revoke-certification sr not-certified Wahlausschuss",
			"certify ob ok Wahlausschuss",
		}
		if len(got) != len(want) {
			t.Fatalf("audit log\n%q\nwant\n%q", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("audit %d: %q, want %q", i, got[i], want[i])
			}
		}
	})
}
