package reports_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/reports"
)

func TestTurnout_PerReportTimePerWardAndOverall(t *testing.T) {
	r := turnoutReport(t)
	text := squeeze(pdftotext(t, render(t, find(t, "turnout"), ballot.German), "-layout"))
	pct := func(v, e int64) string { return ballot.FormatPercent(ballot.ShareOf(v, e), ballot.German) }
	contains(t, text, "Wahlbeteiligung", "Stand: 08.03.2026, 16:30 Uhr", "10:00 Uhr 12:00 Uhr 14:00 Uhr 16:00 Uhr")
	for wi, w := range r.Wards {
		cells := []string{w.Name}
		for _, s := range r.Slots {
			cells = append(cells, pct(s.Wards[wi].Voters, s.Wards[wi].Eligible))
		}
		contains(t, text, strings.Join(cells, " "))
	}
	total := []string{"Insgesamt"}
	for _, s := range r.Slots {
		total = append(total, pct(s.Voters, s.Eligible))
		contains(t, text, fmt.Sprintf("Meldung um %s Uhr", s.Slot),
			fmt.Sprintf("Insgesamt %d von %d %s %s %s", s.Stations, s.Of, ballot.FormatCount(s.Voters, ballot.German),
				ballot.FormatCount(s.Eligible, ballot.German), pct(s.Voters, s.Eligible)))
	}
	contains(t, text, strings.Join(total, " "))
}

// More report times than fit beside the wards continue in a second
// overview table.
func TestTurnout_ManyReportTimesContinueInASecondOverview(t *testing.T) {
	r := turnoutReport(t)
	base := r.Slots[0]
	r.Slots = nil
	for h := 8; h < 18; h++ {
		s := base
		s.Slot = fmt.Sprintf("%02d:00", h)
		r.Slots = append(r.Slots, s)
	}
	var b bytes.Buffer
	if err := reports.WriteTurnout(&b, r, ballot.German); err != nil {
		t.Fatal(err)
	}
	text := squeeze(pdftotext(t, b.Bytes(), "-layout"))
	contains(t, text, "08:00 Uhr 09:00 Uhr 10:00 Uhr 11:00 Uhr 12:00 Uhr 13:00 Uhr", "14:00 Uhr 15:00 Uhr 16:00 Uhr 17:00 Uhr")
}

func TestTurnout_WithoutReportsSaysSo(t *testing.T) {
	r := turnoutReport(t)
	r.Slots = nil
	var b bytes.Buffer
	if err := reports.WriteTurnout(&b, r, ballot.English); err != nil {
		t.Fatal(err)
	}
	contains(t, pdftotext(t, b.Bytes()), "No turnout has been reported yet.")
}

func TestStaffing_ListsBoardsBelowQuorumReplacementsAndNoShows(t *testing.T) {
	def := musterstadt(t)
	roster := func(id string) ballot.Member {
		for _, d := range def.Districts {
			for _, m := range d.Roster {
				if m.ID == id {
					return m
				}
			}
		}
		t.Fatalf("no member %s", id)
		return ballot.Member{}
	}
	pdf := render(t, find(t, "staffing"), ballot.German)
	text := squeeze(pdftotext(t, pdf, "-layout"))
	contains(t, text, "Besetzung der Wahlvorstände", "Stand: 08.03.2026, 10:30 Uhr",
		"Wahlvorstände: 40", "Nicht beschlussfähige Wahlvorstände: 1", "Ersatzmitglieder: 1", "Nicht erschienene Mitglieder: 4",
		"102 – Wahlbezirk 102 – Mittelschule Am Anger 1 3",
		"07:52 Jürgen Öztürk Franziska Bauer (Beisitzer)",
		roster("102-3").Name+" (Schriftführer)", roster("103-2").Name+" (stellv. Wahlvorsteher)",
		"nicht beschlussfähig", "501 – Wahlbezirk 501 – Gaststätte Zum Stadtbezirk 5 – Ost – Am 3 3 beschlussfähig")
	contains(t, flat(pdftotext(t, pdf)), "Weder der Schriftführer noch sein Stellvertreter ist anwesend. Es fehlt noch 1 weiteres Mitglied.")
}

func TestStaffing_WithEveryBoardFullSaysNone(t *testing.T) {
	r := staffingReport(t)
	r.Stations = r.Stations[3:]
	var b bytes.Buffer
	if err := reports.WriteStaffing(&b, r, ballot.English); err != nil {
		t.Fatal(err)
	}
	text := squeeze(pdftotext(t, b.Bytes(), "-layout"))
	contains(t, text, "Boards below quorum\nNone.", "Replacements\nNone.", "Members who did not come\nNone.", "All boards")
}

func TestAllowance_PaysEachPersonTheAmountOfTheRoleWithATotal(t *testing.T) {
	text := squeeze(pdftotext(t, render(t, find(t, "allowance"), ballot.German), "-layout"))
	contains(t, text, "Erfrischungsgeld – Anwesenheitsliste",
		"Wahlvorsteher 60,00 €", "stellv. Wahlvorsteher 50,00 €", "Beisitzer 40,00 €",
		"Petra Weber Wahlvorsteher 07:15 19:10 11,92 60,00 €",
		"Magdalena Groß stellv. Wahlvorsteher – – 0,00 0,00 €", // did not come: no allowance
		"Insgesamt 16 Personen 179,88 710,00 €")
}

func TestAllowance_InEnglishWritesEuroFirst(t *testing.T) {
	l := allowanceList(t)
	l.People = l.People[:1]
	var b bytes.Buffer
	if err := reports.WriteAllowance(&b, l, ballot.English); err != nil {
		t.Fatal(err)
	}
	contains(t, squeeze(pdftotext(t, b.Bytes(), "-layout")), "Petra Weber Chair 07:15 19:10 11.92 €60.00", "Total 1 people 11.92 €60.00")
}

// A person away over lunch is paid for the hours present; the list
// shows the first check-in and the last check-out.
func TestPeriods_PairCheckInsWithTheCheckOutsThatFollow(t *testing.T) {
	ev := []ballot.AttendanceEvent{
		{At: local(13, 0), PersonID: "p", In: true},
		{At: local(7, 30), PersonID: "p", In: true},
		{At: local(12, 0), PersonID: "p"},
		{At: local(7, 45), PersonID: "p", In: true}, // twice in: ignored
		{At: local(19, 0), PersonID: "p"},
		{At: local(20, 0), PersonID: "p"}, // out without in: ignored
		{At: local(8, 0), PersonID: "q", In: true},
	}
	got := reports.Periods(ev)
	want := map[string][]reports.Period{
		"p": {{In: local(7, 30), Out: local(12, 0)}, {In: local(13, 0), Out: local(19, 0)}},
		"q": {{In: local(8, 0)}},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	l := allowanceList(t)
	l.People = []reports.AllowancePerson{{District: "101", Name: "Benedikt Weiß", Role: ballot.RoleDeputyChair, Periods: got["p"]}}
	var b bytes.Buffer
	if err := reports.WriteAllowance(&b, l, ballot.German); err != nil {
		t.Fatal(err)
	}
	contains(t, squeeze(pdftotext(t, b.Bytes(), "-layout")), "07:30 19:00 10,50 50,00 €")
}
