package reports

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// StationRecord is what the station record (Wahlniederschrift, Stage
// final) or the quick report (Schnellmeldung, Stage quick) of one district
// shows. The station's State holds every value: Members are its People,
// Attendance, Opened, Closed, Turnouts and Incidents are its fields as
// they are, Replacements convert one by one (reports.Replacement(r)), and
// the counts are the newest sent of the stage (see StationContests).
type StationRecord struct {
	Election ballot.Election
	District ballot.District
	WardName string // the name of District.Ward, if any
	Stage    ballot.Stage
	// Generated is when the record is printed: shown on every page and
	// the PDF's creation date.
	Generated    time.Time
	Members      []ballot.Member // the roster and everyone entered on the day
	Attendance   []ballot.AttendanceEvent
	Replacements []Replacement
	Opened       *time.Time
	Closed       *time.Time
	Turnouts     []ballot.Turnout
	Incidents    []ballot.Incident
	Contests     []ContestCount
	// Fingerprint is the hex SHA-256 of the signed record, printed as
	// text on every page and as a QR code above the signatures; "" when
	// the record is not signed yet.
	Fingerprint string
}

// Replacement is a newcomer standing in for a member who did not come.
// It has the fields of station.Replacement, so one converts to the other.
type Replacement struct {
	Newcomer   ballot.Member
	Replaces   string // member id of the no-show
	At         time.Time
	Instructed bool // instructed on impartiality and secrecy (verpflichtet)
}

// ContestCount is the count of one contest on a station record.
type ContestCount struct {
	Contest ballot.Contest
	// Position is the contest's place on its ballot: 0 for the first
	// (letters C, D), 1 for the second (E, F), and so on.
	Position int
	Count    *ballot.Count // nil: not counted yet
	// Findings are the checks' findings on the count, if the caller has
	// them; a warning's message then introduces the board's reason.
	Findings []ballot.Finding
}

// StationContests lists the contests a district counts, in ballot order,
// each with its position on the ballot and its count from counts (by
// contest id; missing ones stay nil).
func StationContests(def *ballot.Definition, district *ballot.District, counts map[string]*ballot.Count) []ContestCount {
	var out []ContestCount
	for _, bid := range district.Ballots {
		b, ok := def.Ballot(bid)
		if !ok {
			continue
		}
		for i, c := range b.Contests {
			out = append(out, ContestCount{Contest: c, Position: i, Count: counts[c.ID]})
		}
	}
	return out
}

// WriteStationRecord writes the station record or quick report as a PDF.
func WriteStationRecord(w io.Writer, r StationRecord, lang ballot.Lang) error {
	if err := checkFingerprint("fingerprint of the record", r.Fingerprint); err != nil {
		return err
	}
	var title string
	switch r.Stage {
	case ballot.StageFinal:
		title = "record.final"
	case ballot.StageQuick:
		title = "record.quick"
	default:
		return fmt.Errorf("reports: the stage of the station record is %q: use quick or final", r.Stage)
	}
	d, err := newDoc(lang, r.Election, r.Generated)
	if err != nil {
		return err
	}
	d.head[1] = d.w(title) + " – " + r.District.Name
	if r.Fingerprint != "" {
		d.foot = d.w("fingerprint.record") + ": " + r.Fingerprint
	}
	s := stationDoc{doc: d, r: r, names: map[string]ballot.Member{}}
	s.r.Members = slices.Clone(r.Members)
	for _, m := range r.Members {
		s.names[m.ID] = m
	}
	for _, rp := range r.Replacements {
		if _, ok := s.names[rp.Newcomer.ID]; !ok {
			s.names[rp.Newcomer.ID] = rp.Newcomer
			s.r.Members = append(s.r.Members, rp.Newcomer)
		}
	}
	s.periods = Periods(r.Attendance)

	d.title(r.Election.Authority, d.w(title), r.Election.Title)
	kind := "district.inperson"
	if r.District.Kind == ballot.Postal {
		kind = "district.postal"
	}
	facts := [][2]string{
		{d.w("election.day"), d.day(r.Election.Date)},
		{d.w(kind), r.District.Name + " (" + d.w("no") + " " + r.District.ID + ")"},
	}
	if r.WardName != "" {
		facts = append(facts, [2]string{d.w("ward"), r.WardName})
	}
	if r.District.Address != "" {
		facts = append(facts, [2]string{d.w("address"), r.District.Address})
	}
	d.facts(facts...)
	s.board()
	s.day()
	for _, c := range r.Contests {
		s.count(c)
	}
	s.reasons()
	s.signatures()
	return d.finish(w)
}

type stationDoc struct {
	*doc
	r       StationRecord
	names   map[string]ballot.Member
	periods map[string][]Period
}

func (s *stationDoc) name(id string) string {
	if m, ok := s.names[id]; ok && m.Name != "" {
		return m.Name
	}
	return id
}

func (s *stationDoc) role(r ballot.Role) string { return s.w("role." + string(r)) }

