package station_test

import (
	"context"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/station"
)

// A postal board (Briefwahlvorstand) uses the same acts: "open" starts the
// admission of ballot letters, "close" ends it and counting begins, with
// the postal quorums (3 and 5 by default).
func TestAPostalBoardAdmitsLettersAndCountsWithItsQuorums(t *testing.T) {
	s, c, _ := newStation(t, "901") // postal, no roster from the office
	ctx := context.Background()
	var ids []string
	for i, role := range []ballot.Role{ballot.RoleChair, ballot.RoleSecretary, ballot.RoleAssessor, ballot.RoleAssessor, ballot.RoleAssessor} {
		m := must[ballot.Member](t)(s.AddMember(ctx, ballot.Member{Name: []string{"Ute Kühn", "Lars Groß", "Eva Öz", "Tim Maier", "Ida Roth"}[i], Role: role}))
		ids = append(ids, m.ID)
	}
	for _, id := range ids[:3] {
		must[ballot.CheckIn](t)(s.CheckIn(ctx, id, time.Time{}))
	}
	st := must[*station.State](t)(s.State(ctx))
	if q := s.Quorum(st, c.Now()); !q.Met || q.Phase != ballot.PhasePostalAdmission || q.Required != 3 {
		t.Fatalf("admission quorum: %+v", q)
	}
	c.Set(day(15, 0))
	must[ballot.PollsOpened](t)(s.OpenPolls(ctx, time.Time{}))
	c.Set(day(18, 0))
	must[ballot.PollsClosed](t)(s.ClosePolls(ctx, time.Time{}))
	st = must[*station.State](t)(s.State(ctx))
	if q := s.Quorum(st, c.Now()); q.Met || q.Phase != ballot.PhasePostalCounting || q.Required != 5 {
		t.Fatalf("counting quorum with three present: %+v", q)
	}
	_, err := s.EnterCount(ctx, "ob", ids[0], ballot.Count{})
	wantCode(t, err, station.CodeQuorum)
	for _, id := range ids[3:] {
		must[ballot.CheckIn](t)(s.CheckIn(ctx, id, time.Time{}))
	}

	// 812 letters, 20 queried: 14 admitted, 6 rejected for two reasons;
	// 806 ballot envelopes counted, all with a card.
	letters := ballot.Count{B: 806, B1: 806, Invalid: 6, Valid: 800,
		Votes: map[string]int64{"ob-1": 300, "ob-2": 250, "ob-3": 150, "ob-4": 100},
		Postal: &ballot.PostalLetters{Received: 812, Queried: 20, Admitted: 14, Rejected: 6,
			RejectedBy: map[ballot.RejectReason]int64{ballot.RejectDeclarationUnsigned: 4, ballot.RejectNoValidCard: 2}}}
	res := must[station.EntryResult](t)(s.EnterCount(ctx, "ob", ids[0], letters))
	if len(res.Findings) != 0 {
		t.Fatalf("findings of a valid postal count: %v", res.Findings)
	}
	// The second entry swaps two reasons: named field by field.
	swapped := letters
	swapped.Postal = &ballot.PostalLetters{Received: 812, Queried: 20, Admitted: 14, Rejected: 6,
		RejectedBy: map[ballot.RejectReason]int64{ballot.RejectDeclarationUnsigned: 2, ballot.RejectNoValidCard: 4}}
	res = must[station.EntryResult](t)(s.EnterCount(ctx, "ob", ids[1], swapped))
	if len(res.Diffs) != 2 || res.Diffs[0].Field != "rejected:no-valid-card" || res.Diffs[1].Field != "rejected:declaration-unsigned" {
		t.Fatalf("diffs: %+v", res.Diffs)
	}
	must[station.EntryResult](t)(s.EnterCount(ctx, "ob", ids[1], letters))
	sent := must[*ballot.Count](t)(s.Submit(ctx, "ob", ballot.StageFinal, station.SubmitOptions{}))
	if sent.A1 != 0 || sent.Postal == nil || sent.Postal.RejectedBy[ballot.RejectDeclarationUnsigned] != 4 {
		t.Fatalf("postal record: %+v", sent)
	}
}
