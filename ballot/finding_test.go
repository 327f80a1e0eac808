package ballot_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// messageSample is a finding of each code as the checks build it, with the
// numbers both messages must quote (computed sums included) and words
// each language must use.
type messageSample struct {
	f       ballot.Finding
	numbers []int64
	de, en  []string
}

func label(field string, v int64, name string) ballot.FieldValue {
	return ballot.FieldValue{Field: field, Value: v, Label: name}
}

var messageSamples = map[string]messageSample{
	"contest-unknown":         {f: ballot.Finding{Contest: "sr2"}, de: []string{"„sr2“"}, en: []string{`"sr2"`}},
	"district-unknown":        {},
	"contest-not-in-district": {f: ballot.Finding{Contest: "council", Detail: "0102"}, de: []string{"„council“", "„0102“"}, en: []string{`"council"`, `"0102"`}},
	"stage-invalid":           {f: ballot.Finding{Detail: "provisional"}, de: []string{"„provisional“"}, en: []string{`"provisional"`}},
	"version-invalid":         {f: ballot.Finding{Fields: []ballot.FieldValue{fv("version", 0)}}, numbers: []int64{0}},
	"correction-reason-missing": {f: ballot.Finding{Fields: []ballot.FieldValue{fv("version", 2)}}, numbers: []int64{2},
		de: []string{"Berichtigung"}, en: []string{"correction"}},
	"entered-by-invalid": {f: ballot.Finding{Fields: []ballot.FieldValue{fv("entered_by", 1)}}, numbers: []int64{1}},
	"number-negative":    {f: ballot.Finding{Fields: []ballot.FieldValue{label("D:sc", -90, "Clara Schmid")}}, numbers: []int64{-90}, de: []string{"Clara Schmid"}, en: []string{"Clara Schmid"}},
	"number-too-large":   {f: ballot.Finding{Fields: []ballot.FieldValue{fv("B", 1_000_000_001)}}, numbers: []int64{1_000_000_001, 1_000_000_000}},
	"option-unknown":     {f: ballot.Finding{Fields: []ballot.FieldValue{fv("D:spd", 7)}}, numbers: []int64{7}, de: []string{"„spd“"}, en: []string{`"spd"`}},
	"option-missing":     {f: ballot.Finding{Fields: []ballot.FieldValue{label("D:hu", 0, "Anna Huber")}}, numbers: []int64{0}, de: []string{"„Anna Huber“"}, en: []string{`"Anna Huber"`}},
	"field-not-for-kind": {f: ballot.Finding{Detail: "marks"}, de: []string{"Stimmabgabevermerke"}, en: []string{"marks in the register"}},
	"valid-plus-invalid-not-b": {f: ballot.Finding{Fields: []ballot.FieldValue{fv("C", 12), fv("D", 830), fv("B", 845)}},
		numbers: []int64{12, 830, 842, 845}},
	"options-sum-not-d": {f: ballot.Finding{Fields: []ballot.FieldValue{fv("D", 829), fv("D:hu", 500), fv("D:mu", 300), fv("D:sc", 30)}},
		numbers: []int64{829, 830}},
	"b1-above-b":             {f: ballot.Finding{Fields: []ballot.FieldValue{fv("B1", 601), fv("B", 600)}}, numbers: []int64{601, 600}},
	"without-card-above-a1":  {f: ballot.Finding{Fields: []ballot.FieldValue{fv("B", 600), fv("B1", 0), fv("A1", 599)}}, numbers: []int64{600, 0, 599}},
	"a1-missing":             {f: ballot.Finding{Fields: []ballot.FieldValue{fv("A1", 0)}}, numbers: []int64{0}},
	"postal-a-values":        {f: ballot.Finding{Fields: []ballot.FieldValue{fv("A1", 1000), fv("A3", 2)}}, numbers: []int64{1000, 2}},
	"postal-b1-not-b":        {f: ballot.Finding{Fields: []ballot.FieldValue{fv("B", 400), fv("B1", 399)}}, numbers: []int64{400, 399}},
	"postal-letters-missing": {de: []string{"Wahlbriefe"}, en: []string{"ballot letters"}},
	"postal-queried-not-admitted-plus-rejected": {f: ballot.Finding{Fields: []ballot.FieldValue{fv("queried", 40), fv("admitted", 11), fv("rejected", 30)}},
		numbers: []int64{40, 11, 30, 41}},
	"postal-rejected-not-sum-of-reasons": {f: ballot.Finding{Fields: []ballot.FieldValue{fv("rejected", 30), fv("rejected:no-valid-card", 20), fv("rejected:declaration-unsigned", 9)}},
		numbers: []int64{30, 29}},
	"postal-reason-unknown": {f: ballot.Finding{Detail: "late", Fields: []ballot.FieldValue{fv("rejected:late", 10)}}, numbers: []int64{10},
		de: []string{"„late“", "§ 39"}, en: []string{`"late"`, "§ 39"}},
	"postal-decided-above-received": {f: ballot.Finding{Fields: []ballot.FieldValue{fv("admitted", 10), fv("rejected", 30), fv("received", 39)}},
		numbers: []int64{10, 30, 40, 39}},
	"postal-queried-above-received": {f: ballot.Finding{Fields: []ballot.FieldValue{fv("queried", 40), fv("received", 39)}}, numbers: []int64{40, 39}},
	"cumulative-split-missing":      {f: ballot.Finding{Detail: "unchanged"}, de: []string{"unveränderte Stimmzettel"}, en: []string{"unchanged ballots"}},
	"unchanged-plus-changed-not-d": {f: ballot.Finding{Fields: []ballot.FieldValue{fv("unchanged", 300), fv("changed", 279), fv("D", 580)}},
		numbers: []int64{300, 279, 579, 580}},
	"candidate-unknown": {f: ballot.Finding{Fields: []ballot.FieldValue{fv("cand:c-1", 7)}}, numbers: []int64{7}, de: []string{"„c-1“"}, en: []string{`"c-1"`}},
	"candidate-missing": {f: ballot.Finding{Fields: []ballot.FieldValue{label("cand:a-3", 0, "Arnold")}}, numbers: []int64{0}, de: []string{"„Arnold“"}, en: []string{`"Arnold"`}},
	"list-not-sum-of-candidates": {f: ballot.Finding{Fields: []ballot.FieldValue{label("D:b", 1100, "Liste B"), fv("cand:b-1", 600), fv("cand:b-2", 290), fv("cand:b-3", 200)}},
		numbers: []int64{1100, 1090}, de: []string{"„Liste B“"}, en: []string{`"Liste B"`}},
	"cumulative-votes-above-limit": {f: ballot.Finding{Fields: []ballot.FieldValue{fv("D", 580), fv("votes_per_voter", 5), fv("D:a", 1700), fv("D:b", 1201)}},
		numbers: []int64{580, 5, 2901, 2900}},
	"candidate-votes-above-limit": {f: ballot.Finding{Fields: []ballot.FieldValue{label("cand:a-1", 1741, "Albrecht"), fv("D", 580), fv("max_per_candidate", 3)}},
		numbers: []int64{1741, 580, 3, 1740}, de: []string{"„Albrecht“"}, en: []string{`"Albrecht"`}},
	"reason-missing": {f: ballot.Finding{Detail: "marks-plus-cards-differ"}, numbers: []int64{3, 500},
		de: []string{"Vermerken und Wahlscheinen"}, en: []string{"marks and polling cards"}},
	"reason-too-short": {f: ballot.Finding{Detail: "turnout-high", Fields: []ballot.FieldValue{fv("reason", 2)}}, numbers: []int64{2, 3},
		de: []string{"über 95 %"}, en: []string{"above 95 %"}},
	"reason-too-long": {f: ballot.Finding{Detail: "few-voters", Fields: []ballot.FieldValue{fv("reason", 501)}}, numbers: []int64{501, 500},
		de: []string{"weniger als 50 Wähler"}, en: []string{"fewer than 50 voters"}},
	"turnout-high": {f: ballot.Finding{Fields: []ballot.FieldValue{fv("B", 963), fv("A1", 1000)}}, numbers: []int64{963, 1000},
		de: []string{"96,3 %"}, en: []string{"96.3 %"}},
	"turnout-low": {f: ballot.Finding{Fields: []ballot.FieldValue{fv("B", 99), fv("A1", 2000)}}, numbers: []int64{99, 2000},
		de: []string{"4,95 %"}, en: []string{"4.95 %"}},
	"few-voters": {f: ballot.Finding{Fields: []ballot.FieldValue{fv("B", 49)}}, numbers: []int64{49, 50}},
	"marks-plus-cards-differ": {f: ballot.Finding{Fields: []ballot.FieldValue{fv("B", 600), fv("marks", 499), fv("B1", 100)}},
		numbers: []int64{600, 499, 100, 599}},
	"zero-where-strong": {f: ballot.Finding{Fields: []ballot.FieldValue{label("D:gruene", 0, "GRÜNE")}}, numbers: []int64{0}, de: []string{"„GRÜNE“"}, en: []string{`"GRÜNE"`}},
	"postal-b-not-received-minus-rejected": {f: ballot.Finding{Fields: []ballot.FieldValue{fv("B", 401), fv("received", 430), fv("rejected", 30)}},
		numbers: []int64{401, 430, 30, 400}},
	"register-differs": {f: ballot.Finding{Fields: []ballot.FieldValue{fv("A1", 1001), fv("register:A1", 1000)}}, numbers: []int64{1001, 1000},
		de: []string{"A1"}, en: []string{"A1"}},
}

