// Package reports renders the official PDF sheets from plain values into
// an io.Writer; it opens no store and imports nothing of the project but
// ballot.
//
// Five documents, each an input struct and a Write function taking the
// language (ballot.German by default, ballot.English):
//
//	WriteStationRecord(w, StationRecord, lang)  Wahlniederschrift (Stage final) or Schnellmeldung (quick)
//	WriteResultSheet(w, ResultSheet, lang)      official result sheet with an annex per district and ward
//	WriteTurnout(w, TurnoutReport, lang)        turnout per report time, per ward and overall
//	WriteStaffing(w, StaffingReport, lang)      boards below quorum, replacements, no-shows
//	WriteAllowance(w, AllowanceList, lang)      Erfrischungsgeld: per person hours and amount, with the total
//
// The inputs are shaped after what the callers hold: station.State for
// the station record (StationContests picks the counts per contest, and
// station.Replacement converts to Replacement), tally.Results for the
// result sheet (ballot.ContestResult as it is, tally.WardResult converts
// to WardResult, store.CurrentCount.Numbers is a DistrictRow's Numbers),
// tally.Status.Turnout and tally.Status.Staffing for the turnout and
// staffing reports (their slices convert element by element), and the
// check-ins and check-outs of a district for the allowance list (Periods).
//
// Every document is A4, set in the embedded DejaVu Sans (fonts/LICENSE),
// with a running head, "Seite x von y" and the time generated on every
// page, times shown in the election's time zone (Europe/Berlin when it
// names none). Every input carries a Generated time, which is printed and
// fixes the PDF's creation date: the same input gives the same bytes. A
// fingerprint (hex SHA-256, computed by the caller) is printed on every
// page of the station record, with a QR code of "sha256:<hex>", and of
// the result sheet, which requires one.
//
// Tables break across pages with their header repeated, wrap long text
// within their columns and keep numbers right-aligned with the separators
// of the language (1.234.567 and 12,34 % in German).
package reports
