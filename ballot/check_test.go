package ballot_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

func TestFixture_DefinitionIsValid(t *testing.T) {
	if ps := testDefinition().Validate(); len(ps) > 0 {
		t.Fatalf("test definition has problems: %v", ps)
	}
}

func TestCheckCount_ConsistentCountsHaveNoFindings(t *testing.T) {
	for name, tc := range map[string]struct {
		district string
		count    *ballot.Count
	}{
		"mayor":        {"0101", mayorCount()},
		"council":      {"0101", councilCount()},
		"referendum":   {"0101", referendumCount()},
		"cumulative":   {"0101", cumulativeCount()},
		"postal mayor": {"B01", postalCount()},
		"quick report": {"0101", func() *ballot.Count { c := mayorCount(); c.Stage = ballot.StageQuick; return c }()},
		"correction": {"0101", func() *ballot.Count {
			c := mayorCount()
			c.Version, c.CorrectionReason = 2, "Zahlendreher bei Huber"
			return c
		}()},
		"without marks":      {"0101", func() *ballot.Count { c := mayorCount(); c.Marks = nil; return c }()},
		"zero is a number":   {"0101", func() *ballot.Count { c := mayorCount(); c.Votes["sc"], c.Votes["hu"] = 0, 390; return c }()},
		"A3 grew on the day": {"0101", func() *ballot.Count { c := mayorCount(); c.A3 = 5; return c }()},
	} {
		if fs := check(t, tc.district, tc.count); len(fs) > 0 {
			t.Errorf("%s: unexpected findings %v", name, fs)
		}
	}
}

// ruleCase is a count that should (fields != nil) or should not (fields
// == nil) produce exactly one finding of the rule's code.
type ruleCase struct {
	name     string
	district string
	count    func() *ballot.Count
	fields   []ballot.FieldValue
}

func runRule(t *testing.T, code string, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := check(t, tc.district, tc.count())
			if tc.fields == nil {
				if got := only(fs, code); len(got) > 0 {
					t.Fatalf("unexpected %s: %v", code, got)
				}
				return
			}
			wantFinding(t, fs, code, tc.fields...)
		})
	}
}

func with(base func() *ballot.Count, change func(c *ballot.Count)) func() *ballot.Count {
	return func() *ballot.Count { c := base(); change(c); return c }
}

func TestCheckCount_UnknownContestStopsTheCheck(t *testing.T) {
	fs := check(t, "0101", with(mayorCount, func(c *ballot.Count) { c.Contest = "nope"; c.B = -1 })())
	if !slices.Equal(codesOf(fs), []string{ballot.FindingContestUnknown}) || fs[0].Contest != "nope" {
		t.Fatalf("got %v", fs)
	}
}

func TestCheckCount_ContestMustBeCountedByTheDistrict(t *testing.T) {
	fs := check(t, "0102", councilCount())
	f := wantFinding(t, fs, ballot.FindingContestNotInDistrict)
	if len(fs) != 1 || f.Detail != "0102" || f.Contest != "council" {
		t.Fatalf("got %v", fs)
	}
	def := testDefinition()
	if fs := ballot.CheckCount(def, nil, mayorCount(), ballot.CheckContext{}); !slices.Equal(codesOf(fs), []string{ballot.FindingDistrictUnknown}) {
		t.Fatalf("nil district: %v", fs)
	}
}

func TestCheckCount_StageMustBeQuickOrFinal(t *testing.T) {
	fs := check(t, "0101", with(mayorCount, func(c *ballot.Count) { c.Stage = "provisional" })())
	if f := wantFinding(t, fs, ballot.FindingStageInvalid); f.Detail != "provisional" {
		t.Errorf("detail %q", f.Detail)
	}
	runRule(t, ballot.FindingStageInvalid, []ruleCase{
		{"quick", "0101", with(mayorCount, func(c *ballot.Count) { c.Stage = ballot.StageQuick }), nil},
		{"empty", "0101", with(mayorCount, func(c *ballot.Count) { c.Stage = "" }), []ballot.FieldValue{}},
	})
}

