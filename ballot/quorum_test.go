package ballot_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

func att(id string, role ballot.Role) ballot.Attendance {
	return ballot.Attendance{PersonID: id, Role: role}
}

var (
	chair     = att("vorsteher", ballot.RoleChair)
	deputy    = att("stellv", ballot.RoleDeputyChair)
	secretary = att("schrift", ballot.RoleSecretary)
	deputySec = att("stellv-schrift", ballot.RoleDeputySecretary)
)

func assessors(n int) []ballot.Attendance {
	var out []ballot.Attendance
	for i := range n {
		out = append(out, att("beisitzer-"+string(rune('a'+i)), ballot.RoleAssessor))
	}
	return out
}

func board(people ...any) []ballot.Attendance {
	var out []ballot.Attendance
	for _, p := range people {
		switch p := p.(type) {
		case ballot.Attendance:
			out = append(out, p)
		case []ballot.Attendance:
			out = append(out, p...)
		}
	}
	return out
}

func TestEvaluateQuorum_EachPhaseWithChairAndSecretary(t *testing.T) {
	federal := ballot.BoardRules{}
	need := func(code string, n int) ballot.Need { return ballot.Need{Code: code, Count: n} }
	for _, tc := range []struct {
		name     string
		rules    ballot.BoardRules
		phase    ballot.Phase
		present  []ballot.Attendance
		required int
		missing  []ballot.Need
	}{
		{"voting: chair, secretary and one more", federal, ballot.PhaseVoting, board(chair, secretary, assessors(1)), 3, nil},
		{"voting: chair only", federal, ballot.PhaseVoting, board(chair), 3,
			[]ballot.Need{need(ballot.NeedSecretaryOrDeputy, 1), need(ballot.NeedMembers, 1)}},
		{"voting: nobody", federal, ballot.PhaseVoting, nil, 3,
			[]ballot.Need{need(ballot.NeedChairOrDeputy, 1), need(ballot.NeedSecretaryOrDeputy, 1), need(ballot.NeedMembers, 1)}},
		{"voting: three without a secretary", federal, ballot.PhaseVoting, board(chair, assessors(2)), 3,
			[]ballot.Need{need(ballot.NeedSecretaryOrDeputy, 1)}},
		{"voting: chair and deputy chair are not a secretary", federal, ballot.PhaseVoting, board(chair, deputy, assessors(1)), 3,
			[]ballot.Need{need(ballot.NeedSecretaryOrDeputy, 1)}},
		{"voting: deputies stand in", federal, ballot.PhaseVoting, board(deputy, deputySec, assessors(1)), 3, nil},
		{"voting: chair and secretary are two, not three", federal, ballot.PhaseVoting, board(chair, secretary), 3,
			[]ballot.Need{need(ballot.NeedMembers, 1)}},
		{"counting: five with chair and secretary", federal, ballot.PhaseCounting, board(chair, secretary, assessors(3)), 5, nil},
		{"counting: four", federal, ballot.PhaseCounting, board(chair, secretary, assessors(2)), 5,
			[]ballot.Need{need(ballot.NeedMembers, 1)}},
		{"counting: five without a chair", federal, ballot.PhaseCounting, board(secretary, assessors(4)), 5,
			[]ballot.Need{need(ballot.NeedChairOrDeputy, 1)}},
		{"counting: deputies stand in", federal, ballot.PhaseCounting, board(deputy, deputySec, assessors(3)), 5, nil},
		{"postal admission: three", federal, ballot.PhasePostalAdmission, board(chair, secretary, assessors(1)), 3, nil},
		{"postal counting: three are too few", federal, ballot.PhasePostalCounting, board(chair, secretary, assessors(1)), 5,
			[]ballot.Need{need(ballot.NeedMembers, 2)}},
		{"postal counting: secretary missing", federal, ballot.PhasePostalCounting, board(chair, assessors(4)), 5,
			[]ballot.Need{need(ballot.NeedSecretaryOrDeputy, 1)}},
		{"a city's own rule: four while voting", ballot.BoardRules{QuorumVoting: 4}, ballot.PhaseVoting, board(chair, secretary, assessors(1)), 4,
			[]ballot.Need{need(ballot.NeedMembers, 1)}},
		{"a person listed twice counts once", federal, ballot.PhaseVoting, board(chair, secretary, secretary), 3,
			[]ballot.Need{need(ballot.NeedMembers, 1)}},
	} {
		st := ballot.EvaluateQuorum(tc.rules, tc.phase, tc.present)
		if st.Phase != tc.phase || st.Required != tc.required || st.Met != (tc.missing == nil) || !reflect.DeepEqual(st.Missing, tc.missing) {
			t.Errorf("%s: got %+v, want required %d, missing %v", tc.name, st, tc.required, tc.missing)
		}
	}
	st := ballot.EvaluateQuorum(ballot.BoardRules{}, "lunch", board(chair, secretary, assessors(3)))
	if st.Met || len(st.Missing) != 1 || st.Missing[0].Code != ballot.NeedPhaseUnknown {
		t.Errorf("unknown phase: %+v", st)
	}
}

