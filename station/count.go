package station

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/station/sqlite"
)

// EntryResult is what the board sees after an entry: the checks of the
// figures as entered, and, once both entries are made, where they differ.
type EntryResult struct {
	Slot     int
	Findings []ballot.Finding
	Diffs    []ballot.FieldDiff
	Agreed   bool // both entries made and equal
}

// EnterCount stores one entry of a contest's count by a board member
// (four-eyes principle: two different members enter the same figures).
// The first entry takes slot 1 and the second, by someone else, slot 2;
// a member who entered before replaces their own entry, so a typing error
// is fixed by the one who made it. Counting needs the poll closed, the
// member present and the counting quorum.
//
// Figures carry the numbers only; contest, stage, version, entrants and
// reasons are the station's to fill in. An in-person entry without
// register figures takes A1, A2, A3 from the district's register.
func (s *Station) EnterCount(ctx context.Context, contest, enteredBy string, figures ballot.Count) (EntryResult, error) {
	var res EntryResult
	err := s.update(ctx, func(tx *sqlite.Tx, st *State) error {
		if err := s.checkCounting(st, contest, enteredBy); err != nil {
			return err
		}
		if err := checkIDs(figures); err != nil {
			return err
		}
		figures = s.normalize(contest, figures)
		entries := st.Entries[contest]
		res.Slot = 1
		switch {
		case len(entries) == 0:
		case entryBy(entries, enteredBy) > 0:
			res.Slot = entryBy(entries, enteredBy)
		case len(entries) == 1:
			res.Slot = 2
			if entries[0].Slot == 2 {
				res.Slot = 1
			}
		default:
			return refuse(CodeEntriesFull, "Beide Eingaben sind schon gemacht (von %s und %s). Nur sie können ihre Eingabe ändern, oder die Eingaben werden verworfen.",
				"Both entries are made already (by %s and %s). Only they can change their entry, or the entries are discarded.",
				entries[0].EnteredBy, entries[1].EnteredBy)
		}
		raw, err := json.Marshal(figures)
		if err != nil {
			return err
		}
		if err := tx.PutEntry(ctx, sqlite.Entry{Contest: contest, Slot: res.Slot, EnteredBy: enteredBy, Figures: raw, EnteredAt: s.now().UTC()}); err != nil {
			return err
		}
		res.Findings = s.entryFindings(figures)
		var other *ballot.Count
		for _, e := range entries {
			if e.Slot != res.Slot {
				other = e.Count
			}
		}
		if other != nil {
			first, second := other, &figures
			if res.Slot == 1 {
				first, second = second, first
			}
			res.Diffs = ballot.CompareEntries(first, second)
			res.Agreed = len(res.Diffs) == 0
		}
		return nil
	})
	return res, err
}

// checkIDs refuses figures keyed by an id that is not UTF-8: stored as
// JSON, such an id would change (to U+FFFD), and two identical entries
// would never agree.
func checkIDs(f ballot.Count) error {
	ids := slices.Collect(maps.Keys(f.Votes))
	ids = append(ids, slices.Collect(maps.Keys(f.CandidateVotes))...)
	if f.Postal != nil {
		for r := range f.Postal.RejectedBy {
			ids = append(ids, string(r))
		}
	}
	for _, id := range ids {
		if !utf8.ValidString(id) {
			return refuse(CodeFiguresInvalid, "Die Kennung %q ist kein UTF-8 (das Terminal auf UTF-8 stellen).",
				"The id %q is not UTF-8 (set the terminal to UTF-8).", id)
		}
	}
	return nil
}

func entryBy(entries []Entry, person string) int {
	for _, e := range entries {
		if e.EnteredBy == person {
			return e.Slot
		}
	}
	return 0
}

