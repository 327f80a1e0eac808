package tallycmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/tally"
)

// CertifyOptions are the flags of `tally certify`.
type CertifyOptions struct {
	IO      cmdutil.IO
	Flags   storeFlags
	Contest string
	All     bool
	Revoke  bool
	Reason  string
	By      string
	// Incomplete is the reason for certifying although districts lack
	// their final record.
	Incomplete string
}

// NewCmdCertify builds `tally certify`.
func NewCmdCertify(io cmdutil.IO, runF func(*CertifyOptions) error) *cobra.Command {
	opts := &CertifyOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "certify --store STORE --contest ID|--all [--incomplete REASON] [--revoke --reason TEXT]",
		Short: "Certify a contest's result, or revoke the certification",
		Long: `Records the electoral committee's certification of a contest: the result is
final ("endgültig"), and records of that contest are refused from then on and
kept as evidence. --revoke withdraws a certification and needs --reason.
Every certification and revocation is in the audit log. A contest that is
already certified (or, with --revoke, is not) is refused with exit code 3.

A contest is certified only when every district counting it has sent its
final record; otherwise the refusal names the districts missing. Where the
law allows certifying without them (a district counted together with
another, a record handed in on paper), --incomplete REASON certifies anyway
and puts the reason and the districts missing in the audit log.`,
		Example: `  wahlkoffer tally certify --store tally.db --contest ob
  wahlkoffer tally certify --store tally.db --all --by "Wahlausschuss"
  wahlkoffer tally certify --store tally.db --contest ob --incomplete "Wahlbezirk 507 mit 506 gemeinsam ausgezählt"
  wahlkoffer tally certify --store tally.db --contest ob --revoke --reason "Nachzählung angeordnet"`,
		Args: cmdutil.ExactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Flags.check(); err != nil {
				return err
			}
			switch {
			case opts.All == (opts.Contest != ""):
				return cmdutil.Usagef("name one contest with --contest ID, or --all")
			case opts.Revoke && opts.Reason == "":
				return cmdutil.Usagef("--revoke needs --reason TEXT")
			case !opts.Revoke && opts.Reason != "":
				return cmdutil.Usagef("--reason goes with --revoke")
			case opts.Revoke && cmd.Flags().Changed("incomplete"):
				return cmdutil.Usagef("--incomplete goes with a certification, not with --revoke")
			case cmd.Flags().Changed("incomplete") && strings.TrimSpace(opts.Incomplete) == "":
				return cmdutil.Usagef("--incomplete needs the reason why the contest is certified without every final record")
			}
			if runF != nil {
				return runF(opts)
			}
			return certifyRun(cmd.Context(), opts)
		},
	}
	opts.Flags.add(cmd)
	cmd.Flags().StringVar(&opts.Contest, "contest", "", "the contest id")
	cmd.Flags().BoolVar(&opts.All, "all", false, "every contest of the election")
	cmd.Flags().BoolVar(&opts.Revoke, "revoke", false, "revoke the certification")
	cmd.Flags().StringVar(&opts.Reason, "reason", "", "why the certification is revoked")
	cmd.Flags().StringVar(&opts.By, "by", "office", "who certifies, for the audit log")
	cmd.Flags().StringVar(&opts.Incomplete, "incomplete", "", "certify although districts lack their final record, for this reason")
	return cmd
}

func certifyRun(ctx context.Context, opts *CertifyOptions) error {
	svc, st, err := opts.Flags.openService(ctx, nil, false)
	if err != nil {
		return err
	}
	defer st.Close()
	contests := []string{opts.Contest}
	if opts.All {
		contests = svc.ContestIDs()
	}
	refused := 0
	for _, c := range contests {
		var err error
		switch {
		case opts.Revoke:
			err = svc.RevokeCertification(ctx, c, opts.By, opts.Reason)
		case opts.Incomplete != "":
			err = svc.CertifyIncomplete(ctx, c, opts.By, opts.Incomplete)
		default:
			err = svc.Certify(ctx, c, opts.By)
		}
		switch {
		case err == nil && opts.Revoke:
			fmt.Fprintf(opts.IO.Out, "%s: certification revoked\n", c)
		case err == nil:
			fmt.Fprintf(opts.IO.Out, "%s: certified\n", c)
		case tally.CodeOf(err) != "":
			refused++
			fmt.Fprintf(opts.IO.ErrOut, "%s: refused: %v\n", c, err)
		default:
			return err
		}
	}
	if refused > 0 {
		return &cmdutil.InvalidError{Summary: fmt.Sprintf("%d of %d contest(s) refused", refused, len(contests))}
	}
	return nil
}
