package ballot

import (
	"fmt"
	"math"
	"slices"
)

// CandidateVotes is the number of valid votes of one candidate.
type CandidateVotes struct {
	ID    string `json:"id"`
	Votes int64  `json:"votes"`
}

// MajorityOutcome is what a majority contest decided. At most one of
// Winner and Runoff is set; Lot says what is left to drawing lots.
type MajorityOutcome struct {
	Rule  MajorityRule `json:"rule"`
	Valid int64        `json:"valid"` // the valid votes, the base of the absolute majority
	// Winner is the elected candidate, "" if none yet.
	Winner string `json:"winner,omitempty"`
	// Runoff holds the runoff candidates decided so far (absolute rule, no
	// one above half): two, or one when second place is left to a lot, or
	// none when three or more tie for first. Most votes first.
	Runoff []string `json:"runoff,omitempty"`
	// Lot is set when a tie that only lots can decide stands in the way.
	Lot *MajorityLot `json:"lot,omitempty"`
}

// MajorityLot says that Draw of Candidates (request order) are to be drawn
// by lot for the place(s) from Place on: Place 1 and Draw 1 is the winner
// under the relative rule; Place 1 and Draw 2 are both runoff places; Place
// 2 and Draw 1 is the second runoff place.
type MajorityLot struct {
	Place      int      `json:"place"`
	Draw       int      `json:"draw"`
	Candidates []string `json:"candidates"`
}

// Error codes of MajorityError.
const (
	// CodeMajorityInvalid: an unknown rule, no candidates, an empty or
	// repeated id, negative votes, a vote sum beyond int64.
	CodeMajorityInvalid = "majority-invalid"
	// CodeMajorityNoVotes: no candidate has any vote.
	CodeMajorityNoVotes = "majority-no-votes"
)

// MajorityError is the error of DecideMajority.
type MajorityError struct {
	Code      string // one of the CodeMajority constants
	Candidate string // the candidate concerned, if one is
	Message   string
}

func (e *MajorityError) Error() string {
	if e.Candidate != "" {
		return fmt.Sprintf("%s: candidate %q: %s", e.Code, e.Candidate, e.Message)
	}
	return e.Code + ": " + e.Message
}

func majorityErr(code, cand, format string, args ...any) error {
	return &MajorityError{Code: code, Candidate: cand, Message: fmt.Sprintf(format, args...)}
}

// DecideMajority decides a majority contest.
//
// RuleAbsolute (also for an empty rule, the default of a contest): more
// than half of the valid votes elect; exactly half is not enough. Otherwise
// the two candidates with the most votes go to a runoff, and a tie that
// decides who they are is left to a lot. RuleRelative: the most votes
// win, a tie for first is a lot. A runoff round is decided with
// RuleRelative.
//
// The outcome does not depend on the order of votes, except that equal
// candidates are listed in that order.
func DecideMajority(rule MajorityRule, votes []CandidateVotes) (MajorityOutcome, error) {
	if rule == "" {
		rule = RuleAbsolute
	}
	if rule != RuleAbsolute && rule != RuleRelative {
		return MajorityOutcome{}, majorityErr(CodeMajorityInvalid, "", "unknown majority rule %q", rule)
	}
	if len(votes) == 0 {
		return MajorityOutcome{}, majorityErr(CodeMajorityInvalid, "", "no candidates")
	}
	seen := make(map[string]bool, len(votes))
	var total int64
	for i, c := range votes {
		switch {
		case c.ID == "":
			return MajorityOutcome{}, majorityErr(CodeMajorityInvalid, "", "candidate %d has an empty id", i+1)
		case seen[c.ID]:
			return MajorityOutcome{}, majorityErr(CodeMajorityInvalid, c.ID, "listed twice")
		case c.Votes < 0:
			return MajorityOutcome{}, majorityErr(CodeMajorityInvalid, c.ID, "negative votes %d", c.Votes)
		case c.Votes > math.MaxInt64-total:
			return MajorityOutcome{}, majorityErr(CodeMajorityInvalid, "", "the votes add up to more than %d", int64(math.MaxInt64))
		}
		seen[c.ID] = true
		total += c.Votes
	}
	out := MajorityOutcome{Rule: rule, Valid: total}
	if total == 0 {
		return MajorityOutcome{}, majorityErr(CodeMajorityNoVotes, "", "no candidate has any vote")
	}

	// Most votes first; the stable sort keeps equals in request order.
	ranked := slices.Clone(votes)
	slices.SortStableFunc(ranked, func(a, b CandidateVotes) int {
		switch {
		case a.Votes > b.Votes:
			return -1
		case a.Votes < b.Votes:
			return 1
		}
		return 0
	})
	first := tiedAt(ranked, 0)

	if rule == RuleRelative {
		if len(first) == 1 {
			out.Winner = first[0]
		} else {
			out.Lot = &MajorityLot{Place: 1, Draw: 1, Candidates: first}
		}
		return out, nil
	}

	// 2v > total, written so that it cannot overflow.
	if top := ranked[0].Votes; top > total-top {
		out.Winner = ranked[0].ID // more than half: necessarily alone in first place
		return out, nil
	}
	switch {
	case len(first) >= 3:
		out.Lot = &MajorityLot{Place: 1, Draw: 2, Candidates: first}
	case len(first) == 2:
		out.Runoff = first
	default:
		// Nobody above half and a single leader means that another
		// candidate has votes, so a second place exists.
		second := tiedAt(ranked, 1)
		out.Runoff = []string{first[0]}
		if len(second) == 1 {
			out.Runoff = append(out.Runoff, second[0])
		} else {
			out.Lot = &MajorityLot{Place: 2, Draw: 1, Candidates: second}
		}
	}
	return out, nil
}

// tiedAt returns the ids of the candidates with the votes of ranked[i].
func tiedAt(ranked []CandidateVotes, i int) []string {
	var ids []string
	for _, c := range ranked[i:] {
		if c.Votes != ranked[i].Votes {
			break
		}
		ids = append(ids, c.ID)
	}
	return ids
}
