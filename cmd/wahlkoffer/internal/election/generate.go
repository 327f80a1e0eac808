package election

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/synthetic"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
)

// GenerateOptions are the flags of `election generate`.
type GenerateOptions struct {
	IO        cmdutil.IO
	Districts int
	Postal    int
	Seed      uint64
	Council   string
	Date      string
	Out       string
	Force     bool
}

// NewCmdGenerate builds `election generate`; runF replaces generateRun in tests.
func NewCmdGenerate(io cmdutil.IO, runF func(*GenerateOptions) error) *cobra.Command {
	opts := &GenerateOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "generate --districts N --postal M --out FILE",
		Short: "Write a large, realistic synthetic election definition",
		Long: `Writes a synthetic municipal election for demos, load tests and benchmarks:
wards, a mayor contest, a council contest (cumulative or list), in-person
districts with a realistic spread of register figures, and postal districts.
The same options and seed give the same bytes.`,
		Example: `  wahlkoffer election generate --districts 40 --postal 10 --out town.json
  wahlkoffer election generate --districts 100000 --postal 10000 --seed 7 --out big.json
  wahlkoffer election generate --districts 500 --postal 50 --council list --out nrw.json`,
		Args: cmdutil.ExactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("districts") || opts.Out == "" {
				return cmdutil.Usagef("--districts and --out are required")
			}
			if runF != nil {
				return runF(opts)
			}
			return generateRun(opts)
		},
	}
	f := cmd.Flags()
	f.IntVar(&opts.Districts, "districts", 0, "number of in-person districts (1 to 1,000,000)")
	f.IntVar(&opts.Postal, "postal", 0, "number of postal districts")
	f.Uint64Var(&opts.Seed, "seed", 1, "seed of the generator")
	f.StringVar(&opts.Council, "council", string(synthetic.CouncilCumulative), "kind of the council contest: cumulative or list")
	f.StringVar(&opts.Date, "date", "2026-03-08", "election day, YYYY-MM-DD")
	f.StringVar(&opts.Out, "out", "", "file to write")
	f.BoolVar(&opts.Force, "force", false, "replace FILE if it exists")
	_ = cmd.RegisterFlagCompletionFunc("council", cobra.FixedCompletions(
		[]string{string(synthetic.CouncilCumulative), string(synthetic.CouncilList)}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func generateRun(opts *GenerateOptions) error {
	if err := cmdutil.CheckOutFile(opts.Out, opts.Force); err != nil {
		return err
	}
	def, err := synthetic.Generate(synthetic.Options{
		Districts: opts.Districts, Postal: opts.Postal, Seed: opts.Seed,
		Council: synthetic.Council(opts.Council), Date: opts.Date,
	})
	if err != nil {
		return &cmdutil.UsageError{Err: err}
	}
	// A generated file that does not validate is a bug here, not the
	// user's problem: say so rather than write it.
	if problems := def.Validate(); len(problems) > 0 {
		return fmt.Errorf("generated definition is invalid (a bug): %s", problems[0])
	}
	data, err := json.MarshalIndent(def, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if err := cmdutil.WriteFileAtomic(opts.Out, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", opts.Out, err)
	}
	fmt.Fprintf(opts.IO.Out, "%s: %s districts (%s postal), %s bytes, sha256 %x\n", opts.Out,
		ballot.FormatCount(int64(len(def.Districts)), ballot.English), ballot.FormatCount(int64(opts.Postal), ballot.English),
		ballot.FormatCount(int64(len(data)), ballot.English), sha256.Sum256(data))
	return nil
}
