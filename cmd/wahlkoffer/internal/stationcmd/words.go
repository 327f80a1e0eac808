package stationcmd

import (
	"fmt"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
)

// words are the station's texts for the board, German and English; a
// text with verbs takes its arguments in the same order in both.
var words = cmdutil.Words{
	// Set-up, PIN, kit.
	"election":         {"Wahl", "election"},
	"district":         {"Wahlbezirk", "district"},
	"station":          {"Station", "station"},
	"tally":            {"Wahlamt", "tally"},
	"store":            {"Speicher", "store"},
	"usbOnly":          {"keine Adresse (nur USB)", "none (USB only)"},
	"storeExists":      {"%s enthält bereits eine Station; nichts wurde geändert. Einen anderen Ordner wählen.", "%s already holds a station; nothing was changed. Choose another folder."},
	"noStore":          {"In %s ist keine Station eingerichtet (wahlkoffer station setup --data %s --kit KIT).", "No station is set up in %s (wahlkoffer station setup --data %s --kit KIT)."},
	"requeued":         {"%d abgelehnte Meldung(en) wieder in den Postausgang gelegt.", "%d rejected record(s) put back in the outbox."},
	"appNeedsTerminal": {"Die Stations-App braucht ein Terminal; ohne eines die Unterbefehle verwenden (wahlkoffer station --help).", "The station app needs a terminal; without one, use the subcommands (wahlkoffer station --help)."},
	"pinMissing":       {"Keine PIN: --pin-file DATEI angeben, $%s setzen oder im Terminal aufrufen.", "No PIN: give --pin-file FILE, set $%s or run on a terminal."},
	"pinEmpty":         {"die PIN ist leer", "the PIN is empty"},
	"pinPrompt":        {"PIN des Wahlkoffers: ", "Kit PIN: "},
	"kitPINWrong":      {"Die PIN passt nicht zu diesem Wahlkoffer (vertippt?); nichts wurde geändert.", "The PIN does not open this kit (mistyped?); nothing was changed."},
	"kitDamaged":       {"Der Wahlkoffer ist beschädigt oder keine Wahlkoffer-Datei; nichts wurde geändert.", "The kit is damaged or not a kit file; nothing was changed."},
	"kitForeign":       {"Der Wahlkoffer gehört nicht zusammen (Wahlpaket nicht vom Wahlamt signiert oder andere Wahl); nichts wurde geändert.", "The kit does not belong together (election package not signed by the office, or another election); nothing was changed."},
	"kitFormat":        {"Der Wahlkoffer hat ein unbekanntes Format: eine neuere Version von wahlkoffer verwenden.", "The kit has an unknown format: use a newer wahlkoffer."},

	// The board.
	"role:chair":            {"Wahlvorsteher", "chair"},
	"role:deputy-chair":     {"stellv. Wahlvorsteher", "deputy chair"},
	"role:secretary":        {"Schriftführer", "secretary"},
	"role:deputy-secretary": {"stellv. Schriftführer", "deputy secretary"},
	"role:assessor":         {"Beisitzer", "assessor"},
	"checkedIn":             {"%s angemeldet um %s.", "%s checked in at %s."},
	"checkedOut":            {"%s abgemeldet um %s.", "%s checked out at %s."},
	"replaced":              {"%s ersetzt %s, verpflichtet und angemeldet um %s.", "%s replaces %s, instructed and checked in at %s."},
	"memberAdded":           {"%s steht im Wahlvorstand; anmelden mit: wahlkoffer station checkin --data %s --person %s", "%s is on the board; check in with: wahlkoffer station checkin --data %s --person %s"},

	// The day.
	"opened":          {"Wahlhandlung eröffnet um %s.", "Poll opened at %s."},
	"closed":          {"Wahlhandlung geschlossen um %s. Die Auszählung kann beginnen.", "Poll closed at %s. Counting may begin."},
	"adHoc":           {"Zwischenmeldung", "ad hoc"},
	"turnoutReported": {"Wahlbeteiligung %s: %s Wählende, gemeldet um %s.", "Turnout %s: %s voters, reported at %s."},
	"nextTurnout":     {"Nächste Meldung: %s.", "Next report: %s."},
	"incidentLogged":  {"%s um %s vermerkt.", "%s at %s noted."},

	// The count.
	"entryStored":    {"%s: Eingabe %d von %s gespeichert.", "%s: entry %d by %s stored."},
	"noFindings":     {"Prüfung: keine Beanstandung.", "Checks: nothing found."},
	"sev:error":      {"Fehler", "error"},
	"sev:warning":    {"Warnung", "warning"},
	"entriesAgree":   {"Beide Eingaben stimmen überein.", "The entries agree."},
	"entriesDiffer":  {"Die Eingaben weichen in %d Feld(ern) ab:", "The entries differ in %d field(s):"},
	"secondEntryDue": {"Es fehlt die zweite Eingabe durch ein anderes Mitglied.", "The second entry, by another member, is still missing."},
	"discarded":      {"%s: beide Eingaben verworfen.", "%s: both entries discarded."},
	"stage:quick":    {"Schnellmeldung", "quick report"},
	"stage:final":    {"Wahlniederschrift", "final record"},
	"submitted":      {"%s: %s Fassung %d signiert (Meldung Nr. %d), im Postausgang.", "%s: %s version %d signed (record #%d), in the outbox."},
	"notSubmitted":   {"%d von %d Wahlen nicht gesendet", "%d of %d contests not sent"},

	// Delivery.
	"syncReport":     {"zugestellt %d, abgewiesen %d, offen %d", "acknowledged %d, rejected %d, remaining %d"},
	"rejectedRecord": {"abgewiesen: Nr. %d (%s): %s – %s", "rejected: #%d (%s): %s – %s"},
	"syncRejected":   {"Das Wahlamt hat %d Meldung(en) abgewiesen", "the tally rejected %d record(s)"},
	"syncPending":    {"%d Meldung(en) noch nicht zugestellt", "%d record(s) not delivered yet"},
	"noTally":        {"%d Meldung(en) offen, aber keine Adresse des Wahlamts: mit station export auf USB übergeben", "%d record(s) pending but no tally URL: hand them over on USB with station export"},
	"exported":       {"%s: %d Meldung(en) von Wahlbezirk %s, Station %s", "%s: %d record(s) of district %s, station %s"},

	// Status.
	"asOf":                 {"Stand", "As of"},
	"phase":                {"Abschnitt", "phase"},
	"phase:before-opening": {"vor der Eröffnung", "before opening"},
	"phase:voting":         {"Wahlhandlung", "voting"},
	"phase:counting":       {"Auszählung", "counting"},
	"phase:reported":       {"gemeldet", "reported"},
	"board":                {"Wahlvorstand", "Board"},
	"absent":               {"nicht anwesend", "absent"},
	"present":              {"anwesend", "present"},
	"presentSince":         {"anwesend seit %s", "present since %s"},
	"replacing":            {"(Ersatz für %s)", "(replacing %s)"},
	"polls":                {"Wahlhandlung", "Poll"},
	"notOpened":            {"nicht eröffnet", "not opened"},
	"openedAt":             {"eröffnet %s", "opened %s"},
	"closedAt":             {"geschlossen %s", "closed %s"},
	"turnout":              {"Wahlbeteiligung", "Turnout"},
	"turnoutAt":            {"%s: %s Wählende", "%s: %s voters"},
	"nextReport":           {"Nächste Meldung", "Next report"},
	"overdue":              {"(fällig)", "(due)"},
	"incidents":            {"Vorfälle und Vorkommnisse", "Incidents"},
	"counts":               {"Ergebnisse", "Counts"},
	"entries":              {"Eingaben", "entries"},
	"agree":                {"stimmen überein", "agree"},
	"differIn":             {"weichen in %d Feld(ern) ab", "differ in %d field(s)"},
	"sentVersion":          {"Fassung %d, Nr. %d, %s", "version %d, #%d, %s"},
	"outbox":               {"Postausgang", "Outbox"},
	"state:pending":        {"offen", "pending"},
	"state:sent":           {"gesendet", "sent"},
	"state:acknowledged":   {"bestätigt", "acknowledged"},
	"state:rejected":       {"abgewiesen", "rejected"},
	"lastReceipt":          {"letzte Quittung %s", "last receipt %s"},
}

// w returns the text of key in lang, formatted with args.
func w(lang ballot.Lang, key string, args ...any) string {
	s := words.In(lang, key)
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}