func TestCheckCount_VersionStartsAtOneAndCorrectionsNeedAReason(t *testing.T) {
	runRule(t, ballot.FindingVersionInvalid, []ruleCase{
		{"version 0", "0101", with(mayorCount, func(c *ballot.Count) { c.Version = 0 }), []ballot.FieldValue{fv("version", 0)}},
		{"version 1", "0101", mayorCount, nil},
	})
	runRule(t, ballot.FindingCorrectionReason, []ruleCase{
		{"version 2 without reason", "0101", with(mayorCount, func(c *ballot.Count) { c.Version = 2 }), []ballot.FieldValue{fv("version", 2)}},
		{"version 3 with blank reason", "0101", with(mayorCount, func(c *ballot.Count) { c.Version, c.CorrectionReason = 3, "  " }), []ballot.FieldValue{fv("version", 3)}},
		{"version 2 with reason", "0101", with(mayorCount, func(c *ballot.Count) { c.Version, c.CorrectionReason = 2, "Nachzählung" }), nil},
	})
}

func TestCheckCount_TwoDifferentPeopleEnterEveryCount(t *testing.T) {
	entered := func(ids ...string) func() *ballot.Count {
		return with(mayorCount, func(c *ballot.Count) { c.EnteredBy = ids })
	}
	runRule(t, ballot.FindingEnteredByInvalid, []ruleCase{
		{"two different", "0101", entered("m1", "m2"), nil},
		{"nobody", "0101", entered(), []ballot.FieldValue{fv("entered_by", 0)}},
		{"one", "0101", entered("m1"), []ballot.FieldValue{fv("entered_by", 1)}},
		{"the same twice", "0101", entered("m1", "m1"), []ballot.FieldValue{fv("entered_by", 1)}},
		{"one blank", "0101", entered("m1", " "), []ballot.FieldValue{fv("entered_by", 1)}},
		{"three", "0101", entered("m1", "m2", "m3"), []ballot.FieldValue{fv("entered_by", 3)}},
		{"postal too", "B01", with(postalCount, func(c *ballot.Count) { c.EnteredBy = []string{"p1", "p1"} }), []ballot.FieldValue{fv("entered_by", 1)}},
	})
}

func TestCheckCount_NumbersAreNeverNegativeNorAbsurd(t *testing.T) {
	fs := check(t, "0101", with(mayorCount, func(c *ballot.Count) { c.Votes["sc"] = -90 })())
	f := wantFinding(t, fs, ballot.FindingNumberNegative, fv("D:sc", -90))
	if f.Fields[0].Label != "Clara Schmid" {
		t.Errorf("label %q", f.Fields[0].Label)
	}
	runRule(t, ballot.FindingNumberNegative, []ruleCase{
		{"postal reason", "B01", with(postalCount, func(c *ballot.Count) { c.Postal.RejectedBy[ballot.RejectUnsealed] = -1 }), []ballot.FieldValue{fv("rejected:unsealed", -1)}},
		{"candidate", "0101", with(cumulativeCount, func(c *ballot.Count) { c.CandidateVotes["b-3"] = -2 }), []ballot.FieldValue{fv("cand:b-3", -2)}},
	})
	runRule(t, ballot.FindingNumberTooLarge, []ruleCase{
		{"B", "0101", with(mayorCount, func(c *ballot.Count) { c.B = ballot.MaxCountNumber + 1 }), []ballot.FieldValue{fv("B", ballot.MaxCountNumber+1)}},
		{"at the bound", "0101", with(mayorCount, func(c *ballot.Count) { c.B = ballot.MaxCountNumber }), nil},
	})
}

func TestCheckCount_EveryOptionMustBeEntered(t *testing.T) {
	fs := check(t, "0101", with(mayorCount, func(c *ballot.Count) { delete(c.Votes, "mu"); delete(c.Votes, "hu") })())
	got := only(fs, ballot.FindingOptionMissing)
	if len(got) != 2 || got[0].Fields[0].Field != "D:hu" || got[1].Fields[0].Field != "D:mu" || got[1].Fields[0].Label != "Ben Müller" {
		t.Fatalf("want hu then mu missing, in ballot order: %v", got)
	}
	runRule(t, ballot.FindingOptionMissing, []ruleCase{
		{"zero entered", "0101", with(councilCount, func(c *ballot.Count) { c.Votes["gruene"], c.Votes["csu"] = 0, 390 }), nil},
		{"referendum no", "0101", with(referendumCount, func(c *ballot.Count) { delete(c.Votes, "no") }), []ballot.FieldValue{fv("D:no", 0)}},
	})
}

