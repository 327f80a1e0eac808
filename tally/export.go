package tally

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// Export is one view of the running totals, split by contest, ward and
// kind of district, as the exchange formats need them: the open-data CSV
// wants A1, A2 and A3 apart, NIST 1500-100 in-person and postal per ward.
type Export struct {
	Def     *ballot.Definition
	Results Results // the same view through ComputeResults, for status and outcome
	totals  map[exportKey]ballot.Totals
	// districts holds the current count of each district in the view, by
	// contest and district, for the rows per district (nil: none).
	districts map[string]map[string]ballot.Totals
}

type exportKey struct {
	contest string
	ward    string
	kind    ballot.DistrictKind
}

// Export reads the running totals of a view for the exchange formats.
func (s *Service) Export(ctx context.Context, view string) (Export, error) {
	switch view {
	case ViewQuick, ViewFinal, ViewBest:
	default:
		return Export{}, fmt.Errorf("unknown view %q: use quick, final or best", view)
	}
	rows, err := s.store.AggregatesOf(ctx, view)
	if err != nil {
		return Export{}, err
	}
	certs, err := s.store.Certifications(ctx)
	if err != nil {
		return Export{}, err
	}
	counts, err := s.store.CurrentCounts(ctx)
	if err != nil {
		return Export{}, err
	}
	x := BuildExport(s.def, view, rows, certs, s.clock())
	x.districts = districtTotals(view, counts)
	return x, nil
}

// districtTotals picks each district's count in the view: the stage of
// the view, or for "best" the final record where there is one and the
// quick report otherwise.
func districtTotals(view string, counts []store.CurrentCount) map[string]map[string]ballot.Totals {
	out := map[string]map[string]ballot.Totals{}
	// Quick reports first, so that for "best" a final record replaces them.
	for _, stage := range []ballot.Stage{ballot.StageQuick, ballot.StageFinal} {
		if view != ViewBest && view != string(stage) {
			continue
		}
		for _, c := range counts {
			if c.Stage != stage {
				continue
			}
			if out[c.Contest] == nil {
				out[c.Contest] = map[string]ballot.Totals{}
			}
			out[c.Contest][c.District] = c.Numbers
		}
	}
	return out
}

// BuildExport builds an Export from aggregate rows, without a store (for
// verify and audit, and tests).
func BuildExport(def *ballot.Definition, view string, rows []store.AggregateRow, certs []store.Certification, now time.Time) Export {
	x := Export{Def: def, Results: ComputeResults(def, view, rows, certs, now), totals: map[exportKey]ballot.Totals{}}
	for _, r := range rows {
		if r.View != view {
			continue
		}
		k := exportKey{r.Contest, r.Ward, r.DistrictKind}
		if x.totals[k] == nil {
			x.totals[k] = ballot.Totals{}
		}
		x.totals[k][r.Field] += r.Value
	}
	return x
}

// sum returns the totals of a contest over the wards given ("" as the
// only ward: every ward) and the kinds given (none: both kinds).
func (x Export) sum(contest string, ward *string, kinds ...ballot.DistrictKind) ballot.Totals {
	t := ballot.Totals{}
	for k, v := range x.totals {
		if k.contest != contest || ward != nil && k.ward != *ward {
			continue
		}
		if len(kinds) > 0 && k.kind != kinds[0] {
			continue
		}
		t.Merge(v)
	}
	return t
}

// wards returns the wards of the definition, with "" at the end when
// some district belongs to no ward.
func (x Export) wards() []ballot.Ward {
	out := append([]ballot.Ward(nil), x.Def.Wards...)
	for _, d := range x.Def.Districts {
		if d.Ward == "" {
			return append(out, ballot.Ward{ID: "", Name: ""})
		}
	}
	return out
}

