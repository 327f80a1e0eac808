package sheets

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/reports"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// ErrUnknownView: a view of the results other than best, final or quick.
var ErrUnknownView = errors.New("unknown view: use best, final or quick")

// consistentReads bounds how often ResultSheet reads the results again
// when counts arrive while it reads them.
const consistentReads = 5

// ResultSheet builds the official result sheet of one view of the results
// (tally.ViewBest, ViewFinal or ViewQuick): per contest the figures of
// svc.Results, and an annex row per district with its current count of
// the view. Its fingerprint is ResultsFingerprint of the counts the
// results were computed from. The counts are read before and after the
// results, and the whole read is repeated when a count arrived in
// between, so that figures, annex and fingerprint describe one state.
func ResultSheet(ctx context.Context, svc *tally.Service, r store.Reader, view string) (reports.ResultSheet, error) {
	if !validView(view) {
		return reports.ResultSheet{}, fmt.Errorf("view %q: %w", view, ErrUnknownView)
	}
	for range consistentReads {
		before, err := r.CurrentCounts(ctx)
		if err != nil {
			return reports.ResultSheet{}, fmt.Errorf("read the current counts: %w", err)
		}
		res, err := svc.Results(ctx, view)
		if err != nil {
			return reports.ResultSheet{}, err
		}
		after, err := r.CurrentCounts(ctx)
		if err != nil {
			return reports.ResultSheet{}, fmt.Errorf("read the current counts: %w", err)
		}
		if sameCounts(before, after) {
			return resultSheet(svc.Definition(), res, ViewCounts(after, view))
		}
	}
	return reports.ResultSheet{}, fmt.Errorf("counts kept arriving while the results were read (%d tries); try again", consistentReads)
}

func resultSheet(def *ballot.Definition, res tally.Results, counts []store.CurrentCount) (reports.ResultSheet, error) {
	byKey := make(map[[2]string]ballot.Totals, len(counts))
	for _, c := range counts {
		byKey[[2]string{c.District, c.Contest}] = ballot.Totals(c.Numbers)
	}
	sheet := reports.ResultSheet{Election: def.Election, Generated: res.Generated,
		Fingerprint: ResultsFingerprint(counts), Wards: def.Wards}
	for _, cr := range res.Contests {
		c, b, ok := def.Contest(cr.Total.Contest)
		if !ok {
			return reports.ResultSheet{}, fmt.Errorf("the results name contest %q, which the definition does not hold", cr.Total.Contest)
		}
		cs := reports.ContestSheet{Contest: *c, Total: cr.Total, InPerson: cr.InPerson, Postal: cr.Postal,
			Districts: cr.Districts, Certified: cr.Certified}
		for _, w := range cr.Wards {
			cs.Wards = append(cs.Wards, reports.WardResult(w))
		}
		for i := range def.Districts {
			d := &def.Districts[i]
			if !slices.Contains(d.Ballots, b.ID) {
				continue
			}
			cs.Annex = append(cs.Annex, reports.DistrictRow{ID: d.ID, Name: d.Name, Ward: d.Ward, Kind: d.Kind,
				Numbers: byKey[[2]string{d.ID, c.ID}]})
		}
		sheet.Contests = append(sheet.Contests, cs)
	}
	return sheet, nil
}

func validView(view string) bool {
	switch view {
	case tally.ViewBest, tally.ViewFinal, tally.ViewQuick:
		return true
	}
	return false
}

// ViewCounts returns the current counts a view of the results is computed
// from, as the tally's running totals sum them: for ViewQuick the quick
// reports, for ViewFinal the final records, for ViewBest per district and
// contest the final record where there is one and the quick report
// otherwise. The result is sorted by district, then contest. An unknown
// view gives nothing.
func ViewCounts(counts []store.CurrentCount, view string) []store.CurrentCount {
	type key struct{ district, contest string }
	picked := map[key]store.CurrentCount{}
	for _, c := range counts {
		k := key{c.District, c.Contest}
		switch view {
		case tally.ViewQuick, tally.ViewFinal:
			if string(c.Stage) == view {
				picked[k] = c
			}
		case tally.ViewBest:
			if prev, ok := picked[k]; !ok || prev.Stage != ballot.StageFinal && c.Stage == ballot.StageFinal {
				picked[k] = c
			}
		}
	}
	out := make([]store.CurrentCount, 0, len(picked))
	for _, c := range picked {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b store.CurrentCount) int {
		return cmp.Or(strings.Compare(a.District, b.District), strings.Compare(a.Contest, b.Contest))
	})
	return out
}

// ResultsFingerprint is the fingerprint a result sheet prints: Fingerprint
// of the envelope hashes of the counts (see ViewCounts).
func ResultsFingerprint(counts []store.CurrentCount) string {
	hashes := make([]string, len(counts))
	for i, c := range counts {
		hashes[i] = c.EnvelopeHash
	}
	return Fingerprint(hashes)
}

// Fingerprint is the hex SHA-256 over a set of envelope hashes: the hashes
// (lower-case hex SHA-256 of each envelope's bytes, seal.EnvelopeHash)
// sorted in ascending order, each followed by a line feed. So anyone
// holding the evidence file recomputes the fingerprint of a result sheet
// without the office's database: hash every envelope, replay the counts
// (tally.Replay, as `wahlkoffer audit` does), pick the current counts of
// the sheet's view (ViewCounts), and hash their envelope hashes this way.
// No counts give the SHA-256 of nothing.
func Fingerprint(envelopeHashes []string) string {
	sorted := slices.Clone(envelopeHashes)
	slices.Sort(sorted)
	h := sha256.New()
	for _, s := range sorted {
		h.Write([]byte(s))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// sameCounts reports whether two reads of the current counts hold the same
// counts (the same envelope for every district, contest and stage).
func sameCounts(a, b []store.CurrentCount) bool {
	if len(a) != len(b) {
		return false
	}
	m := make(map[store.CountKey]string, len(a))
	for _, c := range a {
		m[c.CountKey] = c.EnvelopeHash
	}
	for _, c := range b {
		if h, ok := m[c.CountKey]; !ok || h != c.EnvelopeHash {
			return false
		}
	}
	return true
}