func TestCheckCount_VotesForUnknownOptionsAreErrors(t *testing.T) {
	runRule(t, ballot.FindingOptionUnknown, []ruleCase{
		{"candidate of another contest", "0101", with(mayorCount, func(c *ballot.Count) { c.Votes["spd"] = 0 }), []ballot.FieldValue{fv("D:spd", 0)}},
		{"referendum maybe", "0101", with(referendumCount, func(c *ballot.Count) { c.Votes["maybe"] = 3 }), []ballot.FieldValue{fv("D:maybe", 3)}},
	})
	fs := check(t, "0101", with(referendumCount, func(c *ballot.Count) { c.Votes = map[string]int64{"ja": 400, "nein": 190} })())
	want := []string{ballot.FindingOptionMissing, ballot.FindingOptionMissing, ballot.FindingOptionUnknown, ballot.FindingOptionUnknown}
	if !slices.Equal(codesOf(fs), want) {
		t.Errorf("ja/nein instead of yes/no: %v, want %v (and no sum error: the votes are all there)", codesOf(fs), want)
	}
}

func TestCheckCount_ValidPlusInvalidMustEqualB(t *testing.T) {
	runRule(t, ballot.FindingValidPlusInvalidNotB, []ruleCase{
		// The example of the brief: 12 + 830 = 842, but B is 845.
		{"mayor", "0101", with(mayorCount, func(c *ballot.Count) {
			c.Invalid, c.Valid, c.B, c.Votes = 12, 830, 845, map[string]int64{"hu": 500, "mu": 300, "sc": 30}
		}), []ballot.FieldValue{fv("C", 12), fv("D", 830), fv("B", 845)}},
		{"B one too low", "0101", with(councilCount, func(c *ballot.Count) { c.B = 599 }), []ballot.FieldValue{fv("C", 10), fv("D", 590), fv("B", 599)}},
		{"referendum", "0101", with(referendumCount, func(c *ballot.Count) { c.Invalid = 11 }), []ballot.FieldValue{fv("C", 11), fv("D", 590), fv("B", 600)}},
		{"postal", "B01", with(postalCount, func(c *ballot.Count) { c.Invalid = 6 }), []ballot.FieldValue{fv("C", 6), fv("D", 395), fv("B", 400)}},
		{"cumulative counts ballots", "0101", with(cumulativeCount, func(c *ballot.Count) { c.Invalid = 21 }), []ballot.FieldValue{fv("C", 21), fv("D", 580), fv("B", 600)}},
		{"all invalid", "0101", with(mayorCount, func(c *ballot.Count) {
			c.Invalid, c.Valid, c.Votes = 600, 0, map[string]int64{"hu": 0, "mu": 0, "sc": 0}
		}), nil},
	})
}

func TestCheckCount_OptionsMustSumToD(t *testing.T) {
	runRule(t, ballot.FindingOptionsSumNotD, []ruleCase{
		{"swapped digits", "0101", with(mayorCount, func(c *ballot.Count) { c.Votes["sc"] = 9 }),
			[]ballot.FieldValue{fv("D", 590), fv("D:hu", 300), fv("D:mu", 200), fv("D:sc", 9)}},
		{"list contest", "0101", with(councilCount, func(c *ballot.Count) { c.Votes["spd"] = 201 }),
			[]ballot.FieldValue{fv("D", 590), fv("D:csu", 250), fv("D:spd", 201), fv("D:gruene", 140)}},
		{"an unknown key counts, so one typo is one finding", "0101", with(mayorCount, func(c *ballot.Count) {
			c.Votes["sc "] = c.Votes["sc"]
			c.Votes["sc"] = 0
		}), nil},
		{"cumulative lists count votes, not ballots", "0101", cumulativeCount, nil},
	})
}

func TestCheckCount_B1AtMostB(t *testing.T) {
	runRule(t, ballot.FindingB1AboveB, []ruleCase{
		{"B1 above B", "0101", with(mayorCount, func(c *ballot.Count) { c.B1 = 601 }), []ballot.FieldValue{fv("B1", 601), fv("B", 600)}},
		{"B1 equal to B", "0101", with(mayorCount, func(c *ballot.Count) { c.B1, c.Marks = 600, i64(0) }), nil},
	})
}

