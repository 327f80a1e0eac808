package tallycmd

import (
	"context"
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/resultstext"
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
	svc, st, err := opts.Flags.openService(ctx, nil, false)
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
	resultstext.Write(opts.IO.Out, svc.Definition(), res, opts.Lang)
	return nil
}
