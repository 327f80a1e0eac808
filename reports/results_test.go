package reports_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/reports"
)

func sheetText(t *testing.T, s reports.ResultSheet, lang ballot.Lang, args ...string) string {
	t.Helper()
	var b bytes.Buffer
	if err := reports.WriteResultSheet(&b, s, lang); err != nil {
		t.Fatal(err)
	}
	return pdftotext(t, b.Bytes(), args...)
}

func TestResultSheet_ShowsTheFiguresInPersonPostalAndTogether(t *testing.T) {
	s := resultSheet(t)
	ob := s.Contests[0]
	n := func(v int64) string { return ballot.FormatCount(v, ballot.German) }
	p := func(part, whole int64) string {
		return ballot.FormatPercent(ballot.ShareOf(part, whole), ballot.German)
	}
	text := squeeze(sheetText(t, s, ballot.German, "-layout"))
	contains(t, text,
		"Vorläufiges Wahlergebnis", "Status: vorläufig", "Gemeldete Wahlbezirke: 47 von 50",
		"Urnenwahl Briefwahl Zusammen",
		"gemeldete Wahlbezirke 38 9 47",
		fmt.Sprintf("Wahlberechtigte (A) %s – %s", n(ob.InPerson.A), n(ob.Total.A)),
		fmt.Sprintf("Wähler (B) %s %s %s", n(ob.InPerson.B), n(ob.Postal.B), n(ob.Total.B)),
		fmt.Sprintf("Wahlbeteiligung %s – %s", p(ob.InPerson.B, ob.InPerson.A), p(ob.Total.B, ob.Total.A)),
		fmt.Sprintf("ungültige Stimmen %s %s %s", n(ob.InPerson.Invalid), n(ob.Postal.Invalid), n(ob.Total.Invalid)),
		fmt.Sprintf("gültige Stimmen %s %s %s", n(ob.InPerson.Valid), n(ob.Postal.Valid), n(ob.Total.Valid)),
		"Stimmen für die Wahlvorschläge")
	for i, o := range ob.Total.Options {
		ip, po := ob.InPerson.Options[i].Votes, ob.Postal.Options[i].Votes
		contains(t, text, fmt.Sprintf("%s %s %s %s %s %s", n(ip), p(ip, ob.InPerson.Valid), n(po), p(po, ob.Postal.Valid), n(o.Votes), p(o.Votes, ob.Total.Valid)))
	}
	contains(t, text, "Dr. Katharina Weiß (CSU)", "Jürgen Öztürk (SPD)", "Lena Strauß (BÜNDNIS 90/DIE GRÜNEN)",
		"Niemand hat mehr als die Hälfte der gültigen Stimmen erhalten.",
		"Stichwahl zwischen Dr. Katharina Weiß (CSU) und Jürgen Öztürk (SPD).")
}

func TestResultSheet_AllocatesSeatsByTheNamedMethodWithTheElected(t *testing.T) {
	s := resultSheet(t)
	sr := s.Contests[1]
	text := squeeze(sheetText(t, s, ballot.German, "-layout"))
	contains(t, text, "Wahl des Stadtrats", "Verteilung von 40 Sitzen nach dem Verfahren Sainte-Laguë/Schepers.",
		"Gewählte Bewerber", "ungültige Stimmzettel", "gültige Stimmzettel")
	for _, o := range sr.Total.Options {
		if seats := sr.Total.Seats.ByList[o.ID]; seats > 0 {
			contains(t, text, fmt.Sprintf("%s %d", ballot.FormatCount(o.Votes, ballot.German), seats))
		}
	}
	contains(t, flat(sheetText(t, s, ballot.German)), "Sören Kowalski, Korbinian Groß")
}

// A tie for the last seats names the lists among which lots are drawn;
// a list below the threshold says so.
func TestResultSheet_NamesTheLotAndTheThreshold(t *testing.T) {
	c := ballot.Contest{ID: "kt", Title: "Wahl des Kreistags", Kind: ballot.KindList, Seats: 3, Method: ballot.DHondt, Threshold: 500,
		Lists: []ballot.List{{ID: "a", Name: "Liste Ärzte"}, {ID: "b", Name: "Liste Bürger"}, {ID: "c", Name: "Liste Grüße"}, {ID: "d", Name: "Liste Klein"}}}
	totals := ballot.Totals{ballot.FieldDistricts: 1, ballot.FieldB: 410, ballot.FieldD: 410,
		ballot.OptionField("a"): 200, ballot.OptionField("b"): 100, ballot.OptionField("c"): 100, ballot.OptionField("d"): 10}
	r := ballot.Outcome(&c, totals)
	if r.Seats == nil || r.Seats.Lot == nil {
		t.Fatalf("the fixture has no lot: %+v", r.Seats)
	}
	s := resultSheet(t)
	s.Contests = []reports.ContestSheet{{Contest: c, Total: r, InPerson: r, Districts: 1}}
	text := flat(sheetText(t, s, ballot.German))
	contains(t, text, "Verteilung von 3 Sitzen nach dem Verfahren D’Hondt.", "Sperrklausel: 5,00 % der gültigen Stimmen.",
		"(unter der Sperrklausel)", "Noch zu vergeben: 2 Sitz/Sitze; das Los entscheidet zwischen Liste Ärzte, Liste Bürger, Liste Grüße.")
	en := flat(sheetText(t, s, ballot.English))
	contains(t, en, "3 seats allocated by the D'Hondt method.", "Still to allocate: 2 seat(s); lots decide among Liste Ärzte, Liste Bürger, Liste Grüße.")
}

