// Command wahlkoffer is the election operations toolkit: the poll-station
// app, the office's tally service and the tools around them, in one binary.
package main

import (
	"os"

	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/root"
)

func main() { os.Exit(root.Main(os.Args[1:], root.StdIO())) }
