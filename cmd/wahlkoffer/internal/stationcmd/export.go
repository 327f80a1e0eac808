package stationcmd

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
)

// ExportOptions are the flags of `station export`.
type ExportOptions struct {
	common
	Out string
	All bool
}

// NewCmdExport builds `station export`.
func NewCmdExport(io cmdutil.IO, runF func(*ExportOptions) error) *cobra.Command {
	opts := &ExportOptions{common: common{IO: io}}
	cmd := &cobra.Command{
		Use:   "export --data DIR --out BUNDLE [--all]",
		Short: "Write the records for the office on a USB stick (a bundle)",
		Long: `Writes every record the tally has not acknowledged (or every record, with
--all) into a bundle file for the office's "wahlkoffer tally import". The
records are signed envelopes: the bundle needs no further protection, and
importing one twice changes nothing. The file is written completely or not
at all, and an existing file is never overwritten. No PIN is needed.`,
		Example: `  wahlkoffer station export --data wahl --out /media/usb/0101.wkbundle
  wahlkoffer station export --data wahl --out 0101-all.wkbundle --all`,
		Args: cmdutil.ExactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.prepare(cmd); err != nil {
				return err
			}
			if opts.Out == "" {
				return cmdutil.Usagef("--out is required")
			}
			if runF != nil {
				return runF(opts)
			}
			return exportRun(cmd.Context(), opts)
		},
	}
	opts.addData(cmd)
	cmd.Flags().StringVar(&opts.Out, "out", "", "the bundle file to write")
	cmd.Flags().BoolVar(&opts.All, "all", false, "every record, also those acknowledged")
	return cmd
}

func exportRun(ctx context.Context, opts *ExportOptions) error {
	st, err := opts.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := os.Lstat(opts.Out); err == nil {
		return cmdutil.Usagef("%s exists; it is not overwritten", opts.Out)
	}
	n := 0
	err = cmdutil.WriteAtomic(opts.Out, 0o644, func(f *os.File) error {
		var err error
		n, err = st.ExportBundle(ctx, f, opts.All)
		return err
	})
	if err != nil {
		return fmt.Errorf("export %s: %w", opts.Out, err)
	}
	id := st.Identity()
	fmt.Fprintln(opts.IO.Out, w(opts.Lang, "exported", opts.Out, n, id.District, id.Station))
	return nil
}
