package ballot

import (
	"strings"
	"unicode/utf8"
)

// Severity says what a finding means for sending a count.
type Severity string

const (
	// SeverityError blocks sending: the numbers cannot all be right.
	SeverityError Severity = "error"
	// SeverityWarning is a plausibility check: the count may be sent once
	// the board has written down a reason (MinReasonLength to
	// MaxReasonLength characters).
	SeverityWarning Severity = "warning"
)

// Finding is one thing the checks of a count found. Code is stable and
// meant for machines and tests (add codes, never rename them); Fields name
// the entries involved with the numbers they held, so that a form can
// highlight them and the message can quote them.
type Finding struct {
	Code     string       `json:"code"`
	Severity Severity     `json:"severity"`
	Contest  string       `json:"contest,omitempty"` // "" for district-level findings
	Fields   []FieldValue `json:"fields,omitempty"`
	// Detail carries a value that is not a number: an unknown stage, the
	// district of contest-not-in-district, the name of a field that does not
	// belong, or the warning code a reason-* finding is about.
	Detail string `json:"detail,omitempty"`
}

// FieldValue is an entry of a count and the number it held. Field uses the
// letters of the federal forms (A1, A2, A3, B, B1, C, D) or one of the
// names below; Label is the name of an option or candidate for messages.
type FieldValue struct {
	Field string `json:"field"`
	Value int64  `json:"value"`
	Label string `json:"label,omitempty"`
}

// Field names beyond the letters. Option and candidate fields carry the id
// after a prefix; definition ids cannot hold ':' so the names never clash.
const (
	FieldA1              = "A1"
	FieldA2              = "A2"
	FieldA3              = "A3"
	FieldB               = "B"
	FieldB1              = "B1"
	FieldC               = "C"
	FieldD               = "D"
	FieldMarks           = "marks"     // vote marks in the register
	FieldUnchanged       = "unchanged" // cumulative: ballots with a single list cross
	FieldChanged         = "changed"   // cumulative: all other valid ballots
	FieldReceived        = "received"  // postal letters
	FieldQueried         = "queried"
	FieldAdmitted        = "admitted"
	FieldRejected        = "rejected"
	FieldVersion         = "version"
	FieldEnteredBy       = "entered_by"
	FieldReason          = "reason"            // length of a written reason, in characters
	FieldVotesPerVoter   = "votes_per_voter"   // from the definition
	FieldMaxPerCandidate = "max_per_candidate" // from the definition

	optionPrefix    = "D:"
	candidatePrefix = "cand:"
	rejectedPrefix  = "rejected:"
	registerPrefix  = "register:"
)

// OptionField names the votes of an option (D1 … Dn): "D:<option id>".
func OptionField(optionID string) string { return optionPrefix + optionID }

// CandidateField names the personal votes of a candidate of a cumulative
// contest: "cand:<candidate id>".
func CandidateField(candidateID string) string { return candidatePrefix + candidateID }

// RejectedField names the rejected postal letters of one reason:
// "rejected:<reason>".
func RejectedField(r RejectReason) string { return rejectedPrefix + string(r) }

// RegisterField names a register figure of the definition, e.g.
// "register:A1", as opposed to the A1 on the record.
func RegisterField(letter string) string { return registerPrefix + letter }

// Finding codes. Errors block sending; warnings need a written reason.
const (
	// Structure (errors).
	FindingContestUnknown        = "contest-unknown"
	FindingDistrictUnknown       = "district-unknown"
	FindingContestNotInDistrict  = "contest-not-in-district"
	FindingStageInvalid          = "stage-invalid"
	FindingVersionInvalid        = "version-invalid"
	FindingCorrectionReason      = "correction-reason-missing"
	FindingEnteredByInvalid      = "entered-by-invalid"
	FindingNumberNegative        = "number-negative"
	FindingNumberTooLarge        = "number-too-large"
	FindingOptionUnknown         = "option-unknown"
	FindingOptionMissing         = "option-missing"
	FindingFieldNotForKind       = "field-not-for-kind"
	FindingValidPlusInvalidNotB  = "valid-plus-invalid-not-b"
	FindingOptionsSumNotD        = "options-sum-not-d"
	FindingB1AboveB              = "b1-above-b"
	FindingWithoutCardAboveA1    = "without-card-above-a1"
	FindingA1Missing             = "a1-missing"
	FindingPostalAValues         = "postal-a-values"
	FindingPostalB1NotB          = "postal-b1-not-b"
	FindingPostalLettersMissing  = "postal-letters-missing"
	FindingPostalQueriedMismatch = "postal-queried-not-admitted-plus-rejected"
	FindingPostalRejectedSum     = "postal-rejected-not-sum-of-reasons"
	FindingPostalReasonUnknown   = "postal-reason-unknown"
	FindingPostalDecidedAbove    = "postal-decided-above-received"
	FindingPostalQueriedAbove    = "postal-queried-above-received"
	FindingSplitMissing          = "cumulative-split-missing"
	FindingSplitNotD             = "unchanged-plus-changed-not-d"
	FindingCandidateUnknown      = "candidate-unknown"
	FindingCandidateMissing      = "candidate-missing"
	FindingListNotCandidateSum   = "list-not-sum-of-candidates"
	FindingVotesAboveLimit       = "cumulative-votes-above-limit"
	FindingCandidateAboveLimit   = "candidate-votes-above-limit"
	// Written reasons for warnings (errors, from Sendable).
	FindingReasonMissing  = "reason-missing"
	FindingReasonTooShort = "reason-too-short"
	FindingReasonTooLong  = "reason-too-long"

	// Plausibility (warnings).
	FindingTurnoutHigh     = "turnout-high"
	FindingTurnoutLow      = "turnout-low"
	FindingFewVoters       = "few-voters"
	FindingMarksDiffer     = "marks-plus-cards-differ"
	FindingZeroWhereStrong = "zero-where-strong"
	FindingPostalBDiffers  = "postal-b-not-received-minus-rejected"
	FindingRegisterDiffers = "register-differs"
)

