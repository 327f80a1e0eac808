package tallycmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
)

// VerifyOptions are the flags of `tally verify`.
type VerifyOptions struct {
	IO    cmdutil.IO
	Flags storeFlags
}

// NewCmdVerify builds `tally verify`.
func NewCmdVerify(io cmdutil.IO, runF func(*VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "verify --store STORE",
		Short: "Re-verify every stored record and recompute every total from them",
		Long: `Re-verifies every stored envelope (the station's signature with its enrolled
key, the office's receipt and that it covers the envelope byte for byte) and
recomputes every current count and every running total from the envelopes
alone. Each difference is printed with what the store holds and what the
envelopes give; the exit code is then 3. A clean store prints one line.`,
		Example: `  wahlkoffer tally verify --store tally.db`,
		Args:    cmdutil.ExactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Flags.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return verifyRun(cmd.Context(), opts)
		},
	}
	opts.Flags.add(cmd)
	return cmd
}

func verifyRun(ctx context.Context, opts *VerifyOptions) error {
	svc, st, err := opts.Flags.openService(ctx, nil, false)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := svc.Verify(ctx)
	if err != nil {
		return err
	}
	for _, d := range rep.Differences {
		fmt.Fprintln(opts.IO.Out, d)
	}
	summary := fmt.Sprintf("%d envelopes, %d current counts, %d aggregate rows", rep.Envelopes, rep.Counts, rep.Aggregates)
	if !rep.OK() {
		return &cmdutil.InvalidError{Summary: fmt.Sprintf("verify: %d difference(s) in %s", len(rep.Differences), summary)}
	}
	fmt.Fprintf(opts.IO.Out, "verified %s: no differences\n", summary)
	return nil
}