func TestCheckCount_VotersWithoutCardAtMostA1(t *testing.T) {
	runRule(t, ballot.FindingWithoutCardAboveA1, []ruleCase{
		// B − B1 = 600 − 0 = 600 > A1 = 599.
		{"one too many", "0101", with(mayorCount, func(c *ballot.Count) { c.A1, c.B1 = 599, 0 }), []ballot.FieldValue{fv("B", 600), fv("B1", 0), fv("A1", 599)}},
		{"exactly A1", "0101", with(mayorCount, func(c *ballot.Count) { c.A1, c.B1 = 600, 0 }), nil},
	})
}

func TestCheckCount_InPersonNeedsA1AndPostalHasNoAValues(t *testing.T) {
	runRule(t, ballot.FindingA1Missing, []ruleCase{
		{"A1 zero", "0101", with(mayorCount, func(c *ballot.Count) { c.A1 = 0 }), []ballot.FieldValue{fv("A1", 0)}},
		{"postal without A1", "B01", postalCount, nil},
	})
	runRule(t, ballot.FindingPostalAValues, []ruleCase{
		{"A1 and A3 on a postal count", "B01", with(postalCount, func(c *ballot.Count) { c.A1, c.A3 = 1000, 2 }), []ballot.FieldValue{fv("A1", 1000), fv("A3", 2)}},
		{"in-person", "0101", mayorCount, nil},
	})
}

func TestCheckCount_FieldsOfAnotherKindAreErrors(t *testing.T) {
	for _, tc := range []struct {
		name, district, detail string
		count                  *ballot.Count
	}{
		{"candidate votes on a list contest", "0101", "candidate_votes", with(councilCount, func(c *ballot.Count) { c.CandidateVotes = map[string]int64{"x": 1} })()},
		{"unchanged on a mayor contest", "0101", "unchanged", with(mayorCount, func(c *ballot.Count) { c.Unchanged = i64(0) })()},
		{"changed on a referendum", "0101", "changed", with(referendumCount, func(c *ballot.Count) { c.Changed = i64(0) })()},
		{"marks in a postal district", "B01", "marks", with(postalCount, func(c *ballot.Count) { c.Marks = i64(400) })()},
		{"letters in a polling station", "0101", "postal", with(mayorCount, func(c *ballot.Count) { c.Postal = &ballot.PostalLetters{} })()},
	} {
		f := wantFinding(t, check(t, tc.district, tc.count), ballot.FindingFieldNotForKind)
		if f.Detail != tc.detail {
			t.Errorf("%s: detail %q, want %q", tc.name, f.Detail, tc.detail)
		}
	}
}

func TestCheckCount_PostalB1EqualsB(t *testing.T) {
	runRule(t, ballot.FindingPostalB1NotB, []ruleCase{
		{"B1 short", "B01", with(postalCount, func(c *ballot.Count) { c.B1 = 399 }), []ballot.FieldValue{fv("B", 400), fv("B1", 399)}},
		{"equal", "B01", postalCount, nil},
		{"in-person may differ", "0101", mayorCount, nil},
	})
}

func TestCheckCount_PostalLettersAreRequired(t *testing.T) {
	runRule(t, ballot.FindingPostalLettersMissing, []ruleCase{
		{"missing", "B01", with(postalCount, func(c *ballot.Count) { c.Postal = nil }), []ballot.FieldValue{}},
		{"present", "B01", postalCount, nil},
	})
}

func TestCheckCount_PostalQueriedIsAdmittedPlusRejected(t *testing.T) {
	runRule(t, ballot.FindingPostalQueriedMismatch, []ruleCase{
		{"one admitted too many", "B01", with(postalCount, func(c *ballot.Count) { c.Postal.Admitted = 11 }),
			[]ballot.FieldValue{fv("queried", 40), fv("admitted", 11), fv("rejected", 30)}},
		{"consistent", "B01", postalCount, nil},
	})
}

