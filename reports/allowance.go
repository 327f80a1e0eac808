package reports

import (
	"io"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// AllowanceList is the attendance list the office pays the board's
// refreshment allowance (Erfrischungsgeld) from: per person the district,
// the role, the check-in and check-out, the hours and the amount of the
// role, with the total.
type AllowanceList struct {
	Election  ballot.Election
	Generated time.Time
	// Rates are the amounts per role in cents and the currency, as the
	// definition's Allowance holds them (or as the office sets them).
	Rates  ballot.Allowance
	People []AllowancePerson
}

// AllowancePerson is one board member on the list. Periods come from the
// district's check-ins and check-outs (see Periods).
type AllowancePerson struct {
	District     string
	DistrictName string
	Name         string
	Role         ballot.Role
	Periods      []Period
}

// WriteAllowance writes the allowance list as a PDF. A person who never
// checked in gets no allowance; everyone else the amount of the role.
func WriteAllowance(w io.Writer, l AllowanceList, lang ballot.Lang) error {
	d, err := newDoc(lang, l.Election, l.Generated)
	if err != nil {
		return err
	}
	d.title(l.Election.Authority, d.w("allowance.title"), l.Election.Title)
	d.facts([2]string{d.w("election.day"), d.day(l.Election.Date)}, [2]string{d.w("as.of"), d.stamp(l.Generated)})
	cur := l.Rates.Currency
	if len(l.Rates.PerRole) > 0 {
		rt := d.table(8, text(d.w("role"), 60), num(d.w("rate"), 30))
		for _, role := range ballot.Roles {
			if v, ok := l.Rates.PerRole[role]; ok {
				rt.row(d.w("role."+string(role)), d.money(v, cur))
			}
		}
		d.pdf.Ln(3)
	}

	t := d.table(8, text(d.w("district"), 0), text(d.w("name"), 34), text(d.w("role"), 32),
		num(d.w("checkin"), 15), num(d.w("checkout"), 15), num(d.w("hours"), 16), num(d.w("amount"), 19))
	var sum int64
	var hours time.Duration
	for _, p := range l.People {
		first, last, total := present(p.Periods)
		var amount int64
		if !first.IsZero() {
			amount = l.Rates.PerRole[p.Role]
		}
		sum += amount
		hours += total
		district := p.District
		if p.DistrictName != "" {
			district += " – " + p.DistrictName
		}
		t.row(district, p.Name, d.w("role."+string(p.Role)), d.clock(first), d.clock(last), d.hours(total), d.money(amount, cur))
	}
	t.total(d.w("total"), d.n(int64(len(l.People)))+" "+d.w("persons"), "", "", "", d.hours(hours), d.money(sum, cur))
	d.pdf.Ln(6)
	d.para(d.w("allowance.note"))
	return d.finish(w)
}
