package tallycmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/tally"
)

// ResultsOptions are the flags of `tally results`.
type ResultsOptions struct {
	IO     cmdutil.IO
	Lang   ballot.Lang
	Flags  storeFlags
	View   string
	Format string
}

// NewCmdResults builds `tally results`.
func NewCmdResults(io cmdutil.IO, runF func(*ResultsOptions) error) *cobra.Command {
	opts := &ResultsOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "results --store STORE",
		Short: "Print the results of every contest",
		Long: `Prints per contest the registered voters, voters, turnout, invalid and valid
votes and the votes per option, with the seats or the winner or runoff.

--view best (default) takes each district's final record where there is one
and its quick report otherwise; final and quick take only those.`,
		Example: `  wahlkoffer tally results --store tally.db
  wahlkoffer tally results --store tally.db --view final --format json
  wahlkoffer tally results --store tally.db --format csv > ergebnisse.csv
  wahlkoffer tally results --store tally.db --view final --format nist > results.nist.json`,
		Args: cmdutil.ExactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			lang, err := cmdutil.Lang(cmd)
			if err != nil {
				return err
			}
			opts.Lang = lang
			if err := opts.Flags.check(); err != nil {
				return err
			}
			switch opts.Format {
			case "text", "json", "csv", "nist":
			default:
				return cmdutil.Usagef("--format %q: use text, json, csv or nist", opts.Format)
			}
			if runF != nil {
				return runF(opts)
			}
			return resultsRun(cmd.Context(), opts)
		},
	}
	opts.Flags.add(cmd)
	cmd.Flags().StringVar(&opts.View, "view", tally.ViewBest, "best, final or quick")
	cmd.Flags().StringVar(&opts.Format, "format", "text", "text, json, csv (open-data layout) or nist (NIST SP 1500-100 JSON)")
	return cmd
}

func resultsRun(ctx context.Context, opts *ResultsOptions) error {
	svc, st, err := opts.Flags.openService(ctx, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	switch opts.Format {
	case "csv", "nist":
		x, err := svc.Export(ctx, opts.View)
		if err != nil {
			return cmdutil.Usagef("%v", err)
		}
		if opts.Format == "csv" {
			return tally.WriteCSV(opts.IO.Out, x)
		}
		return tally.WriteNIST(opts.IO.Out, x)
	}
	res, err := svc.Results(ctx, opts.View)
	if err != nil {
		return cmdutil.Usagef("%v", err)
	}
	if opts.Format == "json" {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	writeResultsText(opts.IO.Out, svc.Definition(), res, opts.Lang)
	return nil
}

var resultWords = map[string][2]string{
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

func word(lang ballot.Lang, key string) string {
	if lang == ballot.English {
		return resultWords[key][1]
	}
	return resultWords[key][0]
}

func writeResultsText(w io.Writer, def *ballot.Definition, res tally.Results, lang ballot.Lang) {
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
			row("  "+o.Name, n(o.Votes), pct(ballot.ShareOf(o.Votes, t.Valid)), seats)
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
