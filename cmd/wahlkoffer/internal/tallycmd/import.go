package tallycmd

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/ballot/bundle"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/tally"
)

// ImportOptions are the flags and arguments of `tally import`.
type ImportOptions struct {
	IO      cmdutil.IO
	Flags   storeFlags
	Bundles []string
}

// NewCmdImport builds `tally import`.
func NewCmdImport(io cmdutil.IO, runF func(*ImportOptions) error) *cobra.Command {
	opts := &ImportOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "import --store STORE BUNDLE...",
		Short: "Take in USB bundles from stations that had no network",
		Long: `Reads station bundles (from "wahlkoffer station export") and takes every
record in exactly as if it had come over the network: verified, stored once,
with its receipt. Records already there are counted as duplicates and change
nothing. The exit code is 3 if any record was refused.`,
		Example: `  wahlkoffer tally import --store tally.db /media/usb/wahlbezirk-0101.wkbundle
  wahlkoffer tally import --store tally.db bundles/*.wkbundle`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Flags.check(); err != nil {
				return err
			}
			if len(args) == 0 {
				return cmdutil.Usagef("name at least one bundle")
			}
			opts.Bundles = args
			if runF != nil {
				return runF(opts)
			}
			return importRun(cmd.Context(), opts)
		},
	}
	opts.Flags.add(cmd)
	return cmd
}

// importTally counts outcomes: "accepted", "duplicate", or a refusal code.
type importTally map[string]int

func importRun(ctx context.Context, opts *ImportOptions) error {
	svc, st, err := opts.Flags.openService(ctx, nil, true)
	if err != nil {
		return err
	}
	defer st.Close()
	all := importTally{}
	refused := 0
	for _, path := range opts.Bundles {
		counts, err := importBundle(ctx, svc, path, opts)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		fmt.Fprintf(opts.IO.Out, "%s: %s\n", path, counts)
		bundleRefused := 0
		for k, v := range counts {
			all[k] += v
			if k != "accepted" && k != "duplicate" {
				bundleRefused += v
			}
		}
		refused += bundleRefused
		if err := svc.AuditImport(ctx, path, counts.String(), bundleRefused); err != nil {
			return fmt.Errorf("%s: write the audit log: %w", path, err)
		}
	}
	if len(opts.Bundles) > 1 {
		fmt.Fprintf(opts.IO.Out, "all: %s\n", all)
	}
	if refused > 0 {
		return &cmdutil.InvalidError{Summary: fmt.Sprintf("%d record(s) refused; they are kept as evidence", refused)}
	}
	return nil
}

func importBundle(ctx context.Context, svc *tally.Service, path string, opts *ImportOptions) (importTally, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	counts := importTally{}
	bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(opts.IO.ErrOut), progressbar.OptionSetDescription(path),
		progressbar.OptionShowCount(), progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100_000_000),
		progressbar.OptionSetVisibility(cmdutil.IsTerminal(opts.IO.ErrOut)))
	_, err = bundle.Read(f, func(line int, env []byte) error {
		acc, err := svc.Ingest(ctx, env, tally.ViaImport)
		switch code := tally.CodeOf(err); {
		case err == nil && acc.Duplicate:
			counts["duplicate"]++
		case err == nil:
			counts["accepted"]++
		case code != "" && !tally.TryAgain(err):
			counts[code]++
			fmt.Fprintf(opts.IO.ErrOut, "%s line %d: refused: %v\n", path, line, err)
		default:
			// The store failed or the tally says "try again" (its clock is
			// behind): stop, nothing is lost, import again.
			return fmt.Errorf("line %d: %w", line, err)
		}
		_ = bar.Add(1)
		return nil
	})
	_ = bar.Finish()
	return counts, err
}

// String lists the counts: accepted, duplicate, then refusal codes in
// alphabetical order.
func (t importTally) String() string {
	parts := []string{fmt.Sprintf("%d accepted", t["accepted"]), fmt.Sprintf("%d duplicate", t["duplicate"])}
	for _, k := range slices.Sorted(maps.Keys(t)) {
		if k != "accepted" && k != "duplicate" {
			parts = append(parts, fmt.Sprintf("%d %s", t[k], k))
		}
	}
	return strings.Join(parts, ", ")
}