// WriteCSV writes the open-data CSV of German election offices, separated
// by semicolons, one row per area. Per contest (in ballot order) one block:
//
//	contest;area;name;type;districts;A1;A2;A3;A;B;B1;C;D;<option id>…[;<candidate id>…]
//	ob;101;Wahlbezirk 101 – …;district;1;…       one row per district that reported, in definition order
//	ob;1;Stadtbezirk 1 – Altstadt;total;3;…
//	…one row per ward (type total), then
//	ob;;Kommunalwahl Musterstadt 2026;total;…      the whole area
//	ob;;…;in-person;…                              its in-person districts (Urnenwahl)
//	ob;;…;postal;…                                 its postal districts (Briefwahl)
//
// The option columns (D1 … Dn) are named by the option ids of the
// definition (candidates, lists, yes/no); cumulative contests add one
// column per candidate with the personal votes. districts counts the
// districts summed into the row. A block ends with an empty line, so that
// each block reads as a table of its own; every block has its own header.
// Numbers are plain integers; A1–A3 are 0 for postal districts, which have
// no register.
func WriteCSV(w io.Writer, x Export) error {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	first := true
	for _, b := range x.Def.Ballots {
		for i := range b.Contests {
			c := &b.Contests[i]
			if !first {
				cw.Flush()
				if _, err := io.WriteString(w, "\n"); err != nil {
					return err
				}
			}
			first = false
			header := []string{"contest", "area", "name", "type", "districts", "A1", "A2", "A3", "A", "B", "B1", "C", "D"}
			var fields []string
			for _, o := range c.Options() {
				header = append(header, o.ID)
				fields = append(fields, ballot.OptionField(o.ID))
			}
			if c.Kind == ballot.KindCumulative {
				for _, l := range c.Lists {
					for _, cand := range l.Candidates {
						header = append(header, cand.ID)
						fields = append(fields, ballot.CandidateField(cand.ID))
					}
				}
			}
			if err := cw.Write(header); err != nil {
				return err
			}
			row := func(area, name, typ string, t ballot.Totals) error {
				a := t[ballot.FieldA1] + t[ballot.FieldA2] + t[ballot.FieldA3]
				rec := []string{c.ID, area, name, typ, n(t[ballot.FieldDistricts]),
					n(t[ballot.FieldA1]), n(t[ballot.FieldA2]), n(t[ballot.FieldA3]), n(a),
					n(t[ballot.FieldB]), n(t[ballot.FieldB1]), n(t[ballot.FieldC]), n(t[ballot.FieldD])}
				for _, f := range fields {
					rec = append(rec, n(t[f]))
				}
				return cw.Write(rec)
			}
			for _, d := range x.Def.Districts {
				if t, ok := x.districts[c.ID][d.ID]; ok {
					if err := row(d.ID, d.Name, "district", t); err != nil {
						return err
					}
				}
			}
			for _, ward := range x.wards() {
				if err := row(ward.ID, ward.Name, "total", x.sum(c.ID, &ward.ID)); err != nil {
					return err
				}
			}
			title := x.Def.Election.Title
			if err := row("", title, "total", x.sum(c.ID, nil)); err != nil {
				return err
			}
			if err := row("", title, string(ballot.InPerson), x.sum(c.ID, nil, ballot.InPerson)); err != nil {
				return err
			}
			if err := row("", title, string(ballot.Postal), x.sum(c.ID, nil, ballot.Postal)); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func n(v int64) string { return strconv.FormatInt(v, 10) }

// NIST SP 1500-100 (Election Results Common Data Format, version 2) JSON.
// Only the fields wahlkoffer can fill correctly are written.

type nistText struct {
	Type string       `json:"@type"`
	Text []nistString `json:"Text"`
}

type nistString struct {
	Type     string `json:"@type"`
	Content  string `json:"Content"`
	Language string `json:"Language"`
}

func nistName(s string) *nistText {
	return &nistText{Type: "ElectionResults.InternationalizedText",
		Text: []nistString{{Type: "ElectionResults.LanguageString", Content: s, Language: "de"}}}
}

type nistReport struct {
	Type                string         `json:"@type"`
	Format              string         `json:"Format"`
	GeneratedDate       string         `json:"GeneratedDate"`
	Issuer              string         `json:"Issuer"`
	IssuerAbbreviation  string         `json:"IssuerAbbreviation"`
	SequenceStart       int            `json:"SequenceStart"`
	SequenceEnd         int            `json:"SequenceEnd"`
	Status              string         `json:"Status"`
	VendorApplicationID string         `json:"VendorApplicationId"`
	Election            []nistElection `json:"Election"`
	GpUnit              []nistGpUnit   `json:"GpUnit"`
	Party               []nistParty    `json:"Party,omitempty"`
}

type nistGpUnit struct {
	Type               string   `json:"@type"`
	ID                 string   `json:"@id"`
	Name               string   `json:"Name"`
	UnitType           string   `json:"Type"`
	OtherType          string   `json:"OtherType,omitempty"`
	ComposingGpUnitIDs []string `json:"ComposingGpUnitIds,omitempty"`
}

type nistParty struct {
	Type string    `json:"@type"`
	ID   string    `json:"@id"`
	Name *nistText `json:"Name"`
}

type nistElection struct {
	Type            string          `json:"@type"`
	ElectionScopeID string          `json:"ElectionScopeId"`
	Name            *nistText       `json:"Name"`
	StartDate       string          `json:"StartDate"`
	EndDate         string          `json:"EndDate"`
	ElectionType    string          `json:"Type"`
	BallotCounts    []nistCounts    `json:"BallotCounts,omitempty"`
	Candidate       []nistCandidate `json:"Candidate,omitempty"`
	Contest         []nistContest   `json:"Contest"`
}

type nistCounts struct {
	Type        string `json:"@type"`
	GpUnitID    string `json:"GpUnitId"`
	CountType   string `json:"Type"`
	BallotsCast *int64 `json:"BallotsCast,omitempty"`
	Count       *int64 `json:"Count,omitempty"`
}

type nistCandidate struct {
	Type       string    `json:"@type"`
	ID         string    `json:"@id"`
	BallotName *nistText `json:"BallotName"`
}

type nistContest struct {
	Type               string          `json:"@type"`
	ID                 string          `json:"@id"`
	Name               string          `json:"Name"`
	ElectionDistrictID string          `json:"ElectionDistrictId"`
	NumberElected      int             `json:"NumberElected,omitempty"`
	VotesAllowed       int             `json:"VotesAllowed,omitempty"`
	ContestSelection   []nistSelection `json:"ContestSelection"`
}

type nistSelection struct {
	Type         string       `json:"@type"`
	ID           string       `json:"@id"`
	CandidateIDs []string     `json:"CandidateIds,omitempty"`
	PartyIDs     []string     `json:"PartyIds,omitempty"`
	Selection    *nistText    `json:"Selection,omitempty"`
	VoteCounts   []nistCounts `json:"VoteCounts"`
}

// NIST vote count types of the two kinds of district.
var nistCountType = map[ballot.DistrictKind]string{ballot.InPerson: "election-day", ballot.Postal: "absentee-mail"}

// NISTStatus is the report status: certified when every contest is,
// unofficial-complete when every contest has all its districts,
// unofficial-partial otherwise.
func NISTStatus(res Results) string {
	certified, complete := true, true
	for _, c := range res.Contests {
		switch c.Status() {
		case "certified":
		case "complete":
			certified = false
		default:
			certified, complete = false, false
		}
	}
	switch {
	case certified && len(res.Contests) > 0:
		return "certified"
	case complete:
		return "unofficial-complete"
	}
	return "unofficial-partial"
}

// WriteNIST writes an ElectionReport of NIST SP 1500-100 in its JSON
// form: one Election over the whole area (a GpUnit of its own) composed
// of the wards; contests as CandidateContest (majority), PartyContest
// (list and cumulative: votes per list) or BallotMeasureContest
// (referendum); every selection with VoteCounts per GpUnit (the area and
// each ward) and type, election-day for in-person districts and
// absentee-mail for postal ones; BallotCounts (B) the same way. The
// format is summary-contest, as the totals have no rows per district.
// Invalid votes and seats have no faithful place in the format and are
// left out.
func WriteNIST(w io.Writer, x Export) error {
	def := x.Def
	const area = "gpu-area"
	wardID := func(id string) string {
		if id == "" {
			return "gpu-ward-none"
		}
		return "gpu-ward-" + id
	}
	rep := nistReport{
		Type: "ElectionResults.ElectionReport", Format: "summary-contest",
		GeneratedDate: x.Results.Generated.UTC().Format(time.RFC3339),
		Issuer:        def.Election.Authority, IssuerAbbreviation: def.Election.ID,
		SequenceStart: 1, SequenceEnd: 1, Status: NISTStatus(x.Results), VendorApplicationID: "wahlkoffer",
	}
	areaUnit := nistGpUnit{Type: "ElectionResults.ReportingUnit", ID: area, Name: def.Election.Title, UnitType: "other", OtherType: "election-area"}
	var units []nistGpUnit
	wards := x.wards()
	for _, wd := range wards {
		areaUnit.ComposingGpUnitIDs = append(areaUnit.ComposingGpUnitIDs, wardID(wd.ID))
		units = append(units, nistGpUnit{Type: "ElectionResults.ReportingUnit", ID: wardID(wd.ID), Name: wd.Name, UnitType: "ward"})
	}
	rep.GpUnit = append([]nistGpUnit{areaUnit}, units...)

	// counts returns the counts of one field per GpUnit and kind.
	counts := func(contest, field string, ballots bool) []nistCounts {
		var out []nistCounts
		add := func(gp string, ward *string) {
			for _, kind := range []ballot.DistrictKind{ballot.InPerson, ballot.Postal} {
				v := x.sum(contest, ward, kind)[field]
				c := nistCounts{Type: "ElectionResults.VoteCounts", GpUnitID: gp, CountType: nistCountType[kind], Count: &v}
				if ballots {
					c = nistCounts{Type: "ElectionResults.BallotCounts", GpUnitID: gp, CountType: nistCountType[kind], BallotsCast: &v}
				}
				out = append(out, c)
			}
		}
		add(area, nil)
		for _, wd := range wards {
			add(wardID(wd.ID), &wd.ID)
		}
		return out
	}

	el := nistElection{Type: "ElectionResults.Election", ElectionScopeID: area, Name: nistName(def.Election.Title),
		StartDate: def.Election.Date, EndDate: def.Election.Date, ElectionType: "general"}
	for _, b := range def.Ballots {
		if len(b.Contests) > 0 {
			// B is per ballot; every contest of a ballot has the same.
			el.BallotCounts = append(el.BallotCounts, counts(b.Contests[0].ID, ballot.FieldB, true)...)
		}
		for i := range b.Contests {
			c := &b.Contests[i]
			nc := nistContest{ID: "contest-" + c.ID, Name: c.Title, ElectionDistrictID: area}
			selID := func(o string) string { return "sel-" + c.ID + "-" + o }
			switch c.Kind {
			case ballot.KindMajority:
				nc.Type, nc.NumberElected, nc.VotesAllowed = "ElectionResults.CandidateContest", 1, 1
				for _, cand := range c.Candidates {
					id := "cand-" + c.ID + "-" + cand.ID
					el.Candidate = append(el.Candidate, nistCandidate{Type: "ElectionResults.Candidate", ID: id, BallotName: nistName(cand.Name)})
					nc.ContestSelection = append(nc.ContestSelection, nistSelection{Type: "ElectionResults.CandidateSelection",
						ID: selID(cand.ID), CandidateIDs: []string{id}, VoteCounts: counts(c.ID, ballot.OptionField(cand.ID), false)})
				}
			case ballot.KindList, ballot.KindCumulative:
				nc.Type, nc.NumberElected, nc.VotesAllowed = "ElectionResults.PartyContest", c.Seats, 1
				if c.Kind == ballot.KindCumulative {
					nc.VotesAllowed, _ = c.Cumulation()
				}
				for _, l := range c.Lists {
					id := "party-" + c.ID + "-" + l.ID
					rep.Party = append(rep.Party, nistParty{Type: "ElectionResults.Party", ID: id, Name: nistName(l.Name)})
					nc.ContestSelection = append(nc.ContestSelection, nistSelection{Type: "ElectionResults.PartySelection",
						ID: selID(l.ID), PartyIDs: []string{id}, VoteCounts: counts(c.ID, ballot.OptionField(l.ID), false)})
				}
			case ballot.KindReferendum:
				nc.Type = "ElectionResults.BallotMeasureContest"
				for _, o := range c.Options() {
					nc.ContestSelection = append(nc.ContestSelection, nistSelection{Type: "ElectionResults.BallotMeasureSelection",
						ID: selID(o.ID), Selection: nistName(o.Name), VoteCounts: counts(c.ID, ballot.OptionField(o.ID), false)})
				}
			}
			el.Contest = append(el.Contest, nc)
		}
	}
	rep.Election = []nistElection{el}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}