func TestFindingMessages_EveryCodeSpeaksGermanAndEnglishAndQuotesTheNumbers(t *testing.T) {
	for _, code := range ballot.FindingCodes {
		s, ok := messageSamples[code]
		if !ok {
			t.Errorf("%s: no sample in this test", code)
			continue
		}
		f := s.f
		f.Code, f.Severity = code, ballot.SeverityOf(code)
		de, en := f.Message(ballot.German), f.Message(ballot.English)
		if de == "" || en == "" || de == en {
			t.Errorf("%s: de %q, en %q", code, de, en)
		}
		for _, m := range []string{de, en} {
			if strings.Contains(m, "%!") || strings.Contains(m, code) {
				t.Errorf("%s: a fallback or a formatting slip: %q", code, m)
			}
		}
		if f.Message("") != de {
			t.Errorf("%s: German is not the default", code)
		}
		for _, n := range s.numbers {
			if !strings.Contains(de, ballot.FormatCount(n, ballot.German)) || !strings.Contains(en, ballot.FormatCount(n, ballot.English)) {
				t.Errorf("%s: the number %d is missing from\n  %s\n  %s", code, n, de, en)
			}
		}
		for _, w := range s.de {
			if !strings.Contains(de, w) {
				t.Errorf("%s: %q is missing from %q", code, w, de)
			}
		}
		for _, w := range s.en {
			if !strings.Contains(en, w) {
				t.Errorf("%s: %q is missing from %q", code, w, en)
			}
		}
	}
	for code := range messageSamples {
		if !slices.Contains(ballot.FindingCodes, code) {
			t.Errorf("sample for %s, which is not in FindingCodes", code)
		}
	}
}

