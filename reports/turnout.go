package reports

import (
	"fmt"
	"io"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// TurnoutReport is the turnout of the election day per report time, per
// ward and overall, as tally.Status.Turnout has it.
type TurnoutReport struct {
	Election  ballot.Election
	Generated time.Time     // the moment the figures stand at
	Wards     []ballot.Ward // names and order of the wards
	Slots     []TurnoutSlot
}

// TurnoutSlot is the turnout reported for one report time. It has the
// fields of tally.TurnoutSlot; its wards convert one by one.
type TurnoutSlot struct {
	Slot     string // HH:MM, local
	Stations int    // stations that reported
	Of       int    // in-person stations
	Voters   int64
	Eligible int64 // registered voters (A) of the stations that reported
	Wards    []WardTurnout
}

// WardTurnout is a slot's turnout in one ward (tally.WardTurnout).
type WardTurnout struct {
	Ward     string
	Stations int
	Of       int
	Voters   int64
	Eligible int64
}

// turnoutColumns is how many report times fit beside the ward names.
const turnoutColumns = 6

// WriteTurnout writes the turnout report as a PDF: an overview of the
// turnout per ward and report time, then each report time in detail.
func WriteTurnout(w io.Writer, r TurnoutReport, lang ballot.Lang) error {
	d, err := newDoc(lang, r.Election, r.Generated)
	if err != nil {
		return err
	}
	d.title(r.Election.Authority, d.w("turnout.title"), r.Election.Title)
	d.facts([2]string{d.w("election.day"), d.day(r.Election.Date)}, [2]string{d.w("as.of"), d.stamp(r.Generated)})
	if len(r.Slots) == 0 {
		d.para(d.w("turnout.none"))
		return d.finish(w)
	}
	wardIDs, names := wardOrder(r.Wards, r.Slots)
	name := func(id string) string {
		if n := names[id]; n != "" {
			return n
		}
		return d.w("no.ward")
	}

	d.heading(d.w("turnout.overview"))
	for from := 0; from < len(r.Slots); from += turnoutColumns {
		slots := r.Slots[from:min(len(r.Slots), from+turnoutColumns)]
		cols := []col{text(d.w("ward"), 0)}
		for _, s := range slots {
			cols = append(cols, num(s.Slot+d.w("oclock"), 20))
		}
		t := d.table(8, cols...)
		for _, id := range wardIDs {
			cells := []string{name(id)}
			for _, s := range slots {
				wt := wardOf(s, id)
				cells = append(cells, d.share(wt.Voters, wt.Eligible))
			}
			t.row(cells...)
		}
		cells := []string{d.w("total")}
		for _, s := range slots {
			cells = append(cells, d.share(s.Voters, s.Eligible))
		}
		t.total(cells...)
		d.pdf.Ln(3)
	}
	d.para(d.w("turnout.note"))

	for _, s := range r.Slots {
		d.heading(fmt.Sprintf(d.w("turnout.slot"), s.Slot))
		t := d.table(8, text(d.w("ward"), 0), num(d.w("stations.reported"), 30), num(d.w("voters"), 26),
			num(d.w("eligible.reported"), 30), num(d.w("turnout"), 31))
		for _, id := range wardIDs {
			wt := wardOf(s, id)
			t.row(name(id), fmt.Sprintf(d.w("x.of.y"), d.n(int64(wt.Stations)), d.n(int64(wt.Of))),
				d.n(wt.Voters), d.n(wt.Eligible), d.share(wt.Voters, wt.Eligible))
		}
		t.total(d.w("total"), fmt.Sprintf(d.w("x.of.y"), d.n(int64(s.Stations)), d.n(int64(s.Of))),
			d.n(s.Voters), d.n(s.Eligible), d.share(s.Voters, s.Eligible))
	}
	return d.finish(w)
}

// wardOrder lists the ward ids of the definition, then any others the
// slots name, with the wards' names.
func wardOrder(wards []ballot.Ward, slots []TurnoutSlot) ([]string, map[string]string) {
	names := map[string]string{}
	var ids []string
	for _, w := range wards {
		ids = append(ids, w.ID)
		names[w.ID] = w.Name
	}
	for _, s := range slots {
		for _, wt := range s.Wards {
			if _, ok := names[wt.Ward]; !ok {
				names[wt.Ward] = ""
				ids = append(ids, wt.Ward)
			}
		}
	}
	return ids, names
}

func wardOf(s TurnoutSlot, id string) WardTurnout {
	for _, w := range s.Wards {
		if w.Ward == id {
			return w
		}
	}
	return WardTurnout{Ward: id}
}
