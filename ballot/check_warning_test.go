package ballot_test

import (
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// turnoutCount is the mayor count with B voters of A1 registered, all
// without a card and all for one candidate, the marks agreeing.
func turnoutCount(a1, b int64) func() *ballot.Count {
	return with(mayorCount, func(c *ballot.Count) {
		c.A1, c.B, c.B1, c.Marks = a1, b, 0, i64(b)
		c.Invalid, c.Valid = 0, b
		c.Votes = map[string]int64{"hu": b, "mu": 0, "sc": 0}
	})
}

func TestCheckCount_TurnoutAbove95OrBelow5PercentOfA1Warns(t *testing.T) {
	runRule(t, ballot.FindingTurnoutHigh, []ruleCase{
		{"95 % exactly", "0101", turnoutCount(1000, 950), nil},
		{"95.1 %", "0101", turnoutCount(1000, 951), []ballot.FieldValue{fv("B", 951), fv("A1", 1000)}},
		// 19 of 20 is exactly 95 %; integer arithmetic, no rounding.
		{"19 of 20", "0101", turnoutCount(20, 19), nil},
		{"more than A1 (card voters from elsewhere)", "0101", turnoutCount(1000, 1000), []ballot.FieldValue{fv("B", 1000), fv("A1", 1000)}},
		{"postal districts have no A1", "B01", postalCount, nil},
	})
	runRule(t, ballot.FindingTurnoutLow, []ruleCase{
		{"5 % exactly", "0101", turnoutCount(2000, 100), nil},
		{"4.95 %", "0101", turnoutCount(2000, 99), []ballot.FieldValue{fv("B", 99), fv("A1", 2000)}},
		{"nobody voted", "0101", turnoutCount(2000, 0), []ballot.FieldValue{fv("B", 0), fv("A1", 2000)}},
		{"no A1: that is an error, not a turnout", "0101", turnoutCount(0, 100), nil},
	})
	f := wantFinding(t, check(t, "0101", turnoutCount(1000, 963)()), ballot.FindingTurnoutHigh)
	if got, want := f.Message(ballot.German), "B = 963 Wähler bei A1 = 1.000 Wahlberechtigten ohne Sperrvermerk „W“ sind 96,3 %, mehr als 95 %. Bitte prüfen."; got != want {
		t.Errorf("message\n got %s\nwant %s", got, want)
	}
}

func TestCheckCount_FewerThan50VotersWarns(t *testing.T) {
	runRule(t, ballot.FindingFewVoters, []ruleCase{
		{"49 in person", "0101", turnoutCount(500, 49), []ballot.FieldValue{fv("B", 49)}},
		{"50 in person", "0101", turnoutCount(500, 50), nil},
		{"49 by post", "B01", with(postalCount, func(c *ballot.Count) {
			c.Postal.Received = 79
			c.B, c.B1, c.Invalid, c.Valid = 49, 49, 0, 49
			c.Votes = map[string]int64{"hu": 49, "mu": 0, "sc": 0}
		}), []ballot.FieldValue{fv("B", 49)}},
	})
}

func TestCheckCount_BallotsDifferingFromMarksPlusCardsWarn(t *testing.T) {
	runRule(t, ballot.FindingMarksDiffer, []ruleCase{
		{"one ballot more than marks and cards", "0101", with(mayorCount, func(c *ballot.Count) { c.Marks = i64(499) }),
			[]ballot.FieldValue{fv("B", 600), fv("marks", 499), fv("B1", 100)}},
		{"marks not counted", "0101", with(mayorCount, func(c *ballot.Count) { c.Marks = nil }), nil},
		{"agree", "0101", mayorCount, nil},
	})
}

func TestCheckCount_ZeroVotesWhereStrongElsewhereWarns(t *testing.T) {
	def := testDefinition()
	d := district(t, def, "0101")
	c := with(councilCount, func(c *ballot.Count) { c.Votes["gruene"], c.Votes["csu"] = 0, 390 })()
	ctx := ballot.CheckContext{StrongElsewhere: map[string]bool{"gruene": true, "spd": true}}
	fs := ballot.CheckCount(def, d, c, ctx)
	f := wantFinding(t, fs, ballot.FindingZeroWhereStrong, fv("D:gruene", 0))
	if f.Fields[0].Label != "GRÜNE" {
		t.Errorf("label %q", f.Fields[0].Label)
	}
	if fs := ballot.CheckCount(def, d, c, ballot.CheckContext{}); len(fs) > 0 {
		t.Errorf("without context: %v", fs)
	}
}

func TestStrongOptions_SharesAreComparedExactly(t *testing.T) {
	votes := map[string]int64{"csu": 4000, "spd": 2500, "gruene": 2000, "fdp": 1000, "afd": 500} // of 10,000
	got := ballot.StrongOptions(votes, 2000)                                                     // 20 %
	if len(got) != 3 || !got["csu"] || !got["spd"] || !got["gruene"] {
		t.Errorf("20 %%: %v; gruene has exactly 20 %% and counts", got)
	}
	if got := ballot.StrongOptions(map[string]int64{"a": 0}, 0); len(got) != 0 {
		t.Errorf("no votes: %v", got)
	}
}

func TestCheckCount_PostalBallotsDifferingFromLettersWarn(t *testing.T) {
	runRule(t, ballot.FindingPostalBDiffers, []ruleCase{
		// 430 received − 30 rejected = 400 envelopes expected, 401 counted.
		{"one envelope more", "B01", with(postalCount, func(c *ballot.Count) {
			c.B, c.B1, c.Valid, c.Votes["sc"] = 401, 401, 396, 46
		}), []ballot.FieldValue{fv("B", 401), fv("received", 430), fv("rejected", 30)}},
		{"as expected", "B01", postalCount, nil},
	})
}

func TestCheckCount_RegisterFiguresDifferingFromTheDefinitionWarn(t *testing.T) {
	runRule(t, ballot.FindingRegisterDiffers, []ruleCase{
		{"A1", "0101", with(mayorCount, func(c *ballot.Count) { c.A1 = 1001 }), []ballot.FieldValue{fv("A1", 1001), fv("register:A1", 1000)}},
		{"A2", "0101", with(mayorCount, func(c *ballot.Count) { c.A2 = 299 }), []ballot.FieldValue{fv("A2", 299), fv("register:A2", 300)}},
		{"A3 grew", "0101", with(mayorCount, func(c *ballot.Count) { c.A3 = 7 }), nil},
		{"A3 shrank", "0101", with(mayorCount, func(c *ballot.Count) { c.A3 = 1 }), []ballot.FieldValue{fv("A3", 1), fv("register:A3", 2)}},
		{"A1 missing is the error a1-missing, not a difference", "0101", with(mayorCount, func(c *ballot.Count) { c.A1 = 0 }), nil},
	})
}

func TestCheckCount_WarningsWithReasonsMakeTheCountSendable(t *testing.T) {
	c := with(mayorCount, func(c *ballot.Count) { c.Marks = i64(498) })()
	fs := check(t, "0101", c)
	if ballot.HasErrors(fs) || len(fs) != 1 {
		t.Fatalf("want one warning: %v", fs)
	}
	if left := ballot.Sendable(fs, c.Reasons); len(left) != 1 || left[0].Code != ballot.FindingReasonMissing || left[0].Detail != ballot.FindingMarksDiffer {
		t.Fatalf("without a reason: %v", left)
	}
	c.Reasons = map[string]string{ballot.FindingMarksDiffer: "Zwei Wähler haben den Stimmzettel mitgenommen."}
	if left := ballot.Sendable(check(t, "0101", c), c.Reasons); len(left) > 0 {
		t.Fatalf("with a reason: %v", left)
	}
}