func TestResultSheet_NamesTheWinnerOfAnAbsoluteMajority(t *testing.T) {
	s := resultSheet(t)
	c := s.Contests[0].Contest
	totals := ballot.Totals{ballot.FieldDistricts: 50, ballot.FieldA1: 2000, ballot.FieldB: 1000, ballot.FieldC: 10, ballot.FieldD: 990,
		ballot.OptionField("ob-1"): 100, ballot.OptionField("ob-2"): 600, ballot.OptionField("ob-3"): 190, ballot.OptionField("ob-4"): 100}
	r := ballot.Outcome(&c, totals)
	s.Contests = []reports.ContestSheet{{Contest: c, Total: r, InPerson: r, Districts: 50, Certified: true}}
	text := flat(sheetText(t, s, ballot.German))
	contains(t, text, "Endgültiges Wahlergebnis", "endgültig (vom Wahlausschuss festgestellt)",
		"Gewählt ist Jürgen Öztürk (SPD) mit 60,61 % der gültigen Stimmen.")
}

func TestResultSheet_IsFinalOnlyWhenEveryContestIsCertified(t *testing.T) {
	s := resultSheet(t)
	s.Contests[1].Certified = true
	text := sheetText(t, s, ballot.German)
	contains(t, text, "Vorläufiges Wahlergebnis", "endgültig (vom Wahlausschuss festgestellt)")
	s.Contests[0].Certified = true
	text = sheetText(t, s, ballot.German)
	contains(t, text, "Endgültiges Wahlergebnis")
	if strings.Contains(text, "Vorläufig") || strings.Contains(text, "vorläufig") {
		t.Error("a certified sheet still says vorläufig")
	}
}

// Every page carries the status, the fingerprint of the records and
// "Seite x von y".
func TestResultSheet_PrintsTheFingerprintAndStatusOnEveryPage(t *testing.T) {
	s := resultSheet(t)
	ps := pages(sheetText(t, s, ballot.German))
	for i, p := range ps {
		contains(t, p, s.Fingerprint, "Vorläufiges Wahlergebnis", fmt.Sprintf("Seite %d von %d", i+1, len(ps)))
	}
}

func TestResultSheet_RefusesToPrintWithoutTheFingerprintOfItsRecords(t *testing.T) {
	s := resultSheet(t)
	for _, fp := range []string{"", "1234", strings.Repeat("z", 64)} {
		s.Fingerprint = fp
		var b bytes.Buffer
		if err := reports.WriteResultSheet(&b, s, ballot.German); err == nil || b.Len() > 0 {
			t.Errorf("fingerprint %q: err %v, %d bytes", fp, err, b.Len())
		}
	}
}

// The annex has a row per district, the ward's row after its districts,
// dashes for a district that has not reported, and the total.
func TestResultSheet_AnnexHasARowPerDistrictAndPerWard(t *testing.T) {
	s := resultSheet(t)
	ob := s.Contests[0]
	text := squeeze(sheetText(t, s, ballot.German, "-layout"))
	n := func(v int64) string { return ballot.FormatCount(v, ballot.German) }
	var want []string
	contains(t, text, "Anlage 1: Wahl der Ersten Bürgermeisterin / des Ersten Bürgermeisters nach Wahlbezirken",
		"Anlage 2: Wahl des Stadtrats nach Wahlbezirken",
		"D1 Dr. Katharina Weiß (CSU) · D2 Jürgen Öztürk (SPD)",
		"109 Wahlbezirk 109 – Turnhalle der Grundschule Süd – – – – – – – – –")
	for _, row := range ob.Annex {
		if row.Numbers == nil {
			continue
		}
		t := row.Numbers
		a, b := t[ballot.FieldA1]+t[ballot.FieldA2]+t[ballot.FieldA3], t[ballot.FieldB]
		cells := []string{row.ID, row.Name, "–", n(b), "–", n(t[ballot.FieldC]), n(t[ballot.FieldD])}
		if a > 0 {
			cells[2], cells[4] = n(a), ballot.FormatPercent(ballot.ShareOf(b, a), ballot.German)
		}
		for _, o := range ob.Contest.Options() {
			cells = append(cells, n(t[ballot.OptionField(o.ID)]))
		}
		want = append(want, strings.Join(cells, " "))
	}
	contains(t, text, want...)
	for _, w := range ob.Wards {
		r := w.Result
		contains(t, text, fmt.Sprintf("%s %s %s %s", w.Name, n(r.A), n(r.B), ballot.FormatPercent(ballot.ShareOf(r.B, r.A), ballot.German)))
	}
	contains(t, text, fmt.Sprintf("Insgesamt %s %s", n(ob.Total.A), n(ob.Total.B)))
}

func TestResultSheet_InEnglishUsesEnglishSeparators(t *testing.T) {
	s := resultSheet(t)
	ob := s.Contests[0]
	text := squeeze(sheetText(t, s, ballot.English, "-layout"))
	contains(t, text, "Provisional result", "In person Postal Together",
		fmt.Sprintf("Voters (B) %s %s %s", ballot.FormatCount(ob.InPerson.B, ballot.English), ballot.FormatCount(ob.Postal.B, ballot.English), ballot.FormatCount(ob.Total.B, ballot.English)),
		"Runoff between Dr. Katharina Weiß (CSU) and Jürgen Öztürk (SPD).", "Annex 1:")
	if !strings.Contains(ballot.FormatCount(ob.Total.B, ballot.English), ",") {
		t.Fatal("the fixture's figures are too small to show a separator")
	}
}