// checkCounting holds the rules of every counting act.
func (s *Station) checkCounting(st *State, contest, person string) error {
	if !s.countsContest(contest) {
		return refuse(CodeContestUnknown, "%q ist keine Wahl dieses Wahlbezirks.", "%q is not a contest of this district.", contest)
	}
	if st.Closed == nil {
		return refuse(CodePollsNotClosed, "Ausgezählt wird erst nach dem Schluss der Wahlhandlung.", "Counting starts only after the poll has closed.")
	}
	now := s.now()
	if person != "" {
		p, ok := st.Person(person)
		if !ok {
			return unknownPerson(person)
		}
		if !st.IsPresent(person, now) {
			return refuse(CodeNotEntrant, "%s ist nicht angemeldet und kann nicht eingeben.", "%s is not checked in and cannot enter figures.", p.Name)
		}
	}
	if q := s.Quorum(st, now); !q.Met {
		return quorumRefusal(q, "Die Auszählung", "count")
	}
	return nil
}

func (s *Station) countsContest(id string) bool { return s.contest(id) != nil }

// contest returns the contest of the district with the id, or nil.
func (s *Station) contest(id string) *ballot.Contest {
	if i := slices.IndexFunc(s.def.ContestsOf(s.district), func(c *ballot.Contest) bool { return c.ID == id }); i >= 0 {
		return s.def.ContestsOf(s.district)[i]
	}
	return nil
}

// normalize keeps the numbers of an entry and sets the rest.
func (s *Station) normalize(contest string, f ballot.Count) ballot.Count {
	f.Contest, f.Stage, f.Version, f.CorrectionReason, f.Reasons, f.EnteredBy = contest, "", 0, "", nil, nil
	if r := s.district.Register; r != nil && s.district.Kind == ballot.InPerson && f.A1 == 0 && f.A2 == 0 && f.A3 == 0 {
		f.A1, f.A2, f.A3 = r.A1, r.A2, r.A3
	}
	return f
}

// entryFindings checks the figures of one entry, leaving out what only a
// whole record has (stage, version, the two entrants).
func (s *Station) entryFindings(f ballot.Count) []ballot.Finding {
	f.Stage, f.Version, f.EnteredBy = ballot.StageQuick, 1, []string{"first", "second"}
	return ballot.CheckCount(s.def, s.district, &f, ballot.CheckContext{})
}

// DiscardEntries removes both entries of a contest, to start over.
func (s *Station) DiscardEntries(ctx context.Context, contest string) error {
	return s.update(ctx, func(tx *sqlite.Tx, st *State) error {
		if !s.countsContest(contest) {
			return refuse(CodeContestUnknown, "%q ist keine Wahl dieses Wahlbezirks.", "%q is not a contest of this district.", contest)
		}
		return tx.DeleteEntries(ctx, contest)
	})
}

// SubmitOptions carry what the board writes when it sends a count.
type SubmitOptions struct {
	Reasons          map[string]string // a reason per warning code
	CorrectionReason string            // needed for a second version of a stage
}