func TestCheckCount_PostalRejectedIsTheSumOfTheReasons(t *testing.T) {
	runRule(t, ballot.FindingPostalRejectedSum, []ruleCase{
		{"a reason short", "B01", with(postalCount, func(c *ballot.Count) { c.Postal.RejectedBy[ballot.RejectDeclarationUnsigned] = 9 }),
			[]ballot.FieldValue{fv("rejected", 30), fv("rejected:no-valid-card", 20), fv("rejected:declaration-unsigned", 9)}},
		{"all seven in the order of the law", "B01", with(postalCount, func(c *ballot.Count) {
			c.Postal.RejectedBy = map[ballot.RejectReason]int64{}
			for i, r := range ballot.RejectReasons {
				c.Postal.RejectedBy[r] = int64(i + 1) // 28, not 30
			}
		}), []ballot.FieldValue{fv("rejected", 30), fv("rejected:no-valid-card", 1), fv("rejected:no-ballot-envelope", 2),
			fv("rejected:unsealed", 3), fv("rejected:envelopes-without-cards", 4), fv("rejected:declaration-unsigned", 5),
			fv("rejected:unofficial-envelope", 6), fv("rejected:secrecy-endangered", 7)}},
		{"no rejections at all", "B01", with(postalCount, func(c *ballot.Count) {
			c.Postal.Queried, c.Postal.Admitted, c.Postal.Rejected, c.Postal.RejectedBy = 10, 10, 0, nil
			c.B, c.B1, c.Valid, c.Votes["hu"] = 430, 430, 425, 230
		}), nil},
	})
}

func TestCheckCount_PostalOnlyTheSevenLegalReasons(t *testing.T) {
	fs := check(t, "B01", with(postalCount, func(c *ballot.Count) {
		c.Postal.RejectedBy = map[ballot.RejectReason]int64{ballot.RejectNoValidCard: 20, "late": 10}
	})())
	f := wantFinding(t, fs, ballot.FindingPostalReasonUnknown, fv("rejected:late", 10))
	if f.Detail != "late" {
		t.Errorf("detail %q", f.Detail)
	}
	if got := only(fs, ballot.FindingPostalRejectedSum); len(got) > 0 {
		t.Errorf("the unknown reason still counts in the sum, so no second finding: %v", got)
	}
}

func TestCheckCount_PostalDecisionsAtMostTheLettersReceived(t *testing.T) {
	runRule(t, ballot.FindingPostalQueriedAbove, []ruleCase{
		{"queried above received", "B01", with(postalCount, func(c *ballot.Count) { c.Postal.Received = 39 }), []ballot.FieldValue{fv("queried", 40), fv("received", 39)}},
		{"all queried", "B01", with(postalCount, func(c *ballot.Count) {
			c.Postal.Received = 40
			c.B, c.B1, c.Valid, c.Votes["sc"] = 10, 10, 5, 0
			c.Votes["hu"], c.Votes["mu"] = 5, 0
		}), nil},
	})
	runRule(t, ballot.FindingPostalDecidedAbove, []ruleCase{
		{"decided above received, queried not", "B01", with(postalCount, func(c *ballot.Count) { c.Postal.Received, c.Postal.Queried = 39, 20 }),
			[]ballot.FieldValue{fv("admitted", 10), fv("rejected", 30), fv("received", 39)}},
		{"said once when queried adds up", "B01", with(postalCount, func(c *ballot.Count) { c.Postal.Received = 39 }), nil},
	})
}

func TestCheckCount_CumulativeSplitIsRequiredAndAddsUpToD(t *testing.T) {
	fs := check(t, "0101", with(cumulativeCount, func(c *ballot.Count) { c.Unchanged, c.Changed = nil, nil })())
	got := only(fs, ballot.FindingSplitMissing)
	if len(got) != 2 || got[0].Detail != "unchanged" || got[1].Detail != "changed" {
		t.Fatalf("want unchanged and changed missing: %v", got)
	}
	runRule(t, ballot.FindingSplitNotD, []ruleCase{
		{"one short", "0101", with(cumulativeCount, func(c *ballot.Count) { c.Changed = i64(279) }),
			[]ballot.FieldValue{fv("unchanged", 300), fv("changed", 279), fv("D", 580)}},
		{"zero unchanged", "0101", with(cumulativeCount, func(c *ballot.Count) { c.Unchanged, c.Changed = i64(0), i64(580) }), nil},
	})
}

func TestCheckCount_CumulativeEveryCandidateEnteredAndNoUnknown(t *testing.T) {
	runRule(t, ballot.FindingCandidateMissing, []ruleCase{
		{"missing", "0101", with(cumulativeCount, func(c *ballot.Count) { delete(c.CandidateVotes, "a-3"); c.Votes["a"] = 1400 }), []ballot.FieldValue{fv("cand:a-3", 0)}},
		{"zero entered", "0101", with(cumulativeCount, func(c *ballot.Count) { c.CandidateVotes["a-3"] = 0; c.Votes["a"] = 1400 }), nil},
	})
	runRule(t, ballot.FindingCandidateUnknown, []ruleCase{
		{"unknown", "0101", with(cumulativeCount, func(c *ballot.Count) { c.CandidateVotes["c-1"] = 7 }), []ballot.FieldValue{fv("cand:c-1", 7)}},
	})
}

