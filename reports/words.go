package reports

import "github.com/wahlkoffer/wahlkoffer/ballot"

// words is the one word table of every document: German first, English
// second. Format verbs are the same in both.
var words = map[string][2]string{
	// Every page.
	"generated": {"Erstellt", "Generated"},
	"page.of":   {"Seite %d von %d", "Page %d of %d"},
	"as.of":     {"Stand", "As of"},
	"oclock":    {" Uhr", ""},
	"none":      {"Keine.", "None."},
	"total":     {"Insgesamt", "Total"},
	"x.of.y":    {"%s von %s", "%s of %s"},
	"no":        {"Nr.", "No."},

	// The election and its places.
	"election.day":      {"Wahltag", "Election day"},
	"district":          {"Wahlbezirk", "District"},
	"district.inperson": {"Wahlbezirk", "Polling district"},
	"district.postal":   {"Briefwahlbezirk", "Postal district"},
	"ward":              {"Stadtbezirk", "Ward"},
	"no.ward":           {"ohne Stadtbezirk", "no ward"},
	"address":           {"Anschrift", "Address"},
	"contest":           {"Wahl", "Contest"},

	// The board.
	"role":                  {"Funktion", "Role"},
	"role.chair":            {"Wahlvorsteher", "Chair"},
	"role.deputy-chair":     {"stellv. Wahlvorsteher", "Deputy chair"},
	"role.secretary":        {"Schriftführer", "Secretary"},
	"role.deputy-secretary": {"stellv. Schriftführer", "Deputy secretary"},
	"role.assessor":         {"Beisitzer", "Assessor"},
	"name":                  {"Name", "Name"},
	"member":                {"Mitglied", "Member"},
	"checkin":               {"Beginn", "Check-in"},
	"checkout":              {"Ende", "Check-out"},
	"remark":                {"Bemerkung", "Remark"},
	"replaces":              {"Ersatz für %s (%s)", "replaces %s (%s)"},
	"replaced.by":           {"ersetzt durch %s", "replaced by %s"},
	"instructed":            {"verpflichtet", "instructed"},
	"not.instructed":        {"nicht verpflichtet", "not instructed"},
	"no.show":               {"nicht erschienen", "did not come"},

	// Station record.
	"record.final":       {"Wahlniederschrift", "Station record"},
	"record.quick":       {"Schnellmeldung", "Quick report"},
	"board":              {"Wahlvorstand", "Board"},
	"polling":            {"Wahlhandlung", "Polling"},
	"opened":             {"Beginn der Wahlhandlung", "Polls opened"},
	"closed":             {"Schluss der Wahlhandlung", "Polls closed"},
	"turnout.reports":    {"Meldungen zur Wahlbeteiligung", "Turnout reports"},
	"slot":               {"Meldezeitpunkt", "Report time"},
	"adhoc":              {"außerplanmäßig", "ad hoc"},
	"reported.at":        {"gemeldet um", "reported at"},
	"incidents":          {"Vorfälle und Vorkommnisse", "Incidents"},
	"time":               {"Uhrzeit", "Time"},
	"kind":               {"Art", "Kind"},
	"description":        {"Beschreibung", "Description"},
	"result":             {"Ergebnis", "Result"},
	"not.counted":        {"Noch nicht ausgezählt.", "Not counted yet."},
	"version":            {"Fassung %d, Berichtigung: %s", "Version %d, correction: %s"},
	"letter":             {"Kennz.", "Letter"},
	"item":               {"Bezeichnung", "Item"},
	"number":             {"Anzahl", "Number"},
	"letters.received":   {"eingegangene Wahlbriefe", "ballot letters received"},
	"letters.queried":    {"beanstandete Wahlbriefe", "letters queried"},
	"letters.admitted":   {"davon zugelassen", "of these admitted"},
	"letters.rejected":   {"davon zurückgewiesen", "of these rejected"},
	"rejected.for":       {"zurückgewiesen nach § 39 Abs. 4 Nr. %d BWahlG: %s", "rejected under BWahlG § 39 (4) no. %d: %s"},
	"a1":                 {"Wahlberechtigte ohne Sperrvermerk „W“", "registered voters without the \"W\" mark"},
	"a2":                 {"Wahlberechtigte mit Sperrvermerk „W“", "registered voters with the \"W\" mark"},
	"a3":                 {"nachträglich aufgenommene Wahlberechtigte", "voters added after the register closed"},
	"a":                  {"Wahlberechtigte insgesamt (A1 + A2 + A3)", "registered voters in total (A1 + A2 + A3)"},
	"b":                  {"Wähler insgesamt", "voters in total"},
	"b1":                 {"darunter Wähler mit Wahlschein", "of these voting with a polling card"},
	"marks":              {"Stimmabgabevermerke im Wählerverzeichnis", "marks in the register"},
	"invalid.votes":      {"ungültige Stimmen", "invalid votes"},
	"valid.votes":        {"gültige Stimmen", "valid votes"},
	"invalid.ballots":    {"ungültige Stimmzettel", "invalid ballots"},
	"valid.ballots":      {"gültige Stimmzettel", "valid ballots"},
	"unchanged":          {"davon unverändert (nur Listenkreuz)", "of these unchanged (list cross only)"},
	"changed":            {"davon verändert", "of these changed"},
	"candidate":          {"Bewerber", "Candidate"},
	"votes":              {"Stimmen", "Votes"},
	"entered.by":         {"Eingegeben und geprüft von", "Entered and checked by"},
	"reasons":            {"Begründungen zu Hinweisen", "Reasons given for warnings"},
	"warning":            {"Hinweis", "Warning"},
	"reason":             {"Begründung", "Reason"},
	"signatures":         {"Unterschriften", "Signatures"},
	"signatures.text":    {"Die Mitglieder des Wahlvorstands bestätigen die Richtigkeit dieser Niederschrift mit ihrer Unterschrift.", "The members of the board confirm this record by signing it."},
	"fingerprint":        {"Prüfsumme", "Fingerprint"},
	"fingerprint.record": {"Prüfsumme (SHA-256) des Datensatzes", "Fingerprint (SHA-256) of the record"},
	"fingerprint.text":   {"Prüfsumme (SHA-256) des unterzeichneten digitalen Datensatzes; Papier und Datensatz gehören zusammen, wenn sie übereinstimmt:", "Fingerprint (SHA-256) of the signed digital record; paper and record belong together when it matches:"},
	"fingerprint.none":   {"Der digitale Datensatz ist noch nicht unterzeichnet; eine Prüfsumme gibt es noch nicht.", "The digital record is not signed yet, so there is no fingerprint."},

	// Warnings, as the record names them when the caller gives no finding.
	"warn.turnout-high":                         {"Wahlbeteiligung über 95 %", "turnout above 95 %"},
	"warn.turnout-low":                          {"Wahlbeteiligung unter 5 %", "turnout below 5 %"},
	"warn.few-voters":                           {"weniger als 50 Wähler", "fewer than 50 voters"},
	"warn.marks-plus-cards-differ":              {"Stimmzettel weichen von Vermerken und Wahlscheinen ab", "ballots differ from marks and polling cards"},
	"warn.zero-where-strong":                    {"keine Stimmen, obwohl anderswo stark", "no votes where strong elsewhere"},
	"warn.postal-b-not-received-minus-rejected": {"Stimmzettelumschläge weichen von den Wahlbriefen ab", "ballot envelopes differ from the letters"},
	"warn.register-differs":                     {"Zahlen des Wählerverzeichnisses weichen ab", "register figures differ"},

	// Result sheet.
	"sheet.provisional":        {"Vorläufiges Wahlergebnis", "Provisional result"},
	"sheet.final":              {"Endgültiges Wahlergebnis", "Final result"},
	"fingerprint.records":      {"Prüfsumme (SHA-256) der Meldungen", "Fingerprint (SHA-256) of the records"},
	"status":                   {"Status", "Status"},
	"status.provisional":       {"vorläufig", "provisional"},
	"status.final":             {"endgültig (vom Wahlausschuss festgestellt)", "final (certified by the electoral committee)"},
	"completeness":             {"Gemeldete Wahlbezirke", "Districts reported"},
	"inperson":                 {"Urnenwahl", "In person"},
	"postal":                   {"Briefwahl", "Postal"},
	"together":                 {"Zusammen", "Together"},
	"districts.reported":       {"gemeldete Wahlbezirke", "districts reported"},
	"eligible":                 {"Wahlberechtigte (A)", "Registered voters (A)"},
	"voters.b":                 {"Wähler (B)", "Voters (B)"},
	"b1.short":                 {"darunter mit Wahlschein (B1)", "of these with a polling card (B1)"},
	"votes.per.option":         {"Stimmen für die Wahlvorschläge", "Votes for the options"},
	"option":                   {"Wahlvorschlag", "Option"},
	"option.yes":               {"Ja", "Yes"},
	"option.no":                {"Nein", "No"},
	"outcome":                  {"Ergebnis der Wahl", "Outcome"},
	"undecided":                {"Noch kein Ergebnis: %s.", "No outcome yet: %s."},
	"undecided.no-valid-votes": {"es gibt noch keine gültigen Stimmen", "there are no valid votes yet"},
	"winner":                   {"Gewählt ist %s mit %s der gültigen Stimmen.", "Elected: %s with %s of the valid votes."},
	"no.majority":              {"Niemand hat mehr als die Hälfte der gültigen Stimmen erhalten.", "No one has more than half of the valid votes."},
	"runoff":                   {"Stichwahl zwischen %s und %s.", "Runoff between %s and %s."},
	"runoff.one":               {"In der Stichwahl steht %s.", "%s goes to the runoff."},
	"majority.lot":             {"Das Los entscheidet über %d Platz/Plätze ab Platz %d zwischen: %s.", "Lots decide %d place(s) from place %d among: %s."},
	"referendum.yes":           {"Die Mehrheit der gültigen Stimmen lautet auf Ja.", "The majority of the valid votes is yes."},
	"referendum.no":            {"Die Mehrheit der gültigen Stimmen lautet auf Nein.", "The majority of the valid votes is no."},
	"referendum.tie":           {"Stimmengleichheit zwischen Ja und Nein.", "Yes and no are tied."},
	"allocation":               {"Verteilung von %d Sitzen nach dem Verfahren %s.", "%d seats allocated by the %s method."},
	"method.sainte-lague":      {"Sainte-Laguë/Schepers", "Sainte-Laguë/Schepers"},
	"method.dhondt":            {"D’Hondt", "D'Hondt"},
	"method.hare-niemeyer":     {"Hare/Niemeyer", "Hare/Niemeyer"},
	"threshold":                {"Sperrklausel: %s der gültigen Stimmen.", "Threshold: %s of the valid votes."},
	"seats":                    {"Sitze", "Seats"},
	"elected":                  {"Gewählte Bewerber", "Elected candidates"},
	"elected.lot":              {"Los zwischen %s", "lots among %s"},
	"below.threshold":          {"(unter der Sperrklausel)", "(below threshold)"},
	"seat.lot":                 {"Noch zu vergeben: %d Sitz/Sitze; das Los entscheidet zwischen %s.", "Still to allocate: %d seat(s); lots decide among %s."},
	"annex":                    {"Anlage %d: %s nach Wahlbezirken", "Annex %d: %s by district"},
	"annex.part":               {" (Teil %d von %d)", " (part %d of %d)"},
	"turnout.short":            {"Beteil.", "Turnout"},

	// Turnout report.
	"turnout.title":     {"Wahlbeteiligung", "Turnout"},
	"turnout.none":      {"Es liegen noch keine Meldungen zur Wahlbeteiligung vor.", "No turnout has been reported yet."},
	"turnout.overview":  {"Wahlbeteiligung nach Meldezeitpunkt und Stadtbezirk", "Turnout by report time and ward"},
	"turnout.note":      {"Die Wahlbeteiligung bezieht sich auf die Wahlberechtigten der Wahlbezirke, die gemeldet haben, ohne Briefwahl.", "Turnout is the share of the registered voters of the districts that reported, postal votes not included."},
	"turnout.slot":      {"Meldung um %s Uhr", "Report at %s"},
	"turnout":           {"Wahlbeteiligung", "Turnout"},
	"voters":            {"Wähler", "Voters"},
	"stations.reported": {"gemeldet", "reported"},
	"eligible.reported": {"Wahlberechtigte", "Registered"},

	// Staffing report.
	"staffing.title": {"Besetzung der Wahlvorstände", "Staffing of the boards"},
	"stations":       {"Wahlvorstände", "Boards"},
	"below.quorum":   {"Nicht beschlussfähige Wahlvorstände", "Boards below quorum"},
	"replacements":   {"Ersatzmitglieder", "Replacements"},
	"no.shows":       {"Nicht erschienene Mitglieder", "Members who did not come"},
	"present":        {"anwesend", "present"},
	"required":       {"erforderlich", "required"},
	"missing":        {"Es fehlt", "Lacking"},
	"newcomer":       {"Ersatzmitglied", "Replacement"},
	"replaced":       {"für", "for"},
	"all.boards":     {"Alle Wahlvorstände", "All boards"},
	"quorum":         {"Beschlussfähigkeit", "Quorum"},
	"quorum.met":     {"beschlussfähig", "met"},
	"quorum.missing": {"nicht beschlussfähig", "not met"},

	// Allowance list.
	"allowance.title": {"Erfrischungsgeld – Anwesenheitsliste", "Refreshment allowance – attendance list"},
	"rate":            {"Betrag", "Amount"},
	"hours":           {"Stunden", "Hours"},
	"amount":          {"Betrag", "Amount"},
	"persons":         {"Personen", "people"},
	"allowance.note":  {"Das Erfrischungsgeld richtet sich nach der Funktion im Wahlvorstand; wer sich nicht angemeldet hat, erhält keines. Beginn und Ende sind die erste Anmeldung und die letzte Abmeldung, die Stunden die Summe der Anwesenheit.", "The allowance depends on the role on the board; no one who never checked in is paid. Check-in and check-out are the first and the last of the day, the hours the sum of the time present."},
}

// lookup returns the word in the language, and whether there is one.
func lookup(lang ballot.Lang, key string) (string, bool) {
	t, ok := words[key]
	if !ok {
		return "", false
	}
	if lang == ballot.English {
		return t[1], true
	}
	return t[0], true
}

// word returns the word in the language, or the key in angle brackets so
// that a missing word shows (and the tests find it).
func word(lang ballot.Lang, key string) string {
	if t, ok := lookup(lang, key); ok {
		return t
	}
	return "[[" + key + "]]"
}

func (d *doc) w(key string) string { return word(d.lang, key) }
