package reports_test

import (
	"bytes"
	"fmt"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/reports"
)

// A result sheet from totals, as `tally report official` fills it from
// tally.Results: ContestSheet.Total, InPerson and Postal are the
// ballot.ContestResult values as they are, the wards convert with
// reports.WardResult(w), and each annex row carries a district's
// current count numbers.
func ExampleWriteResultSheet() {
	c := ballot.Contest{ID: "ob", Title: "Wahl der Ersten Bürgermeisterin", Kind: ballot.KindMajority,
		Candidates: []ballot.Candidate{{ID: "a", Name: "Dr. Katharina Weiß"}, {ID: "b", Name: "Jürgen Öztürk"}}}
	district := ballot.Totals{ballot.FieldA1: 1200, ballot.FieldB: 700, ballot.FieldC: 10, ballot.FieldD: 690,
		ballot.OptionField("a"): 400, ballot.OptionField("b"): 290, ballot.FieldDistricts: 1}
	result := ballot.Outcome(&c, district)
	sheet := reports.ResultSheet{
		Election:    ballot.Election{Title: "Kommunalwahl Musterstadt 2026", Date: "2026-03-08", TimeZone: "Europe/Berlin"},
		Generated:   time.Date(2026, 3, 8, 20, 15, 0, 0, time.UTC),
		Fingerprint: "b0080f81b7c3bb7dafd9ab7020997a9557ca1b9fa4266055fae321fa42d0ec4e",
		Contests: []reports.ContestSheet{{Contest: c, Total: result, InPerson: result, Districts: 1,
			Annex: []reports.DistrictRow{{ID: "101", Name: "Grundschule", Kind: ballot.InPerson, Numbers: district}}}},
	}
	var pdf bytes.Buffer
	if err := reports.WriteResultSheet(&pdf, sheet, ballot.German); err != nil {
		fmt.Println(err)
	}
	fmt.Println(bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")))
	// Output: true
}