func TestCheckCount_CumulativeListVotesAreTheSumOfItsCandidates(t *testing.T) {
	fs := check(t, "0101", with(cumulativeCount, func(c *ballot.Count) { c.CandidateVotes["b-2"] = 290 })())
	f := wantFinding(t, fs, ballot.FindingListNotCandidateSum, fv("D:b", 1100), fv("cand:b-1", 600), fv("cand:b-2", 290), fv("cand:b-3", 200))
	if f.Fields[0].Label != "Liste B" || f.Fields[2].Label != "Beck" {
		t.Errorf("labels: %v", f.Fields)
	}
	if got := f.Message(ballot.German); got != "Die Bewerber von „Liste B“ haben zusammen 1.090 Stimmen, der Wahlvorschlag aber 1.100." {
		t.Errorf("message: %s", got)
	}
}

func TestCheckCount_CumulativeVotesAtMostDTimesVotesPerVoter(t *testing.T) {
	// D = 580 ballots of 5 votes: 2,900 at most.
	runRule(t, ballot.FindingVotesAboveLimit, []ruleCase{
		{"one above", "0101", with(cumulativeCount, func(c *ballot.Count) { c.CandidateVotes["b-3"] += 101; c.Votes["b"] += 101 }),
			[]ballot.FieldValue{fv("D", 580), fv("votes_per_voter", 5), fv("D:a", 1700), fv("D:b", 1201)}},
		{"exactly at the limit", "0101", with(cumulativeCount, func(c *ballot.Count) { c.CandidateVotes["b-3"] += 100; c.Votes["b"] += 100 }), nil},
	})
}

func TestCheckCount_CumulativeCandidateAtMostDTimesMaxPerCandidate(t *testing.T) {
	// D = 580 ballots, at most 3 votes each: 1,740 for one candidate.
	runRule(t, ballot.FindingCandidateAboveLimit, []ruleCase{
		{"one above", "0101", with(cumulativeCount, func(c *ballot.Count) {
			c.CandidateVotes["a-1"], c.CandidateVotes["a-2"], c.CandidateVotes["a-3"] = 1741, 0, 0
			c.Votes["a"] = 1741
		}), []ballot.FieldValue{fv("cand:a-1", 1741), fv("D", 580), fv("max_per_candidate", 3)}},
		{"exactly at the limit", "0101", with(cumulativeCount, func(c *ballot.Count) {
			c.CandidateVotes["a-1"], c.CandidateVotes["a-2"], c.CandidateVotes["a-3"] = 1740, 0, 0
			c.Votes["a"] = 1740
		}), nil},
	})
}

func TestCheckCount_FindingsComeInAStableOrder(t *testing.T) {
	broken := func() *ballot.Count {
		c := cumulativeCount()
		c.Version, c.B1, c.Marks = 2, 700, i64(3)
		for _, id := range []string{"z", "y", "x", "w", "v"} {
			c.Votes[id] = 1
			c.CandidateVotes[id] = 2
		}
		c.CandidateVotes["a-1"] = 10_000
		return c
	}
	first := check(t, "0101", broken())
	for range 20 {
		if again := check(t, "0101", broken()); !reflect.DeepEqual(first, again) {
			t.Fatalf("findings differ between runs:\n%v\n%v", first, again)
		}
	}
	// Structure, options, the district, the contest, then warnings.
	want := []string{"correction-reason-missing",
		"option-unknown", "option-unknown", "option-unknown", "option-unknown", "option-unknown",
		"b1-above-b",
		"candidate-unknown", "candidate-unknown", "candidate-unknown", "candidate-unknown", "candidate-unknown",
		"list-not-sum-of-candidates", "candidate-votes-above-limit",
		"marks-plus-cards-differ"}
	if !slices.Equal(codesOf(first), want) {
		t.Errorf("codes %v\nwant  %v", codesOf(first), want)
	}
	// Unknown options are reported by id, whatever the map order.
	var ids []string
	for _, f := range only(first, ballot.FindingOptionUnknown) {
		ids = append(ids, f.Fields[0].Field)
	}
	if !slices.IsSorted(ids) {
		t.Errorf("unknown options not in id order: %v", ids)
	}
}
