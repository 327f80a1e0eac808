package reports

import (
	"fmt"
	"strings"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// Annex column widths, millimetres.
const (
	annexID     = 12.0
	annexName   = 46.0 // at least
	annexNumber = 16.0
	annexSize   = 7.0
)

// annex writes one contest's annex: a row per district, grouped by ward
// with the ward's row after its districts, and the total at the end. The
// options are the columns D1 … Dn named in a legend; when they do not fit
// on a portrait page the annex turns to landscape, and when they do not
// fit there either it repeats the districts for the rest of the options.
func annex(d *doc, wards []ballot.Ward, c ContestSheet, no int) {
	opts := c.Contest.Options()
	fixed := annexID + 5*annexNumber
	perPage := func(width float64) int { return int((width - fixed - annexName) / annexNumber) }
	landscape := len(opts) > perPage(180)
	per := max(1, perPage(180))
	if landscape {
		per = max(1, perPage(267))
	}
	_, di := letters(0)
	fields := make([]string, len(opts))
	legend := make([]string, len(opts))
	for i, o := range opts {
		fields[i] = ballot.OptionField(o.ID)
		legend[i] = fmt.Sprintf("%s%d %s", di, i+1, optionName(c.Contest, o, d.lang))
	}
	groups := (len(opts) + per - 1) / per
	for g := 0; g == 0 || g < groups; g++ {
		from, to := g*per, min(len(opts), (g+1)*per)
		d.turnPage(landscape)
		title := fmt.Sprintf(d.w("annex"), no, c.Contest.Title)
		if groups > 1 {
			title += fmt.Sprintf(d.w("annex.part"), g+1, groups)
		}
		d.heading(title)
		if to > from {
			d.para(strings.Join(legend[from:to], " · "))
		}
		cols := []col{text(d.w("no"), annexID), text(d.w("district"), 0)}
		first := g == 0
		if first {
			cols = append(cols, num("A", annexNumber), num("B", annexNumber), num(d.w("turnout.short"), annexNumber),
				num("C", annexNumber), num("D", annexNumber))
		}
		for i := from; i < to; i++ {
			cols = append(cols, num(fmt.Sprintf("%s%d", di, i+1), annexNumber))
		}
		t := d.table(annexSize, cols...)
		a := annexWriter{d: d, t: t, first: first, fields: fields[from:to], opts: opts[from:to], cells: make([]string, 0, len(cols))}
		a.rows(wards, c)
	}
}

type annexWriter struct {
	d      *doc
	t      *table
	first  bool
	fields []string        // the option fields of the columns
	opts   []ballot.Option // the options of the columns
	cells  []string
}

func (a *annexWriter) rows(wards []ballot.Ward, c ContestSheet) {
	byWard := map[string][]int{}
	known := map[string]bool{}
	for _, w := range wards {
		known[w.ID] = true
	}
	var order []string
	for _, w := range wards {
		order = append(order, w.ID)
	}
	for i, r := range c.Annex {
		if !known[r.Ward] {
			known[r.Ward] = true
			order = append(order, r.Ward)
		}
		byWard[r.Ward] = append(byWard[r.Ward], i)
	}
	results := map[string]WardResult{}
	for _, w := range c.Wards {
		results[w.Ward] = w
	}
	names := map[string]string{}
	for _, w := range wards {
		names[w.ID] = w.Name
	}
	for _, w := range order {
		rows := byWard[w]
		wr, has := results[w]
		if len(rows) == 0 && !has {
			continue
		}
		for _, i := range rows {
			a.district(c.Annex[i])
		}
		name := names[w]
		if name == "" {
			name = wr.Name
		}
		if name == "" {
			name = a.d.w("no.ward")
		}
		if has {
			a.result(name, wr.Result)
		}
	}
	a.result(a.d.w("total"), c.Total)
}

func (a *annexWriter) district(r DistrictRow) {
	d := a.d
	cells := append(a.cells[:0], r.ID, r.Name)
	t := r.Numbers
	if t == nil {
		n := 5*b2i(a.first) + len(a.fields)
		for range n {
			cells = append(cells, dash)
		}
		a.t.row(cells...)
		return
	}
	if a.first {
		av, b := t[ballot.FieldA1]+t[ballot.FieldA2]+t[ballot.FieldA3], t[ballot.FieldB]
		aText := dash
		if av > 0 {
			aText = d.n(av)
		}
		cells = append(cells, aText, d.n(b), d.share(b, av), d.n(t[ballot.FieldC]), d.n(t[ballot.FieldD]))
	}
	for _, f := range a.fields {
		cells = append(cells, d.n(t[f]))
	}
	a.t.row(cells...)
}

func (a *annexWriter) result(name string, r ballot.ContestResult) {
	d := a.d
	cells := append(a.cells[:0], "", name)
	if a.first {
		aText := dash
		if r.A > 0 {
			aText = d.n(r.A)
		}
		cells = append(cells, aText, d.n(r.B), d.share(r.B, r.A), d.n(r.Invalid), d.n(r.Valid))
	}
	for _, o := range a.opts {
		cells = append(cells, d.n(votesOf(r, o.ID)))
	}
	a.t.total(cells...)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