func TestFindingMessages_TheBriefsExample(t *testing.T) {
	f := ballot.Finding{Code: ballot.FindingValidPlusInvalidNotB, Fields: []ballot.FieldValue{fv("C", 12), fv("D", 830), fv("B", 845)}}
	if got, want := f.Message(ballot.German), "Ungültige (C = 12) und gültige Stimmen (D = 830) ergeben 842, aber B ist 845."; got != want {
		t.Errorf("de\n got %s\nwant %s", got, want)
	}
	if got, want := f.Message(ballot.English), "Invalid (C = 12) and valid votes (D = 830) add up to 842, but B is 845."; got != want {
		t.Errorf("en\n got %s\nwant %s", got, want)
	}
	big := ballot.Finding{Code: ballot.FindingValidPlusInvalidNotB, Fields: []ballot.FieldValue{fv("C", 12), fv("D", 1830), fv("B", 1845)}}
	if got := big.Message(ballot.German); !strings.Contains(got, "1.842") || !strings.Contains(big.Message(ballot.English), "1,842") {
		t.Errorf("thousands separators: %s", got)
	}
}

// Every Finding constant in finding.go is listed in FindingCodes, once.
func TestFindingCodes_ListsEveryCodeOnce(t *testing.T) {
	src, err := os.ReadFile("finding.go")
	if err != nil {
		t.Fatal(err)
	}
	consts := regexp.MustCompile(`(?m)^\s+Finding\w+\s+= "([a-z0-9-]+)"`).FindAllSubmatch(src, -1)
	if len(consts) != len(ballot.FindingCodes) {
		t.Errorf("finding.go has %d codes, FindingCodes %d", len(consts), len(ballot.FindingCodes))
	}
	seen := map[string]bool{}
	for _, code := range ballot.FindingCodes {
		if seen[code] {
			t.Errorf("%s listed twice", code)
		}
		seen[code] = true
	}
	for _, m := range consts {
		if !seen[string(m[1])] {
			t.Errorf("%s is not in FindingCodes", m[1])
		}
	}
	warnings := 0
	for _, code := range ballot.FindingCodes {
		if ballot.SeverityOf(code) == ballot.SeverityWarning {
			warnings++
		}
	}
	if warnings != 7 {
		t.Errorf("%d warning codes, want the 7 plausibility checks", warnings)
	}
}