func TestQuorumMessages_GermanAndEnglish(t *testing.T) {
	st := ballot.EvaluateQuorum(ballot.BoardRules{}, ballot.PhaseCounting, board(chair, assessors(1)))
	de, en := st.Message(ballot.German), st.Message(ballot.English)
	for _, want := range []string{"Nicht beschlussfähig: 2 anwesend, 5 erforderlich.", "Schriftführer", "Es fehlen noch 2 weitere Mitglieder."} {
		if !strings.Contains(de, want) {
			t.Errorf("de %q lacks %q", de, want)
		}
	}
	for _, want := range []string{"No quorum: 2 present, 5 required.", "secretary", "2 more members are needed."} {
		if !strings.Contains(en, want) {
			t.Errorf("en %q lacks %q", en, want)
		}
	}
	for _, n := range []ballot.Need{{Code: ballot.NeedChairOrDeputy, Count: 1}, {Code: ballot.NeedSecretaryOrDeputy, Count: 1},
		{Code: ballot.NeedMembers, Count: 1}, {Code: ballot.NeedMembers, Count: 3}, {Code: ballot.NeedPhaseUnknown}} {
		if d, e := n.Message(ballot.German), n.Message(ballot.English); d == "" || e == "" || d == e || d == n.Code {
			t.Errorf("%v: de %q en %q", n, d, e)
		}
	}
	if got := ballot.EvaluateQuorum(ballot.BoardRules{}, ballot.PhaseVoting, board(chair, secretary, assessors(1))).Message(ballot.German); got != "Beschlussfähig: 3 anwesend, 3 erforderlich." {
		t.Errorf("met: %q", got)
	}
}

func at(hhmm string) time.Time {
	t, err := time.Parse(time.DateTime, "2026-03-08 "+hhmm+":00")
	if err != nil {
		panic(err)
	}
	return t
}

func in(hhmm, id string, role ballot.Role) ballot.AttendanceEvent {
	return ballot.AttendanceEvent{At: at(hhmm), PersonID: id, Role: role, In: true}
}

func out(hhmm, id string) ballot.AttendanceEvent {
	return ballot.AttendanceEvent{At: at(hhmm), PersonID: id}
}

func TestPresentAt_FromCheckInsAndCheckOuts(t *testing.T) {
	events := []ballot.AttendanceEvent{
		in("07:30", "anna", ballot.RoleChair),
		in("07:35", "bernd", ballot.RoleSecretary),
		in("07:40", "carla", ballot.RoleAssessor),
		in("07:45", "carla", ballot.RoleAssessor), // checked in twice by mistake
		out("12:00", "bernd"),
		in("12:00", "dora", ballot.RoleDeputySecretary), // takes over at noon
		out("13:00", "anna"),
		in("15:00", "anna", ballot.RoleChair),    // back
		in("07:50", "emil", ballot.RoleAssessor), // entered late, out of order
		out("10:00", "emil"),
	}
	ids := func(as []ballot.Attendance) []string {
		var out []string
		for _, a := range as {
			out = append(out, a.PersonID+":"+string(a.Role))
		}
		return out
	}
	for _, tc := range []struct {
		when string
		want []string
	}{
		{"07:00", nil},
		{"07:30", []string{"anna:chair"}},
		{"08:00", []string{"anna:chair", "bernd:secretary", "carla:assessor", "emil:assessor"}},
		{"10:00", []string{"anna:chair", "bernd:secretary", "carla:assessor"}},
		{"12:00", []string{"anna:chair", "dora:deputy-secretary", "carla:assessor"}},
		{"14:00", []string{"dora:deputy-secretary", "carla:assessor"}},
		{"18:00", []string{"anna:chair", "dora:deputy-secretary", "carla:assessor"}},
	} {
		got := ids(ballot.PresentAt(events, at(tc.when)))
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("at %s: %v, want %v", tc.when, got, tc.want)
		}
	}
	// At 10:00 Emil has left and Carla, checked in twice, counts once: three, a quorum for voting.
	if st := ballot.EvaluateQuorum(ballot.BoardRules{}, ballot.PhaseVoting, ballot.PresentAt(events, at("10:00"))); !st.Met || st.Present != 3 {
		t.Errorf("10:00: %+v", st)
	}
	// While the chair is away at lunch the board has no quorum.
	st := ballot.EvaluateQuorum(ballot.BoardRules{}, ballot.PhaseVoting, ballot.PresentAt(events, at("14:00")))
	if st.Met || st.Missing[0].Code != ballot.NeedChairOrDeputy {
		t.Errorf("14:00: %+v", st)
	}
}

func TestAttendanceEvents_FromDecodedRecords(t *testing.T) {
	records := []ballot.Record{
		{Body: &ballot.CheckIn{Person: ballot.Member{ID: "anna", Name: "Anna", Role: ballot.RoleChair}, At: at("07:30")}},
		{Body: &ballot.Turnout{At: at("10:00"), Voters: 120}},
		{Body: ballot.CheckOut{PersonID: "anna", At: at("13:00")}},
	}
	want := []ballot.AttendanceEvent{in("07:30", "anna", ballot.RoleChair), out("13:00", "anna")}
	if got := ballot.AttendanceEvents(records); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestIncidentTerm_VorfallBeforeTheCloseVorkommnisAfter(t *testing.T) {
	closed := at("18:00")
	for _, tc := range []struct {
		when   string
		closed *time.Time
		de, en string
	}{
		{"17:59", &closed, "Vorfall", "incident during voting"},
		{"18:00", &closed, "Vorkommnis", "occurrence after the close"},
		{"19:30", &closed, "Vorkommnis", "occurrence after the close"},
		{"19:30", nil, "Vorfall", "incident during voting"}, // not closed yet
	} {
		if got := ballot.IncidentTerm(at(tc.when), tc.closed); got != tc.de {
			t.Errorf("%s: %s, want %s", tc.when, got, tc.de)
		}
		if got := ballot.IncidentTermIn(ballot.English, at(tc.when), tc.closed); got != tc.en {
			t.Errorf("%s en: %s, want %s", tc.when, got, tc.en)
		}
	}
}
