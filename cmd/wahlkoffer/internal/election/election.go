// Package election implements `wahlkoffer election validate|generate`.
package election

import (
	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
)

// NewCmdElection groups the commands that work on an election definition.
func NewCmdElection(io cmdutil.IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "election",
		Short: "Check and generate election definitions",
		Long: `An election definition is the JSON file in which the election office
describes the election day: the ballots and their contests, the wards, the
districts with their register figures, and the rules of the boards.`,
	}
	cmd.AddCommand(NewCmdValidate(io, nil), NewCmdGenerate(io, nil))
	return cmd
}
