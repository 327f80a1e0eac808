// Package demo implements `wahlkoffer demo`: a whole election day of the
// example town, end to end, on the embedded defaults. The office sets up
// the election and enrolls every district, a real tally serves on a
// loopback port, and every station runs its day through the same use
// cases a polling-station laptop runs, on a simulated clock. At the end it
// prints what the office sees and leaves the tally store, the evidence
// file and the official PDFs in the output folder.
package demo

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
)

// Options are the flags of `wahlkoffer demo`.
type Options struct {
	IO       cmdutil.IO
	Out      string
	Election string
	Force    bool
	// Interactive leaves district 109 for a person to run by hand in the
	// station app against the tally, which keeps serving.
	Interactive bool
	Seed        uint64
	Lang        ballot.Lang
}

// NewCmdDemo builds `wahlkoffer demo`.
func NewCmdDemo(io cmdutil.IO, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io}
	cmd := &cobra.Command{
		Use:   "demo [--out DIR]",
		Short: "Run a whole election day of the example town, end to end",
		Long: `Runs the election day of the example town (testdata/musterstadt.json) end to
end on this machine, in well under a minute: the office sets up the election
and enrolls every district, a real tally serves on a free loopback port, and
every station runs its day through the same use cases a polling-station
laptop runs, on a simulated clock from 07:30 to 21:30: the board checks in
(one no-show is replaced, one station falls below its quorum at noon and
recovers), turnout is reported at the set times, incidents are noted, the
polls close, every count is entered twice (one typo is caught), the quick
reports and final records are sent (one of them corrected), one station
without network hands in a USB bundle, and the postal boards reject ballot
letters for several legal reasons.

Then it prints what the office sees (progress, staffing, turnout, results
with the mayor's winner or runoff and the council's seats) and leaves in
DIR: the tally store tally.db and its office key, the evidence file
evidence.jsonl (for "wahlkoffer audit"), the stations' stores and kits
(sealed with a low work factor and their PINs in kits/pins.txt: a demo,
not a real election), and the official PDFs.
`,
		Example: `  wahlkoffer demo
  wahlkoffer demo --out /tmp/wahl --lang en
  wahlkoffer demo --out demo-out --force
  wahlkoffer demo --out /tmp/wahl --force --interactive`,
		Args: cmdutil.ExactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			lang, err := cmdutil.Lang(cmd)
			if err != nil {
				return err
			}
			opts.Lang = lang
			if runF != nil {
				return runF(opts)
			}
			return demoRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Out, "out", "demo-out", "the folder for the results")
	cmd.Flags().StringVar(&opts.Election, "election", filepath.Join("testdata", "musterstadt.json"), "the election definition")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "replace the results of an earlier demo in the folder")
	cmd.Flags().Uint64Var(&opts.Seed, "seed", 2026, "the seed of the simulated figures")
	cmd.Flags().BoolVar(&opts.Interactive, "interactive", false, "afterwards, keep the tally running and open the station app for district 109")
	return cmd
}

func demoRun(ctx context.Context, opts *Options) error {
	if opts.Interactive && !cmdutil.IsTerminal(opts.IO.Out) {
		return cmdutil.Usagef("--interactive opens the station app, which needs a terminal")
	}
	definition, err := os.ReadFile(opts.Election)
	if err != nil {
		return cmdutil.Usagef("the demo needs the example election: %v (run it from the repository, or give --election FILE)", err)
	}
	if err := prepareDir(opts.Out, opts.Force); err != nil {
		return err
	}
	start := time.Now()
	r, err := newRun(ctx, opts, definition)
	if err != nil {
		return err
	}
	defer r.close()
	if err := r.day(ctx); err != nil {
		return err
	}
	if err := r.show(ctx); err != nil {
		return err
	}
	if err := r.outputs(ctx); err != nil {
		return err
	}
	r.say("done", time.Since(start).Round(100*time.Millisecond), opts.Out)
	if opts.Interactive {
		return r.interactive(ctx)
	}
	return nil
}

// prepareDir makes the output folder. An earlier demo's folder is only
// replaced with --force, and only when it holds a demo (its tally.db):
// the demo never deletes a folder it did not make.
func prepareDir(dir string, force bool) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return os.MkdirAll(dir, 0o755)
	case err != nil:
		return err
	case len(entries) == 0:
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, "tally.db")); err != nil {
		return cmdutil.Usagef("%s is not empty and holds no earlier demo; choose another --out", dir)
	}
	if !force {
		return cmdutil.Usagef("%s holds an earlier demo; add --force to replace it", dir)
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	return os.MkdirAll(dir, 0o755)
}