// board lists the members with their roles, times and remarks.
func (s *stationDoc) board() {
	s.heading(s.w("board"))
	members := slices.Clone(s.r.Members)
	slices.SortStableFunc(members, func(a, b ballot.Member) int { return cmp.Compare(roleRank(a.Role), roleRank(b.Role)) })
	replacedBy := map[string]Replacement{}
	replacing := map[string]Replacement{}
	for _, rp := range s.r.Replacements {
		replacedBy[rp.Replaces] = rp
		replacing[rp.Newcomer.ID] = rp
	}
	t := s.table(8, text(s.w("name"), 0), text(s.w("role"), 34), text(s.w("checkin"), 22),
		text(s.w("checkout"), 22), text(s.w("remark"), 48))
	for _, m := range members {
		var ins, outs, remarks []string
		for _, p := range s.periods[m.ID] {
			ins = append(ins, s.clock(p.In))
			if !p.Out.IsZero() {
				outs = append(outs, s.clock(p.Out))
			}
		}
		if rp, ok := replacing[m.ID]; ok {
			note := fmt.Sprintf(s.w("replaces"), s.name(rp.Replaces), s.clock(rp.At))
			if rp.Instructed {
				note += "; " + s.w("instructed")
			} else {
				note += "; " + s.w("not.instructed")
			}
			remarks = append(remarks, note)
		}
		if len(ins) == 0 {
			remarks = append(remarks, s.w("no.show"))
		}
		if rp, ok := replacedBy[m.ID]; ok {
			remarks = append(remarks, fmt.Sprintf(s.w("replaced.by"), rp.Newcomer.Name))
		}
		t.row(m.Name, s.role(m.Role), strings.Join(ins, ", "), strings.Join(outs, ", "), strings.Join(remarks, "; "))
	}
}

// day writes the opening and closing, the turnout reports and incidents;
// a postal board has no polls and leaves out what it did not report.
func (s *stationDoc) day() {
	postal := s.r.District.Kind == ballot.Postal
	if postal && s.r.Opened == nil && s.r.Closed == nil && len(s.r.Turnouts) == 0 {
		s.incidents()
		return
	}
	s.heading(s.w("polling"))
	clock := func(t *time.Time) string {
		if t == nil {
			return dash
		}
		return s.clock(*t) + s.w("oclock")
	}
	s.facts([2]string{s.w("opened"), clock(s.r.Opened)}, [2]string{s.w("closed"), clock(s.r.Closed)})

	if len(s.r.Turnouts) > 0 {
		s.heading(s.w("turnout.reports"))
		var a int64
		if s.r.District.Register != nil {
			a = s.r.District.Register.A()
		}
		t := s.table(8, text(s.w("slot"), 0), text(s.w("reported.at"), 40), num(s.w("voters"), 30), num(s.w("turnout"), 30))
		for _, tr := range s.r.Turnouts {
			slot := tr.Slot
			if slot == "" {
				slot = s.w("adhoc")
			}
			t.row(slot, s.clock(tr.At), s.n(tr.Voters), s.share(tr.Voters, a))
		}
	}
	s.incidents()
}

func (s *stationDoc) incidents() {
	s.heading(s.w("incidents"))
	if len(s.r.Incidents) == 0 {
		s.para(s.w("none"))
		return
	}
	t := s.table(8, text(s.w("time"), 18), text(s.w("kind"), 42), text(s.w("description"), 0))
	for _, in := range s.r.Incidents {
		term := ballot.IncidentTermIn(s.lang, in.At, s.r.Closed)
		t.row(s.clock(in.At), term, in.Text)
	}
}

// signatures writes the fingerprint with its QR code and a signature line
// for the chair, the secretary and every member who served.
func (s *stationDoc) signatures() {
	type signer struct{ role, name string }
	var signers []signer
	seen := map[ballot.Role]bool{}
	members := slices.Clone(s.r.Members)
	slices.SortStableFunc(members, func(a, b ballot.Member) int { return cmp.Compare(roleRank(a.Role), roleRank(b.Role)) })
	for _, m := range members {
		if len(s.periods[m.ID]) > 0 {
			signers = append(signers, signer{s.role(m.Role), m.Name})
			seen[m.Role] = true
		}
	}
	if !seen[ballot.RoleChair] && !seen[ballot.RoleDeputyChair] {
		signers = slices.Insert(signers, 0, signer{role: s.role(ballot.RoleChair)})
	}
	if !seen[ballot.RoleSecretary] && !seen[ballot.RoleDeputySecretary] {
		signers = slices.Insert(signers, 1, signer{role: s.role(ballot.RoleSecretary)})
	}
	s.need(30 + 17*float64((len(signers)+1)/2) + 45) // signatures and fingerprint on one page
	s.heading(s.w("signatures"))
	s.para(s.w("signatures.text"))
	p := s.pdf
	colW := (s.width() - 10) / 2
	for i := 0; i < len(signers); i += 2 {
		s.need(17)
		y := p.GetY() + 10
		for k := 0; k < 2 && i+k < len(signers); k++ {
			x := marginX + float64(k)*(colW+10)
			p.SetDrawColor(0, 0, 0)
			p.Line(x, y, x+colW, y)
			p.SetXY(x, y+0.5)
			s.font(false, 7.5)
			label := signers[i+k].role
			if signers[i+k].name != "" {
				label += ": " + signers[i+k].name
			}
			p.CellFormat(colW, 3.5, label, "", 0, "L", false, 0, "")
		}
		p.SetXY(marginX, y+5)
	}
	s.font(false, bodySize)
	s.fingerprint()
}

func (s *stationDoc) fingerprint() {
	s.heading(s.w("fingerprint"))
	if s.r.Fingerprint == "" {
		s.para(s.w("fingerprint.none"))
		return
	}
	const size = 32.0
	s.need(size + 4)
	p := s.pdf
	y := p.GetY()
	if err := s.qr("sha256:"+s.r.Fingerprint, marginX, y, size); err != nil {
		p.SetError(err)
		return
	}
	p.SetXY(marginX+size+6, y+4)
	s.para(s.w("fingerprint.text"))
	p.SetX(marginX + size + 6)
	s.font(true, 8)
	p.CellFormat(0, 4, s.r.Fingerprint, "", 1, "L", false, 0, "")
	s.font(false, bodySize)
	p.SetXY(marginX, y+size+2)
}