func TestSendable_ErrorsBlockAndWarningsNeedAReasonOf3To500Characters(t *testing.T) {
	warn := ballot.Finding{Code: ballot.FindingMarksDiffer, Severity: ballot.SeverityWarning, Contest: "mayor"}
	errF := ballot.Finding{Code: ballot.FindingB1AboveB, Severity: ballot.SeverityError, Contest: "mayor"}
	for _, tc := range []struct {
		name   string
		reason *string
		want   string // code of what is left, "" for nothing
		length int64
	}{
		{"no reason", nil, ballot.FindingReasonMissing, 0},
		{"blank", ptr("   \t"), ballot.FindingReasonMissing, 0},
		{"two characters", ptr("ok"), ballot.FindingReasonTooShort, 2},
		{"two characters in spaces", ptr("  ok  "), ballot.FindingReasonTooShort, 2},
		{"three umlauts are three characters", ptr("äöü"), "", 0},
		{"500 characters", ptr(strings.Repeat("ß", 500)), "", 0},
		{"501 characters", ptr(strings.Repeat("ß", 501)), ballot.FindingReasonTooLong, 501},
	} {
		reasons := map[string]string{}
		if tc.reason != nil {
			reasons[warn.Code] = *tc.reason
		}
		left := ballot.Sendable([]ballot.Finding{warn}, reasons)
		if tc.want == "" {
			if len(left) > 0 {
				t.Errorf("%s: left %v", tc.name, left)
			}
			continue
		}
		if len(left) != 1 || left[0].Code != tc.want || left[0].Severity != ballot.SeverityError ||
			left[0].Detail != warn.Code || left[0].Contest != "mayor" {
			t.Errorf("%s: left %+v, want %s", tc.name, left, tc.want)
			continue
		}
		if n, _ := left[0].Value("reason"); n != tc.length {
			t.Errorf("%s: length %d, want %d", tc.name, n, tc.length)
		}
	}

	// An error blocks whatever reason is given for it.
	left := ballot.Sendable([]ballot.Finding{errF, warn}, map[string]string{errF.Code: "Nachgezählt.", warn.Code: "Nachgezählt."})
	if len(left) != 1 || left[0].Code != errF.Code {
		t.Errorf("error with a reason: %v", left)
	}
	// One reason covers every warning of its code; each code is asked once.
	zero := func(id string) ballot.Finding {
		return ballot.Finding{Code: ballot.FindingZeroWhereStrong, Severity: ballot.SeverityWarning, Fields: []ballot.FieldValue{fv("D:"+id, 0)}}
	}
	if left := ballot.Sendable([]ballot.Finding{zero("spd"), zero("gruene")}, nil); len(left) != 1 {
		t.Errorf("two warnings of one code: %v", left)
	}
	if left := ballot.Sendable([]ballot.Finding{zero("spd"), zero("gruene")}, map[string]string{ballot.FindingZeroWhereStrong: "Kein Wahlvorschlag im Bezirk."}); len(left) != 0 {
		t.Errorf("one reason for both: %v", left)
	}
	if left := ballot.Sendable(nil, map[string]string{"stale": "x"}); len(left) != 0 {
		t.Errorf("a reason without a warning is harmless: %v", left)
	}
}

func ptr(s string) *string { return &s }

func TestFinding_ValueNamesAndString(t *testing.T) {
	f := ballot.Finding{Code: ballot.FindingB1AboveB, Fields: []ballot.FieldValue{fv("B1", 601), fv("B", 600)}}
	if v, ok := f.Value("B"); !ok || v != 600 || !f.Names("B1") || f.Names("C") {
		t.Errorf("Value/Names: %v %v", v, ok)
	}
	if got := f.String(); !strings.HasPrefix(got, "b1-above-b: More voters") {
		t.Errorf("String: %s", got)
	}
	unknown := ballot.Finding{Code: "new-check", Fields: []ballot.FieldValue{fv("B", 7)}}
	if m := unknown.Message(ballot.German); !strings.Contains(m, "new-check") || !strings.Contains(m, "B = 7") {
		t.Errorf("fallback message: %s", m)
	}
	short := ballot.Finding{Code: ballot.FindingSplitNotD} // no fields: renders, never panics
	if short.Message(ballot.English) == "" {
		t.Error("empty message for a finding without fields")
	}
	if ballot.OptionField("spd") != "D:spd" || ballot.CandidateField("a-1") != "cand:a-1" ||
		ballot.RejectedField(ballot.RejectUnsealed) != "rejected:unsealed" || ballot.RegisterField("A1") != "register:A1" {
		t.Error("field names changed; forms and stored findings rely on them")
	}
}
