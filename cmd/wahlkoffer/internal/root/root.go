// Package root assembles the wahlkoffer command tree and runs it.
package root

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"strings"

	// The time zone database travels in the binary: Windows station laptops
	// have none that Go can read.
	_ "time/tzdata"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/audit"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/demo"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/election"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/seats"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/stationcmd"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/tallycmd"
)

// version is set at build time with -ldflags "-X ...root.version=v1.2.3";
// without it the module version or VCS revision of the build is used.
var version = ""

// Version returns the version string the binary reports.
func Version() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		if v := info.Main.Version; v != "" && v != "(devel)" {
			return v
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "devel-" + s.Value[:12]
			}
		}
	}
	return "devel"
}

// StdIO returns the process's standard streams.
func StdIO() cmdutil.IO { return cmdutil.IO{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr} }

// NewCmdRoot builds the command tree.
func NewCmdRoot(io cmdutil.IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "wahlkoffer",
		Short: "Election operations for German polling stations and election offices",
		Long: `wahlkoffer is the digital election kit ("digitaler Wahlkoffer") for polling
stations and the tally service of the election office: signed records from
every station, aggregated in-person and postal results, seats and winners,
official sheets.`,
		Example: `  wahlkoffer election validate town.json
  wahlkoffer election generate --districts 1000 --postal 100 --out big.json
  wahlkoffer seats --method sainte-lague --seats 10 A=4160 B=3380 C=2460`,
		Version:       Version(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cmd.SetIn(io.In)
	cmd.SetOut(io.Out)
	cmd.SetErr(io.ErrOut)
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &cmdutil.UsageError{Err: err}
	})
	cmdutil.AddLangFlag(cmd)
	cmd.SetVersionTemplate("wahlkoffer {{.Version}}\n")
	cmd.AddCommand(
		election.NewCmdElection(io),
		seats.NewCmdSeats(io, nil),
		tallycmd.NewCmdTally(io),
		stationcmd.NewCmdStation(io),
		audit.NewCmdAudit(io, nil),
		demo.NewCmdDemo(io, nil),
	)
	return cmd
}

// Main runs the command line and returns the exit code.
func Main(args []string, io cmdutil.IO) int {
	cmd := NewCmdRoot(io)
	cmd.SetArgs(args)
	if path := os.Getenv("WAHLKOFFER_CPU_PROFILE"); path != "" {
		// For measuring a command, tally serve under load above all
		// (docs/performance.md); not for operators.
		stop, err := startCPUProfile(path)
		if err != nil {
			fmt.Fprintf(io.ErrOut, "wahlkoffer: WAHLKOFFER_CPU_PROFILE: %v\n", err)
			return cmdutil.ExitUsage
		}
		defer stop()
	}
	err := cmd.Execute()
	if err != nil {
		var invalid *cmdutil.InvalidError
		if !errors.As(err, &invalid) || invalid.Summary != "" {
			fmt.Fprintf(io.ErrOut, "wahlkoffer: %v\n", err)
		}
		var usage *cmdutil.UsageError
		if errors.As(err, &usage) || isCobraUsage(err) {
			fmt.Fprintln(io.ErrOut, "Run 'wahlkoffer --help' for usage.")
			return cmdutil.ExitUsage
		}
	}
	return cmdutil.ExitCode(err)
}

// isCobraUsage recognises the usage errors cobra makes itself (an unknown
// subcommand), which carry no type.
func isCobraUsage(err error) bool {
	return strings.HasPrefix(err.Error(), "unknown command ")
}

func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
