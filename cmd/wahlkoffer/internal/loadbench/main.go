// Command loadbench measures the tally against the machine's limits: a
// generated election, one signed final record per district and contest,
// sent by concurrent clients over HTTP on loopback to a real `wahlkoffer
// tally serve` process, on SQLite or PostgreSQL. It reports results per
// second, latency, the server's peak memory, the machine's raw Ed25519
// verification rate on all cores, the time of a full results read and of
// `tally verify`, and ends with the line tools read:
//
//	ingest: <R> results/s, verify limit <V>/s, ratio <R/V>
//
// `make bench` runs it. Everything talks to 127.0.0.1 only and stops by
// itself.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"
)

type config struct {
	bin       string
	store     string // "sqlite" or a postgres:// URL
	districts int
	postal    int
	clients   int
	council   string
	seed      uint64
	dir       string
	writers   int
	timeout   time.Duration
	profile   string
}

func main() {
	var c config
	flag.StringVar(&c.bin, "bin", "bin/wahlkoffer", "the wahlkoffer binary to serve with")
	flag.StringVar(&c.store, "store", "sqlite", `"sqlite" (a file in -dir) or a postgres:// URL (a schema of its own is made and dropped)`)
	flag.IntVar(&c.districts, "districts", 100_000, "districts in all, in-person and postal")
	flag.IntVar(&c.postal, "postal", 0, "of them postal (default a tenth)")
	flag.IntVar(&c.clients, "clients", 64, "concurrent HTTP clients")
	flag.StringVar(&c.council, "council", "list", "council contest: list or cumulative (hundreds of candidates per record)")
	flag.Uint64Var(&c.seed, "seed", 1, "seed of the generated election")
	flag.StringVar(&c.dir, "dir", "", "working folder (default a temporary one, removed afterwards)")
	flag.IntVar(&c.writers, "writers", -1, "tally serve --writers (default its own)")
	flag.StringVar(&c.profile, "cpu-profile", "", "have tally serve write a CPU profile of the run to this file")
	flag.DurationVar(&c.timeout, "timeout", 15*time.Minute, "give up after this long")
	flag.Parse()
	if c.postal == 0 {
		c.postal = c.districts / 10
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if err := run(ctx, c); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
}
