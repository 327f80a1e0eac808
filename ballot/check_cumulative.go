package ballot

// Checks of a cumulative contest (Bavarian councils): C, D and B count
// ballots, Votes counts votes per list and CandidateVotes per candidate.
// Each voter has VotesPerVoter votes and may give a candidate up to
// MaxPerCandidate.

func (k *checker) cumulative() {
	c := k.c
	switch {
	case c.Unchanged == nil || c.Changed == nil:
		if c.Unchanged == nil {
			k.addDetail(FindingSplitMissing, FieldUnchanged)
		}
		if c.Changed == nil {
			k.addDetail(FindingSplitMissing, FieldChanged)
		}
	default:
		k.add(FindingSplitNotD, addSat(*c.Unchanged, *c.Changed) != c.Valid,
			k.fv(FieldUnchanged), k.fv(FieldChanged), k.fv(FieldD))
	}

	known := map[string]bool{}
	for _, l := range k.contest.Lists {
		for _, cand := range l.Candidates {
			known[cand.ID] = true
			if _, ok := c.CandidateVotes[cand.ID]; !ok {
				k.add(FindingCandidateMissing, true, FieldValue{Field: CandidateField(cand.ID), Label: cand.Name})
			}
		}
	}
	for _, id := range sortedKeys(c.CandidateVotes) {
		if !known[id] {
			k.add(FindingCandidateUnknown, true, k.fv(CandidateField(id)))
		}
	}

	// A list's votes are the personal votes of its candidates.
	for _, l := range k.contest.Lists {
		listVotes, ok := c.Votes[l.ID]
		if !ok {
			continue // option-missing already
		}
		fields := []FieldValue{k.fv(OptionField(l.ID))}
		var sum int64
		for _, cand := range l.Candidates {
			if v, ok := c.CandidateVotes[cand.ID]; ok {
				fields = append(fields, k.fv(CandidateField(cand.ID)))
				sum = addSat(sum, v)
			}
		}
		k.add(FindingListNotCandidateSum, sum != listVotes, fields...)
	}

	votesPerVoter, maxPer := k.contest.Cumulation()
	if c.Valid < 0 || votesPerVoter < 1 || maxPer < 1 {
		return // negative D is reported; a broken definition is validate's
	}
	fields := []FieldValue{k.fv(FieldD), {Field: FieldVotesPerVoter, Value: int64(votesPerVoter)}}
	var total int64
	for _, fv := range k.optionFields() {
		fields = append(fields, fv)
		total = addSat(total, fv.Value)
	}
	k.add(FindingVotesAboveLimit, total > mulSat(c.Valid, int64(votesPerVoter)), fields...)
	limit := mulSat(c.Valid, int64(maxPer))
	for _, l := range k.contest.Lists {
		for _, cand := range l.Candidates {
			if v, ok := c.CandidateVotes[cand.ID]; ok && v > limit {
				k.add(FindingCandidateAboveLimit, true, k.fv(CandidateField(cand.ID)), k.fv(FieldD),
					FieldValue{Field: FieldMaxPerCandidate, Value: int64(maxPer)})
			}
		}
	}
}
