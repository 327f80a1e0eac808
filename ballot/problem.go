package ballot

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with an election definition, at its JSON path
// (e.g. $.districts[3].ballots[1]). Code is stable and meant for machines
// and tests; Args are the values the message names, in template order.
type Problem struct {
	Path string   `json:"path"`
	Code string   `json:"code"`
	Args []string `json:"args,omitempty"`
}

// Problem codes of definition validation. Add, never rename: tests and
// scripts match on them.
const (
	ProblemJSONSyntax        = "json-syntax"
	ProblemUnknownField      = "unknown-field"
	ProblemDuplicateKey      = "duplicate-key"
	ProblemWrongType         = "wrong-type"
	ProblemNotInteger        = "not-integer"
	ProblemValueInvalid      = "value-invalid"
	ProblemPercentInvalid    = "percent-invalid"
	ProblemRequired          = "required"
	ProblemFormatUnknown     = "format-unknown"
	ProblemIDInvalid         = "id-invalid"
	ProblemDuplicateID       = "duplicate-id"
	ProblemUnknownReference  = "unknown-reference"
	ProblemDuplicateRef      = "duplicate-reference"
	ProblemDateInvalid       = "date-invalid"
	ProblemTimeZoneUnknown   = "time-zone-unknown"
	ProblemTimeInvalid       = "time-invalid"
	ProblemTimesOrder        = "times-not-increasing"
	ProblemTimeOutsidePolls  = "time-outside-polls"
	ProblemPollsOrder        = "polls-order"
	ProblemEnumUnknown       = "value-unknown"
	ProblemNotForKind        = "not-for-kind"
	ProblemSeatsInvalid      = "seats-invalid"
	ProblemThresholdInvalid  = "threshold-invalid"
	ProblemNegative          = "negative"
	ProblemBoardSizeInvalid  = "board-size-invalid"
	ProblemQuorumAboveBoard  = "quorum-above-board-size"
	ProblemQuorumTooSmall    = "quorum-too-small"
	ProblemRegisterMissing   = "register-missing"
	ProblemRegisterEmpty     = "register-empty"
	ProblemPlacesInvalid     = "places-invalid"
	ProblemCumulationInvalid = "cumulation-invalid"
	ProblemRosterTooLarge    = "roster-too-large"
)

// problemText holds the German and English template of each code; %s
// verbs take Args in order.
var problemText = map[string][2]string{
	ProblemJSONSyntax:        {"Die Datei ist kein gültiges JSON: %s.", "The file is not valid JSON: %s."},
	ProblemUnknownField:      {"Das Feld %q ist hier nicht vorgesehen.", "The field %q is not known here."},
	ProblemDuplicateKey:      {"Das Feld %q steht mehrfach im selben Objekt.", "The field %q appears more than once in the same object."},
	ProblemWrongType:         {"Erwartet wird %s, gefunden wurde %s.", "Expected %s, found %s."},
	ProblemNotInteger:        {"Erwartet wird eine ganze Zahl, gefunden wurde %s.", "Expected a whole number, found %s."},
	ProblemValueInvalid:      {"Ungültiger Wert: %s.", "Invalid value: %s."},
	ProblemPercentInvalid:    {"%s ist keine Prozentangabe mit höchstens zwei Nachkommastellen.", "%s is not a percentage with at most two decimal places."},
	ProblemRequired:          {"Angabe fehlt.", "This is required."},
	ProblemFormatUnknown:     {"Unbekanntes Format %q; erwartet wird %q.", "Unknown format %q; expected %q."},
	ProblemIDInvalid:         {"Die Kennung %q ist ungültig: 1 bis 64 Zeichen aus Buchstaben, Ziffern, '.', '_' und '-', beginnend mit Buchstabe oder Ziffer.", "The id %q is invalid: 1 to 64 letters, digits, '.', '_' and '-', starting with a letter or digit."},
	ProblemDuplicateID:       {"Die Kennung %q ist bereits bei %s vergeben.", "The id %q is already used at %s."},
	ProblemUnknownReference:  {"Verweis auf den %s %q, den es nicht gibt.", "Refers to the %s %q, which does not exist."},
	ProblemDuplicateRef:      {"%q ist mehrfach aufgeführt.", "%q is listed more than once."},
	ProblemDateInvalid:       {"Das Datum %q ist ungültig; erwartet wird JJJJ-MM-TT.", "The date %q is invalid; expected YYYY-MM-DD."},
	ProblemTimeZoneUnknown:   {"Die Zeitzone %q ist unbekannt.", "The time zone %q is unknown."},
	ProblemTimeInvalid:       {"Die Uhrzeit %q ist ungültig; erwartet wird HH:MM.", "The time %q is invalid; expected HH:MM."},
	ProblemTimesOrder:        {"Die Uhrzeit %s muss nach %s liegen.", "The time %s must come after %s."},
	ProblemTimeOutsidePolls:  {"Die Uhrzeit %s liegt nicht in der Wahlzeit %s bis %s.", "The time %s lies outside the polling hours %s to %s."},
	ProblemPollsOrder:        {"Die Wahlzeit endet (%s) nicht nach ihrem Beginn (%s).", "The polls close (%s) no later than they open (%s)."},
	ProblemEnumUnknown:       {"Unbekannter Wert %q; möglich sind: %s.", "Unknown value %q; allowed: %s."},
	ProblemNotForKind:        {"Das Feld %q gehört nicht zu einer Wahl der Art %q.", "The field %q does not belong to a contest of kind %q."},
	ProblemSeatsInvalid:      {"Die Zahl der Sitze muss zwischen 1 und 10.000 liegen, nicht %s.", "The number of seats must be between 1 and 10,000, not %s."},
	ProblemThresholdInvalid:  {"Die Sperrklausel %s %% liegt nicht zwischen 0 und 100 %%.", "The threshold %s %% is not between 0 and 100 %%."},
	ProblemNegative:          {"Der Wert %s darf nicht negativ sein.", "The value %s must not be negative."},
	ProblemBoardSizeInvalid:  {"Die Größe des Wahlvorstands (%s bis %s) ist ungültig.", "The board size (%s to %s) is invalid."},
	ProblemQuorumAboveBoard:  {"Die Beschlussfähigkeit verlangt %s Mitglieder, der Wahlvorstand hat höchstens %s.", "The quorum needs %s members, but a board has at most %s."},
	ProblemQuorumTooSmall:    {"Die Beschlussfähigkeit von %s ist zu klein: Vorsteher und Schriftführer sind zwei Personen.", "A quorum of %s is too small: the chair and the secretary are two people."},
	ProblemRegisterMissing:   {"Für einen Urnenwahlbezirk fehlen die Zahlen des Wählerverzeichnisses (A1, A2).", "An in-person district needs its register figures (A1, A2)."},
	ProblemRegisterEmpty:     {"Das Wählerverzeichnis hat keine Wahlberechtigten (A = 0).", "The register has no voters (A = 0)."},
	ProblemPlacesInvalid:     {"Ein Bewerber kann %s-mal aufgeführt sein, höchstens %s-mal.", "A candidate can be printed %s times, at most %s."},
	ProblemCumulationInvalid: {"Stimmen je Wähler (%s) und Stimmen je Bewerber (%s) müssen mindestens 1 sein.", "Votes per voter (%s) and votes per candidate (%s) must be at least 1."},
	ProblemRosterTooLarge:    {"Der Wahlvorstand hat %s Mitglieder, höchstens %s sind zulässig.", "The board has %s members, at most %s are allowed."},
}

