// Package seats implements `wahlkoffer seats`.
package seats

import (
	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
)

// Options are the flags and arguments of `wahlkoffer seats`.
type Options struct {
	IO cmdutil.IO
}

// NewCmdSeats builds the command; runF replaces seatsRun in tests.
func NewCmdSeats(io cmdutil.IO, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io}
	return &cobra.Command{
		Use:   "seats",
		Short: "Allocate seats to lists",
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return nil
		},
	}
}
