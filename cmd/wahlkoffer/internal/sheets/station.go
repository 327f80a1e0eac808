package sheets

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/reports"
	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// ErrUnknownDistrict: a district the election does not hold.
var ErrUnknownDistrict = errors.New("not a district of the election")

// ErrUnknownStage: a stage other than quick or final.
var ErrUnknownStage = errors.New("unknown stage: use quick (Schnellmeldung) or final (Wahlniederschrift)")

// signedCount is a count the station signed, with what names its record.
type signedCount struct {
	count        *ballot.Count
	time         time.Time // the record header's time
	seq          uint64
	envelopeHash string
}

// newer reports whether a is a newer record than b: a later record time,
// then a higher sequence number (then the greater envelope hash, so that
// the choice never depends on map order). A station stamps its records with its
// clock and numbers them in order, so for one station both agree; the
// time also orders the records of a replacement laptop after the old one's.
func newer(a, b signedCount) bool {
	return cmp.Or(a.time.Compare(b.time), cmp.Compare(a.seq, b.seq), strings.Compare(a.envelopeHash, b.envelopeHash)) > 0
}

// day is what a station record shows besides the counts: the board and
// the day's acts, as the station's State holds them.
type day struct {
	members      []ballot.Member
	attendance   []ballot.AttendanceEvent
	replacements []reports.Replacement
	opened       *time.Time
	closed       *time.Time
	turnouts     []ballot.Turnout
	incidents    []ballot.Incident
}

// stationRecord assembles a station record. counts are the counts of the
// stage by contest; the fingerprint is the envelope hash of the newest of
// them, "" when there is none.
func stationRecord(def *ballot.Definition, d *ballot.District, stage ballot.Stage, generated time.Time, dy day, counts map[string]signedCount) reports.StationRecord {
	r := reports.StationRecord{Election: def.Election, District: *d, WardName: wardName(def, d.Ward), Stage: stage,
		Generated: generated, Members: dy.members, Attendance: dy.attendance, Replacements: dy.replacements,
		Opened: dy.opened, Closed: dy.closed, Turnouts: dy.turnouts, Incidents: dy.incidents}
	byContest := map[string]*ballot.Count{}
	var newest *signedCount
	for contest, sc := range counts {
		byContest[contest] = sc.count
		if newest == nil || newer(sc, *newest) {
			newest = &sc
		}
	}
	if newest != nil {
		r.Fingerprint = newest.envelopeHash
	}
	r.Contests = reports.StationContests(def, d, byContest)
	for i := range r.Contests {
		if c := r.Contests[i].Count; c != nil {
			// The checks again, without the ward's context: their messages
			// introduce the board's reasons on the record.
			r.Contests[i].Findings = ballot.CheckCount(def, d, c, ballot.CheckContext{})
		}
	}
	return r
}

func wardName(def *ballot.Definition, id string) string {
	if id == "" {
		return ""
	}
	for _, w := range def.Wards {
		if w.ID == id {
			return w.Name
		}
	}
	return ""
}

func checkStage(stage ballot.Stage) error {
	if stage != ballot.StageQuick && stage != ballot.StageFinal {
		return fmt.Errorf("stage %q: %w", stage, ErrUnknownStage)
	}
	return nil
}