// germanNouns are the German words for the things and JSON types that
// messages name in English.
var germanNouns = map[string]string{
	"ballot": "Stimmzettel", "ward": "Stadtbezirk", "list": "Wahlvorschlag",
	"an object": "ein Objekt", "an array": "eine Liste", "a string": "ein Text", "a number": "eine Zahl",
	"true or false": "true oder false", "null": "null",
}

// Message renders the problem in the given language.
func (p Problem) Message(lang Lang) string {
	t, ok := problemText[p.Code]
	if !ok {
		return p.Code
	}
	tmpl := t[0]
	if lang == English {
		tmpl = t[1]
	}
	args := make([]any, 0, len(p.Args))
	for _, a := range p.Args {
		if lang != English {
			if de, ok := germanNouns[a]; ok {
				a = de
			} else if num, ok := strings.CutPrefix(a, "the number "); ok {
				a = "die Zahl " + num
			}
		}
		args = append(args, a)
	}
	return fmt.Sprintf(tmpl, args...)
}

// String renders the problem as "path: message [code]" in English.
func (p Problem) String() string {
	return fmt.Sprintf("%s: %s [%s]", p.Path, p.Message(English), p.Code)
}

// DefinitionError is returned when a definition has problems; it carries
// all of them, sorted by path.
type DefinitionError struct {
	Problems []Problem
}

func (e *DefinitionError) Error() string {
	if len(e.Problems) == 1 {
		return "election definition: " + e.Problems[0].String()
	}
	return fmt.Sprintf("election definition: %d problems, the first: %s", len(e.Problems), e.Problems[0])
}

// problems collects problems while validating.
type problems struct {
	list []Problem
}

func (ps *problems) add(path, code string, args ...string) {
	ps.list = append(ps.list, Problem{Path: path, Code: code, Args: args})
}

// sortProblems orders problems by path (array indices compared as
// numbers), keeping the order of problems at the same path, so that the
// report reads from top to bottom and is the same on every run.
func sortProblems(list []Problem) {
	sort.SliceStable(list, func(i, j int) bool { return pathLess(list[i].Path, list[j].Path) })
}

// pathLess compares JSON paths segment by segment, indices numerically.
func pathLess(a, b string) bool {
	as, bs := splitPath(a), splitPath(b)
	for i := 0; i < len(as) && i < len(bs); i++ {
		if as[i] == bs[i] {
			continue
		}
		ai, aIdx := pathIndex(as[i])
		bi, bIdx := pathIndex(bs[i])
		if aIdx && bIdx {
			return ai < bi
		}
		return as[i] < bs[i]
	}
	return len(as) < len(bs)
}

func splitPath(p string) []string {
	p = strings.ReplaceAll(p, "[", ".[")
	return strings.Split(p, ".")
}

func pathIndex(seg string) (int, bool) {
	if len(seg) < 3 || seg[0] != '[' || seg[len(seg)-1] != ']' {
		return 0, false
	}
	n := 0
	for _, r := range seg[1 : len(seg)-1] {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}
