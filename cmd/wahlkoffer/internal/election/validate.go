package election

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
)

// ValidateOptions are the flags and arguments of `election validate`.
type ValidateOptions struct {
	IO   cmdutil.IO
	Lang ballot.Lang
	File string
	JSON bool
}

// NewCmdValidate builds `election validate`; runF replaces validateRun in tests.
func NewCmdValidate(io cmdutil.IO, runF func(*ValidateOptions) error) *cobra.Command {
	opts := &ValidateOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "validate FILE",
		Short: "Check an election definition and report every problem",
		Long: `Reads an election definition and checks it completely: JSON syntax, unknown
or duplicate fields, wrong types, ids and references, the settings each
contest kind needs, register figures, board rules and times. Every problem
is reported with its JSON path in one run, and the exit code is 3. A valid
definition gets a one-screen summary and exit code 0.`,
		Example: `  wahlkoffer election validate testdata/musterstadt.json
  wahlkoffer election validate --lang en town.json
  wahlkoffer election validate --json town.json | jq '.problems[].path'`,
		Args: cmdutil.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lang, err := cmdutil.Lang(cmd)
			if err != nil {
				return err
			}
			opts.Lang, opts.File = lang, args[0]
			if runF != nil {
				return runF(opts)
			}
			return validateRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the result as JSON")
	return cmd
}

type jsonProblem struct {
	ballot.Problem
	Message string `json:"message"`
}

type jsonResult struct {
	File     string        `json:"file"`
	Valid    bool          `json:"valid"`
	SHA256   string        `json:"sha256"`
	Problems []jsonProblem `json:"problems"`
}

func validateRun(opts *ValidateOptions) error {
	data, err := os.ReadFile(opts.File)
	if err != nil {
		return fmt.Errorf("read election definition: %w", err)
	}
	sum := sha256.Sum256(data)
	def, err := ballot.ParseDefinition(data)
	var defErr *ballot.DefinitionError
	if err != nil && !errors.As(err, &defErr) {
		return err
	}
	if opts.JSON {
		res := jsonResult{File: opts.File, Valid: err == nil, SHA256: hex.EncodeToString(sum[:]), Problems: []jsonProblem{}}
		if defErr != nil {
			for _, p := range defErr.Problems {
				res.Problems = append(res.Problems, jsonProblem{Problem: p, Message: p.Message(opts.Lang)})
			}
		}
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			return err
		}
	} else if defErr != nil {
		for _, p := range defErr.Problems {
			fmt.Fprintf(opts.IO.Out, "%s: %s [%s]\n", p.Path, p.Message(opts.Lang), p.Code)
		}
	} else {
		writeSummary(opts.IO.Out, opts.File, def, hex.EncodeToString(sum[:]), opts.Lang)
	}
	if defErr != nil {
		return &cmdutil.InvalidError{Summary: problemCount(opts.File, len(defErr.Problems), opts.Lang)}
	}
	return nil
}

func problemCount(file string, n int, lang ballot.Lang) string {
	if lang == ballot.English {
		if n == 1 {
			return file + ": 1 problem"
		}
		return fmt.Sprintf("%s: %d problems", file, n)
	}
	if n == 1 {
		return file + ": 1 Fehler"
	}
	return fmt.Sprintf("%s: %d Fehler", file, n)
}