// StationRecordFromStation builds the station record (Stage final,
// Wahlniederschrift) or quick report (Stage quick, Schnellmeldung) from the
// station's own state, as the board prints it: the roster and everyone
// entered on the day, every check-in and check-out, the replacements, the
// opening and closing, the turnout reports and incidents, and per contest
// the newest count the station signed in the stage (station.State.LastSent),
// whether the tally has it yet or not. The station's clock dates the print.
//
// The fingerprint is the envelope hash (seal.EnvelopeHash, as the station
// keeps it and the tally stores it) of the newest count record of the
// stage: with several contests, the one signed last (the latest record
// time, then the highest sequence number). It is the record that completed
// the stage, and the same whether the record is printed at the station or
// at the office (StationRecordFromTally). "" when nothing of the stage is
// signed yet.
func StationRecordFromStation(ctx context.Context, st *station.Station, stage ballot.Stage) (reports.StationRecord, error) {
	if err := checkStage(stage); err != nil {
		return reports.StationRecord{}, err
	}
	state, err := st.State(ctx)
	if err != nil {
		return reports.StationRecord{}, err
	}
	def, d := st.Definition(), st.District()
	dy := day{attendance: state.Attendance, opened: state.Opened, closed: state.Closed,
		turnouts: state.Turnouts, incidents: state.Incidents}
	for _, p := range state.People {
		dy.members = append(dy.members, p.Member)
	}
	for _, rp := range state.Replacements {
		dy.replacements = append(dy.replacements, reports.Replacement(rp))
	}
	bySeq := make(map[uint64]int, len(state.Records))
	for i, rec := range state.Records {
		bySeq[rec.Seq] = i
	}
	counts := map[string]signedCount{}
	for _, c := range def.ContestsOf(d) {
		sc := state.LastSent(c.ID, stage)
		if sc == nil {
			continue
		}
		i, ok := bySeq[sc.Seq]
		if !ok {
			return reports.StationRecord{}, fmt.Errorf("the count of %s (record %d) is not among the station's records", c.ID, sc.Seq)
		}
		rec := state.Records[i]
		counts[c.ID] = signedCount{count: sc.Count, time: rec.Time, seq: rec.Seq, envelopeHash: rec.EnvelopeHash}
	}
	return stationRecord(def, d, stage, st.Now(), dy, counts), nil
}

// decoded is an accepted record of a district, verified and decoded.
type decoded struct {
	rec  ballot.Record
	hash string
}

// StationRecordFromTally builds the station record or quick report of a
// district at the office, from the records the tally accepted: every
// envelope of the district is verified again against the enrolled station
// keys and decoded, and the record is rebuilt from them as the station
// builds its own (StationRecordFromStation). The counts are the tally's
// current counts of the stage (the newest version of each contest); the
// fingerprint is the envelope hash of the newest of them, as at the
// station. The service's clock dates the print.
//
// The office knows only signed acts: a member entered at the station who
// never checked in is not on the office's copy.
func StationRecordFromTally(ctx context.Context, svc *tally.Service, r store.Reader, district string, stage ballot.Stage) (reports.StationRecord, error) {
	if err := checkStage(stage); err != nil {
		return reports.StationRecord{}, err
	}
	def := svc.Definition()
	d, ok := def.District(district)
	if !ok {
		return reports.StationRecord{}, fmt.Errorf("district %q: %w %s", district, ErrUnknownDistrict, def.Election.ID)
	}
	recs, err := districtRecords(ctx, r, district)
	if err != nil {
		return reports.StationRecord{}, err
	}
	current, err := r.CurrentCounts(ctx)
	if err != nil {
		return reports.StationRecord{}, fmt.Errorf("read the current counts: %w", err)
	}
	byHash := make(map[string]*decoded, len(recs))
	for i := range recs {
		byHash[recs[i].hash] = &recs[i]
	}
	counts := map[string]signedCount{}
	for _, cc := range current {
		if cc.District != district || cc.Stage != stage {
			continue
		}
		rec, ok := byHash[cc.EnvelopeHash]
		if !ok {
			return reports.StationRecord{}, fmt.Errorf("the current %s count of %s in district %s is envelope %s, which is not among the district's records; run tally verify",
				stage, cc.Contest, district, cc.EnvelopeHash)
		}
		c, ok := rec.rec.Body.(*ballot.Count)
		if !ok || c.Contest != cc.Contest || c.Stage != stage {
			return reports.StationRecord{}, fmt.Errorf("envelope %s is the current %s count of %s in district %s but holds another record; run tally verify",
				cc.EnvelopeHash, stage, cc.Contest, district)
		}
		counts[cc.Contest] = signedCount{count: c, time: rec.rec.Time, seq: rec.rec.Seq, envelopeHash: rec.hash}
	}
	return stationRecord(def, d, stage, svc.Now(), dayOf(d, recs), counts), nil
}

