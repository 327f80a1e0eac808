// Package resultstext renders results as text for people, in German or
// English: the one rendering that `tally results` and `audit` share.
package resultstext

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/tally"
)

var resultWords = cmdutil.Words{
	"status":      {"Stand", "Status"},
	"provisional": {"vorläufig", "provisional"},
	"complete":    {"vollständig, nicht festgestellt", "complete, not certified"},
	"certified":   {"endgültig", "certified"},
	"districts":   {"Wahlbezirke", "Districts"},
	"eligible":    {"Wahlberechtigte (A)", "Eligible (A)"},
	"voters":      {"Wähler (B)", "Voters (B)"},
	"turnout":     {"Wahlbeteiligung", "Turnout"},
	"invalid":     {"Ungültig", "Invalid"},
	"valid":       {"Gültig", "Valid"},
	"postal":      {"davon Briefwahl (B)", "of them postal (B)"},
	"winner":      {"Gewählt", "Elected"},
	"runoff":      {"Stichwahl", "Runoff"},
	"lot":         {"Losentscheid zwischen", "Lots to be drawn among"},
	"seats":       {"Sitze", "seats"},
	"noValid":     {"noch keine gültigen Stimmen", "no valid votes yet"},
}

func word(lang ballot.Lang, key string) string { return resultWords.In(lang, key) }

// Write prints the results of every contest as `tally results` and
// `audit` show them: figures, votes and shares, and the outcome.
func Write(w io.Writer, def *ballot.Definition, res tally.Results, lang ballot.Lang) {
	n := func(v int64) string { return ballot.FormatCount(v, lang) }
	pct := func(p ballot.Percent) string { return ballot.FormatPercent(p, lang) }
	fmt.Fprintf(w, "%s (%s), %s\n", res.Title, res.ElectionID, res.View)
	for _, cr := range res.Contests {
		t := cr.Total
		c, _, _ := def.Contest(t.Contest)
		fmt.Fprintf(w, "\n%s — %s: %s\n", c.Title, word(lang, "status"), word(lang, cr.Status()))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		row := func(label, value, share, seats string) {
			fmt.Fprintf(tw, "%s\t%12s\t%9s\t%s\n", label, value, share, seats)
		}
		row(word(lang, "districts"), fmt.Sprintf("%s / %d", n(t.Districts), cr.Districts), "", "")
		row(word(lang, "eligible"), n(t.A), "", "")
		row(word(lang, "voters"), n(t.B), "", "")
		row(word(lang, "postal"), n(cr.Postal.B), "", "")
		if turnout, ok := t.Turnout(); ok {
			row(word(lang, "turnout"), "", pct(turnout), "")
		}
		row(word(lang, "invalid"), n(t.Invalid), "", "")
		row(word(lang, "valid"), n(t.Valid), "", "")
		for _, o := range t.Options {
			seats := ""
			if t.Seats != nil {
				seats = fmt.Sprintf("%d %s", t.Seats.ByList[o.ID], word(lang, "seats"))
			}
			row("  "+o.Name, n(o.Votes), pct(ballot.ShareOf(o.Votes, t.VoteTotal())), seats)
		}
		tw.Flush()
		writeOutcome(w, c, t, lang)
	}
}

func writeOutcome(w io.Writer, c *ballot.Contest, t ballot.ContestResult, lang ballot.Lang) {
	name := func(id string) string {
		for _, o := range t.Options {
			if o.ID == id {
				return o.Name
			}
		}
		return id
	}
	names := func(ids []string) string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = name(id)
		}
		return strings.Join(out, ", ")
	}
	switch {
	case t.Undecided != "":
		fmt.Fprintf(w, "  (%s)\n", word(lang, "noValid"))
	case t.Majority != nil && t.Majority.Winner != "":
		fmt.Fprintf(w, "  %s: %s\n", word(lang, "winner"), name(t.Majority.Winner))
	case t.Majority != nil && len(t.Majority.Runoff) > 0:
		fmt.Fprintf(w, "  %s: %s\n", word(lang, "runoff"), names(t.Majority.Runoff))
	}
	if t.Majority != nil && t.Majority.Lot != nil {
		fmt.Fprintf(w, "  %s %s\n", word(lang, "lot"), names(t.Majority.Lot.Candidates))
	}
	if t.Seats != nil && t.Seats.Lot != nil {
		fmt.Fprintf(w, "  %s %s (%d %s)\n", word(lang, "lot"), names(t.Seats.Lot.Lists), t.Seats.Lot.Seats, word(lang, "seats"))
	}
}
