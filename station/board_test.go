package station_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/kit"
	"github.com/wahlkoffer/wahlkoffer/station"
)

func TestSetupRefusesAWrongPINAndWritesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	_, err := station.Setup(context.Background(), dir, sealedKit(t, "101"), "1111-1111-1111-1111", station.Options{})
	if kit.CodeOf(err) != kit.CodePINWrong {
		t.Fatalf("got %v, want kit-pin-wrong", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("setup with a wrong PIN left %s behind (%v)", dir, err)
	}
}

func TestSetupRefusesAFolderWithAStore(t *testing.T) {
	_, _, dir := newStation(t, "101")
	_, err := station.Setup(context.Background(), dir, sealedKit(t, "101"), kitPIN("101"), station.Options{})
	wantCode(t, err, station.CodeStoreExists)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".new") {
			t.Errorf("left %s behind", e.Name())
		}
	}
}

func TestOpenWithoutAStoreSaysHowToSetUp(t *testing.T) {
	_, err := station.Open(context.Background(), t.TempDir(), station.Options{})
	if err == nil || !strings.Contains(err.Error(), "station setup") {
		t.Fatalf("got %v, want a hint to run setup", err)
	}
}

func TestALockedStationSignsNothingUntilUnlocked(t *testing.T) {
	s, c, dir := newStation(t, "101")
	s.Close()
	ctx := context.Background()
	locked, err := station.Open(ctx, dir, station.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer locked.Close()
	_, err = locked.CheckIn(ctx, "101-1", time.Time{})
	wantCode(t, err, station.CodeLocked)
	if err := locked.Unlock("1111-1111-1111-1111"); kit.CodeOf(err) != kit.CodePINWrong {
		t.Fatalf("unlock with a wrong PIN: %v", err)
	}
	if err := locked.Unlock(kitPIN("101")); err != nil {
		t.Fatal(err)
	}
	must[ballot.CheckIn](t)(locked.CheckIn(ctx, "101-1", time.Time{}))
}

func TestQuorumNamesWhatIsMissing(t *testing.T) {
	s, c, _ := newStation(t, "101")
	ctx := context.Background()
	st := must[*station.State](t)(s.State(ctx))
	q := s.Quorum(st, c.Now())
	if q.Met || q.Phase != ballot.PhaseVoting || q.Required != 3 || q.Present != 0 {
		t.Fatalf("empty board: %+v", q)
	}
	// Chair and deputy chair: a secretary (or deputy) is missing, and
	// nothing else, since two plus the secretary make three.
	checkInBoard(t, s, 2, day(7, 15))
	st = must[*station.State](t)(s.State(ctx))
	q = s.Quorum(st, c.Now())
	if q.Met || len(q.Missing) != 1 || q.Missing[0].Code != ballot.NeedSecretaryOrDeputy {
		t.Fatalf("chair and deputy: %+v", q)
	}
	must[ballot.CheckIn](t)(s.CheckIn(ctx, "101-3", day(7, 20)))
	st = must[*station.State](t)(s.State(ctx))
	if q = s.Quorum(st, c.Now()); !q.Met || q.Present != 3 {
		t.Fatalf("three with chair and secretary: %+v", q)
	}
	// A check-out at 07:25 takes the secretary away again.
	must[ballot.CheckOut](t)(s.CheckOut(ctx, "101-3", day(7, 25)))
	st = must[*station.State](t)(s.State(ctx))
	if q = s.Quorum(st, c.Now()); q.Met {
		t.Fatalf("after the secretary left: %+v", q)
	}
	if q = s.Quorum(st, day(7, 22)); !q.Met {
		t.Fatalf("at 07:22, before she left: %+v", q)
	}
}

func TestCheckInRefusesUnknownPeopleAndDoubleCheckIns(t *testing.T) {
	s, _, _ := newStation(t, "101")
	ctx := context.Background()
	_, err := s.CheckIn(ctx, "999-9", time.Time{})
	wantCode(t, err, station.CodePersonUnknown)
	must[ballot.CheckIn](t)(s.CheckIn(ctx, "101-1", day(7, 0)))
	_, err = s.CheckIn(ctx, "101-1", day(7, 10))
	wantCode(t, err, station.CodePersonPresent)
	_, err = s.CheckOut(ctx, "101-2", time.Time{})
	wantCode(t, err, station.CodePersonAbsent)
}

func TestTimesCannotLieInTheFutureOrOutsideTheDay(t *testing.T) {
	s, _, _ := newStation(t, "101")
	ctx := context.Background()
	_, err := s.CheckIn(ctx, "101-1", day(9, 0)) // the clock says 07:30
	wantCode(t, err, station.CodeTimeFuture)
	_, err = s.CheckIn(ctx, "101-1", day(0, 0).Add(-time.Minute))
	wantCode(t, err, station.CodeTimeOutsideDay)
}

func TestAReplacementNeedsAnInstructedNewcomerForANoShow(t *testing.T) {
	s, c, _ := newStation(t, "101")
	ctx := context.Background()
	c.Set(day(7, 45))
	must[ballot.CheckIn](t)(s.CheckIn(ctx, "101-1", day(7, 30)))
	newcomer := ballot.Member{Name: "Anna Groß"}
	_, err := s.Replace(ctx, "101-3", newcomer, false, time.Time{})
	wantCode(t, err, station.CodeNotInstructed)
	_, err = s.Replace(ctx, "101-1", newcomer, true, time.Time{})
	wantCode(t, err, station.CodePersonPresent) // the chair came: not a no-show
	in := must[ballot.CheckIn](t)(s.Replace(ctx, "101-3", newcomer, true, time.Time{}))
	if in.Person.Role != ballot.RoleSecretary || in.Replaces != "101-3" || !in.Instructed || !in.At.Equal(day(7, 45)) {
		t.Fatalf("replacement check-in: %+v", in)
	}
	st := must[*station.State](t)(s.State(ctx))
	if len(st.Replacements) != 1 || st.Replacements[0].Newcomer.Name != "Anna Groß" {
		t.Fatalf("replacements: %+v", st.Replacements)
	}
	if !st.IsPresent(in.Person.ID, c.Now()) {
		t.Fatal("the newcomer is not present")
	}
	// The newcomer is on the board for the rest of the day.
	must[ballot.CheckOut](t)(s.CheckOut(ctx, in.Person.ID, time.Time{}))
}

func TestAReplacedNoShowStaysReplaced(t *testing.T) {
	s, c, _ := newStation(t, "101")
	ctx := context.Background()
	c.Set(day(7, 45))
	must[ballot.CheckIn](t)(s.Replace(ctx, "101-6", ballot.Member{Name: "Anna Groß"}, true, time.Time{}))
	_, err := s.Replace(ctx, "101-6", ballot.Member{Name: "Otto Klein"}, true, time.Time{})
	wantCode(t, err, station.CodeReplaced)
	_, err = s.CheckIn(ctx, "101-6", time.Time{}) // comes late: the newcomer serves
	wantCode(t, err, station.CodeReplaced)
}

func TestTheBoardCannotGrowBeyondItsMaximum(t *testing.T) {
	s, _, _ := newStation(t, "101") // six on the roster, at most nine
	ctx := context.Background()
	for i := range 3 {
		must[ballot.Member](t)(s.AddMember(ctx, ballot.Member{Name: "Reserve " + string(rune('A'+i)), Role: ballot.RoleAssessor}))
	}
	_, err := s.AddMember(ctx, ballot.Member{Name: "Reserve D", Role: ballot.RoleAssessor})
	wantCode(t, err, station.CodeBoardFull)
}

func TestATimeThatIsNoTimeIsSaidSo(t *testing.T) {
	s, _, _ := newStation(t, "101")
	_, err := s.At("8h00")
	wantCode(t, err, station.CodeTimeInvalid)
	at, err := s.At("08:00")
	if err != nil || !at.Equal(day(8, 0)) {
		t.Fatalf("08:00: %v %v", at, err)
	}
}

func TestAddMemberForABoardWithoutRoster(t *testing.T) {
	s, _, _ := newStation(t, "104") // 104 has no roster from the office
	ctx := context.Background()
	m := must[ballot.Member](t)(s.AddMember(ctx, ballot.Member{Name: "Jürgen Maßmann", Role: ballot.RoleChair}))
	if m.ID == "" {
		t.Fatal("no id made up")
	}
	_, err := s.AddMember(ctx, ballot.Member{ID: m.ID, Name: "Someone", Role: ballot.RoleAssessor})
	wantCode(t, err, station.CodePersonExists)
	_, err = s.AddMember(ctx, ballot.Member{Name: "X", Role: "boss"})
	wantCode(t, err, station.CodeRoleInvalid)
	_, err = s.AddMember(ctx, ballot.Member{Name: "  ", Role: ballot.RoleAssessor})
	wantCode(t, err, station.CodeNameInvalid)
	must[ballot.CheckIn](t)(s.CheckIn(ctx, m.ID, time.Time{}))
}

func TestRefusalsSpeakGermanByDefaultAndEnglishOnRequest(t *testing.T) {
	s, _, _ := newStation(t, "101")
	_, err := s.OpenPolls(context.Background(), time.Time{})
	var e *station.Error
	if !asError(err, &e) {
		t.Fatalf("got %v", err)
	}
	de, en := e.Message(ballot.German), e.Message(ballot.English)
	if !strings.Contains(de, "Die Eröffnung ist nicht möglich. Nicht beschlussfähig: 0 anwesend, 3 erforderlich.") {
		t.Errorf("German: %s", de)
	}
	if !strings.Contains(en, "Cannot open the poll. No quorum: 0 present, 3 required.") {
		t.Errorf("English: %s", en)
	}
}