// districtRecords reads, verifies and decodes the accepted records of a
// district, in the order of each station's sequence numbers, the stations
// in the order of their first record.
func districtRecords(ctx context.Context, r store.Reader, district string) ([]decoded, error) {
	keys := seal.Keys{}
	stationKeys, err := r.StationKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the station keys: %w", err)
	}
	for _, k := range stationKeys {
		// Revoked keys too: what they signed before was accepted.
		if _, err := keys.Add(k.PublicKey); err != nil {
			return nil, fmt.Errorf("station key %s: %w", k.KeyID, err)
		}
	}
	var out []decoded
	err = r.Envelopes(ctx, func(e store.Envelope) error {
		if e.District != district {
			return nil
		}
		if h := seal.EnvelopeHash(e.Bytes); h != e.Hash {
			return fmt.Errorf("envelope %s of district %s hashes to %s: the store was altered; run tally verify", e.Hash, district, h)
		}
		opened, err := seal.OpenRecord(e.Bytes, keys)
		if err != nil {
			return fmt.Errorf("envelope %s of district %s does not verify: %w; run tally verify", e.Hash, district, err)
		}
		rec, err := ballot.DecodeRecord(opened.Record)
		if err != nil {
			return fmt.Errorf("envelope %s of district %s does not decode: %w", e.Hash, district, err)
		}
		if rec.District != district {
			return fmt.Errorf("envelope %s is stored for district %s but names district %s; run tally verify", e.Hash, district, rec.District)
		}
		out = append(out, decoded{rec: rec, hash: e.Hash})
		return nil
	})
	if err != nil {
		return nil, err
	}
	first := map[string]time.Time{}
	for _, d := range out {
		if t, ok := first[d.rec.Station]; !ok || d.rec.Time.Before(t) {
			first[d.rec.Station] = d.rec.Time
		}
	}
	slices.SortStableFunc(out, func(a, b decoded) int {
		return cmp.Or(first[a.rec.Station].Compare(first[b.rec.Station]), strings.Compare(a.rec.Station, b.rec.Station),
			cmp.Compare(a.rec.Seq, b.rec.Seq))
	})
	return out, nil
}

// dayOf rebuilds a district's board and day from its records, the way the
// station derives its State from the same records: the roster and everyone
// who checked in, check-ins and check-outs, replacements, the last opening
// and closing, turnout reports and incidents in record order.
func dayOf(d *ballot.District, recs []decoded) day {
	var dy day
	known := map[string]bool{}
	for _, m := range d.Roster {
		dy.members = append(dy.members, m)
		known[m.ID] = true
	}
	records := make([]ballot.Record, 0, len(recs))
	for _, x := range recs {
		records = append(records, x.rec)
		switch b := x.rec.Body.(type) {
		case *ballot.CheckIn:
			if !known[b.Person.ID] {
				known[b.Person.ID] = true
				dy.members = append(dy.members, b.Person)
			}
			if b.Replaces != "" {
				dy.replacements = append(dy.replacements, reports.Replacement{Newcomer: b.Person, Replaces: b.Replaces,
					At: b.At, Instructed: b.Instructed})
			}
		case *ballot.PollsOpened:
			at := b.At
			dy.opened = &at
		case *ballot.PollsClosed:
			at := b.At
			dy.closed = &at
		case *ballot.Turnout:
			dy.turnouts = append(dy.turnouts, *b)
		case *ballot.Incident:
			dy.incidents = append(dy.incidents, *b)
		}
	}
	dy.attendance = ballot.AttendanceEvents(records)
	return dy
}