// FindingCodes lists every finding code in a stable order.
var FindingCodes = []string{
	FindingContestUnknown, FindingDistrictUnknown, FindingContestNotInDistrict,
	FindingStageInvalid, FindingVersionInvalid, FindingCorrectionReason,
	FindingEnteredByInvalid, FindingNumberNegative, FindingNumberTooLarge,
	FindingOptionUnknown, FindingOptionMissing, FindingFieldNotForKind,
	FindingValidPlusInvalidNotB, FindingOptionsSumNotD, FindingB1AboveB,
	FindingWithoutCardAboveA1, FindingA1Missing, FindingPostalAValues,
	FindingPostalB1NotB, FindingPostalLettersMissing, FindingPostalQueriedMismatch,
	FindingPostalRejectedSum, FindingPostalReasonUnknown, FindingPostalDecidedAbove,
	FindingPostalQueriedAbove, FindingSplitMissing, FindingSplitNotD,
	FindingCandidateUnknown, FindingCandidateMissing, FindingListNotCandidateSum,
	FindingVotesAboveLimit, FindingCandidateAboveLimit,
	FindingReasonMissing, FindingReasonTooShort, FindingReasonTooLong,
	FindingTurnoutHigh, FindingTurnoutLow, FindingFewVoters, FindingMarksDiffer,
	FindingZeroWhereStrong, FindingPostalBDiffers, FindingRegisterDiffers,
}

// warningCodes are the codes of severity warning; every other code is an
// error.
var warningCodes = map[string]bool{
	FindingTurnoutHigh: true, FindingTurnoutLow: true, FindingFewVoters: true,
	FindingMarksDiffer: true, FindingZeroWhereStrong: true, FindingPostalBDiffers: true,
	FindingRegisterDiffers: true,
}

// SeverityOf returns the severity of a finding code.
func SeverityOf(code string) Severity {
	if warningCodes[code] {
		return SeverityWarning
	}
	return SeverityError
}

// newFinding builds a finding with the severity of its code.
func newFinding(code, contest string, fields ...FieldValue) Finding {
	return Finding{Code: code, Severity: SeverityOf(code), Contest: contest, Fields: fields}
}

// Value returns the number the finding holds for field.
func (f Finding) Value(field string) (int64, bool) {
	for _, fv := range f.Fields {
		if fv.Field == field {
			return fv.Value, true
		}
	}
	return 0, false
}

// Names reports whether the finding involves field, so that a form can
// mark it.
func (f Finding) Names(field string) bool {
	_, ok := f.Value(field)
	return ok
}

// String renders the finding as "code: message" in English, for logs.
func (f Finding) String() string { return f.Code + ": " + f.Message(English) }

// HasErrors reports whether any finding is an error.
func HasErrors(findings []Finding) bool {
	for _, f := range findings {
		if f.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Bounds of a written reason for a warning (DOMAIN.md), in characters.
const (
	MinReasonLength = 3
	MaxReasonLength = 500
)

// Sendable returns what still keeps a count from being sent: every error,
// and for every warning code without a fitting written reason a
// reason-missing, reason-too-short or reason-too-long finding (an error,
// with Detail naming the warning). reasons maps warning codes to the
// board's text, as Count.Reasons does; one reason covers every warning of
// its code. An empty result means the count may be sent. The order follows
// findings.
func Sendable(findings []Finding, reasons map[string]string) []Finding {
	var out []Finding
	seen := map[string]bool{}
	for _, f := range findings {
		if f.Severity != SeverityWarning {
			out = append(out, f)
			continue
		}
		if seen[f.Code] {
			continue
		}
		seen[f.Code] = true
		if rf, bad := checkReason(f, reasons[f.Code]); bad {
			out = append(out, rf)
		}
	}
	return out
}

// checkReason returns the reason-* finding for a warning whose reason does
// not fit, counting characters (runes) after trimming white space.
func checkReason(w Finding, reason string) (Finding, bool) {
	n := int64(utf8.RuneCountInString(strings.TrimSpace(reason)))
	rf := Finding{Severity: SeverityError, Contest: w.Contest, Detail: w.Code}
	switch {
	case n == 0:
		rf.Code = FindingReasonMissing
	case n < MinReasonLength:
		rf.Code = FindingReasonTooShort
	case n > MaxReasonLength:
		rf.Code = FindingReasonTooLong
	default:
		return Finding{}, false
	}
	if n > 0 {
		rf.Fields = []FieldValue{{Field: FieldReason, Value: n}}
	}
	return rf, true
}
