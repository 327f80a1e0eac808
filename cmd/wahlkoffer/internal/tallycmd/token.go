package tallycmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/tally"
)

// NewCmdToken groups `tally token ...`.
func NewCmdToken(io cmdutil.IO, runF func(*TokenCreateOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Bearer tokens for the office API",
	}
	cmd.AddCommand(NewCmdTokenCreate(io, runF))
	return cmd
}

// TokenCreateOptions are the flags of `tally token create`.
type TokenCreateOptions struct {
	IO    cmdutil.IO
	Flags storeFlags
	Role  string
	Name  string
}

// NewCmdTokenCreate builds `tally token create`.
func NewCmdTokenCreate(io cmdutil.IO, runF func(*TokenCreateOptions) error) *cobra.Command {
	opts := &TokenCreateOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "create --store STORE --role admin|office|viewer --name NAME",
		Short: "Create a bearer token and print its secret once",
		Long: `Creates a bearer token for the read and admin endpoints of "tally serve".
The secret is printed once, on standard output, and stored only as a hash:
keep it now, it cannot be shown again. viewer reads results and status,
office also reads the audit log, admin may do everything (certify). The
creation is in the audit log.`,
		Example: `  wahlkoffer tally token create --store tally.db --role viewer --name "Dashboard Rathaus"`,
		Args:    cmdutil.ExactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Flags.check(); err != nil {
				return err
			}
			switch opts.Role {
			case tally.TokenRoleAdmin, tally.TokenRoleOffice, tally.TokenRoleViewer:
			default:
				return cmdutil.Usagef("--role %q: use admin, office or viewer", opts.Role)
			}
			if opts.Name == "" {
				return cmdutil.Usagef("--name is required: say whose token it is")
			}
			if runF != nil {
				return runF(opts)
			}
			return tokenCreateRun(cmd.Context(), opts)
		},
	}
	opts.Flags.add(cmd)
	cmd.Flags().StringVar(&opts.Role, "role", "", "admin, office or viewer (required)")
	cmd.Flags().StringVar(&opts.Name, "name", "", "whose token it is (required)")
	_ = cmd.RegisterFlagCompletionFunc("role", cobra.FixedCompletions(tally.TokenRoles, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func tokenCreateRun(ctx context.Context, opts *TokenCreateOptions) error {
	svc, st, err := opts.Flags.openService(ctx, nil, false)
	if err != nil {
		return err
	}
	defer st.Close()
	secret, err := svc.CreateToken(ctx, opts.Name, opts.Role)
	if err != nil {
		if tally.CodeOf(err) != "" {
			return cmdutil.Usagef("%v", err)
		}
		return err
	}
	fmt.Fprintln(opts.IO.Out, secret)
	fmt.Fprintf(opts.IO.ErrOut, "token %q (%s) created; the secret above is shown only this once\n", opts.Name, opts.Role)
	return nil
}
