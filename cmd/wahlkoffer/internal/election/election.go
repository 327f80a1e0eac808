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
	}
	return cmd
}