// Draft is the count the station would sign for a contest and stage: the
// agreed entries, with the next version and the reasons, and what still
// keeps it from being sent (Blocking; empty when it may be sent). It
// refuses when the entries are missing or differ.
func (s *Station) Draft(st *State, contest string, stage ballot.Stage, o SubmitOptions) (*ballot.Count, []ballot.Finding, error) {
	if stage != ballot.StageQuick && stage != ballot.StageFinal {
		return nil, nil, refuse(CodeStageInvalid, "%q ist weder quick (Schnellmeldung) noch final (Niederschrift).", "%q is neither quick nor final.", stage)
	}
	entries := st.Entries[contest]
	if len(entries) < 2 {
		return nil, nil, refuse(CodeEntriesMissing, "Für %s fehlt noch eine Eingabe: jedes Ergebnis wird von zwei Mitgliedern eingegeben.",
			"%s still lacks an entry: every count is entered by two members.", contest)
	}
	if diffs := ballot.CompareEntries(entries[0].Count, entries[1].Count); len(diffs) > 0 {
		e := refuse(CodeEntriesDiffer, "Die beiden Eingaben für %s weichen ab:", "The two entries for %s differ:", contest)
		e.Diffs, e.contest = diffs, s.contest(contest)
		return nil, nil, e
	}
	if stage == ballot.StageQuick && st.LastSent(contest, ballot.StageFinal) != nil {
		return nil, nil, refuse(CodeStageInvalid, "Die Niederschrift für %s ist gesendet; eine Schnellmeldung danach gibt es nicht.",
			"The final record of %s is sent; there is no quick report after it.", contest)
	}
	c := *entries[0].Count
	c.Stage, c.Version, c.EnteredBy = stage, 1, []string{entries[0].EnteredBy, entries[1].EnteredBy}
	c.Reasons = trimmed(o.Reasons)
	c.CorrectionReason = strings.TrimSpace(o.CorrectionReason)
	if last := st.LastSent(contest, stage); last != nil {
		if len(ballot.CompareEntries(last.Count, &c)) == 0 && maps.Equal(last.Count.Reasons, c.Reasons) {
			return nil, nil, refuse(CodeAlreadySent, "Diese Zahlen für %s sind schon gesendet (Fassung %d).", "These figures for %s were sent already (version %d).",
				contest, last.Count.Version)
		}
		c.Version = last.Count.Version + 1
	} else {
		c.CorrectionReason = ""
	}
	findings := ballot.CheckCount(s.def, s.district, &c, ballot.CheckContext{})
	if err := reasonsAsked(findings, c.Reasons); err != nil {
		return nil, nil, err
	}
	return &c, ballot.Sendable(findings, c.Reasons), nil
}

// reasonsAsked refuses a reason for a warning the count does not raise: a
// mistyped code, or a reason left over from other figures, would be signed
// into the record and printed beside figures it does not explain.
func reasonsAsked(findings []ballot.Finding, reasons map[string]string) error {
	for code := range reasons {
		if !slices.ContainsFunc(findings, func(f ballot.Finding) bool { return f.Code == code && f.Severity == ballot.SeverityWarning }) {
			return refuse(CodeReasonUnknown, "Die Zahlen ergeben keinen Hinweis %q; eine Begründung dafür gehört nicht in die Meldung.",
				"The figures raise no warning %q; a reason for it does not belong in the record.", code)
		}
	}
	return nil
}

func trimmed(m map[string]string) map[string]string {
	var out map[string]string
	for k, v := range m {
		if v = strings.TrimSpace(v); v != "" {
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
	}
	return out
}

// Submit signs the agreed count of a contest as quick report or final
// record and puts it in the outbox. A later different count of the same
// stage is a correction: a new version, with a reason. The entries stay,
// so the final record can follow the quick report with the same figures.
func (s *Station) Submit(ctx context.Context, contest string, stage ballot.Stage, o SubmitOptions) (*ballot.Count, error) {
	var out *ballot.Count
	err := s.update(ctx, func(tx *sqlite.Tx, st *State) error {
		if err := s.checkCounting(st, contest, ""); err != nil {
			return err
		}
		c, blocking, err := s.Draft(st, contest, stage, o)
		if err != nil {
			return err
		}
		if c.Version > 1 && c.CorrectionReason == "" {
			return refuse(CodeCorrectionNeeds, "Fassung %d von %s ist eine Berichtigung und braucht eine Begründung.",
				"Version %d of %s is a correction and needs a reason.", c.Version, contest)
		}
		if len(blocking) > 0 {
			e := refuse(CodeCountBlocked, "Das Ergebnis von %s kann so nicht gesendet werden:", "The count of %s cannot be sent like this:", contest)
			e.Findings = blocking
			return e
		}
		if _, err := s.record(ctx, tx, ballot.RecordCount, c); err != nil {
			return err
		}
		out = c
		return nil
	})
	return out, err
}
