// Package seats implements `wahlkoffer seats`.
package seats

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
)

// Options are the flags and arguments of `wahlkoffer seats`, checked and
// parsed: seatsRun trusts them.
type Options struct {
	IO   cmdutil.IO
	Lang ballot.Lang

	Method    ballot.Method
	Seats     int
	Threshold ballot.Percent
	Exempt    []string
	JSON      bool
	Votes     []ballot.ListVotes // from the NAME=VOTES arguments, in their order
}

// methodNames are the readable names of the methods, for help and output.
var methodNames = map[ballot.Method]string{
	ballot.SainteLague:  "Sainte-Laguë/Schepers",
	ballot.DHondt:       "D'Hondt",
	ballot.HareNiemeyer: "Hare/Niemeyer",
}

// NewCmdSeats builds the command; runF replaces seatsRun in tests.
func NewCmdSeats(io cmdutil.IO, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io}
	var method, threshold string

	cmd := &cobra.Command{
		Use:   "seats --method METHOD --seats N NAME=VOTES...",
		Short: "Allocate seats to lists",
		Long: `Allocate seats to lists from their votes, exactly as the law counts.

Methods: sainte-lague (Sainte-Laguë/Schepers: Bundestag, Bavarian councils),
dhondt (D'Hondt) and hare-niemeyer (Hare/Niemeyer, largest remainders).

--threshold is the share of all valid votes a list needs, in per cent with
at most two decimals; lists named with --exempt (national minorities such as
the SSW) take part whatever their share. Every comparison is made in exact
integer arithmetic.

A tie for the last seat is never decided silently: the output names the
lists that must draw lots and how many seats they draw for; those seats are
not counted for any list.`,
		Example: `  # Bundestag 2025, first distribution (Die Bundeswahlleiterin)
  wahlkoffer seats --method sainte-lague --seats 630 --threshold 5 --exempt SSW \
    CDU=11196374 AfD=10328780 SPD=8149124 GRÜNE=5762380 CSU=2964028 \
    "Die Linke=4356532" BSW=2472947 FDP=2148757 SSW=76138 Sonstige=2194452

  # A council of 10 by D'Hondt, as JSON
  wahlkoffer seats --method dhondt --seats 10 --json A=4160 B=3380 C=2460`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmdutil.Usagef("no lists given: want at least one NAME=VOTES argument")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			lang, err := cmdutil.Lang(cmd)
			if err != nil {
				return err
			}
			opts.Lang = lang
			if err := opts.parse(cmd, method, threshold, args); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return seatsRun(opts)
		},
	}
	// Flag errors are usage errors even when the command runs on its own
	// (in tests); under root the root's handler does the same.
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &cmdutil.UsageError{Err: err} })

	f := cmd.Flags()
	f.StringVar(&method, "method", "", "allocation method: sainte-lague, dhondt or hare-niemeyer (required)")
	f.IntVar(&opts.Seats, "seats", 0, "number of seats to allocate (required)")
	f.StringVar(&threshold, "threshold", "", "share of all valid votes a list needs, in per cent (e.g. 5 or 2.5)")
	f.StringArrayVar(&opts.Exempt, "exempt", nil, "list exempt from the threshold (repeatable)")
	f.BoolVar(&opts.JSON, "json", false, "print the result as JSON")

	_ = cmd.RegisterFlagCompletionFunc("method", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		var out []cobra.Completion
		for _, m := range ballot.Methods {
			out = append(out, cobra.CompletionWithDesc(string(m), methodNames[m]))
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// parse checks the flags and arguments into opts. Every problem is a
// usage error naming the flag or argument.
func (opts *Options) parse(cmd *cobra.Command, method, threshold string, args []string) error {
	if !cmd.Flags().Changed("method") {
		return cmdutil.Usagef("--method is required (sainte-lague, dhondt or hare-niemeyer)")
	}
	opts.Method = ballot.Method(method)
	if !slices.Contains(ballot.Methods, opts.Method) {
		return cmdutil.Usagef("--method %q: want sainte-lague, dhondt or hare-niemeyer", method)
	}
	if !cmd.Flags().Changed("seats") {
		return cmdutil.Usagef("--seats is required")
	}
	if opts.Seats < 1 || opts.Seats > ballot.MaxSeats {
		return cmdutil.Usagef("--seats %d: want 1 to %d", opts.Seats, ballot.MaxSeats)
	}
	if threshold != "" {
		p, err := ballot.ParsePercent(threshold)
		if err != nil {
			return cmdutil.Usagef("--threshold: %v", err)
		}
		if p > 10000 {
			return cmdutil.Usagef("--threshold %s: more than 100 %%", threshold)
		}
		opts.Threshold = p
	}

	opts.Votes = opts.Votes[:0]
	seen := map[string]bool{}
	for _, arg := range args {
		// The last "=" splits, so that a name may itself contain one.
		i := strings.LastIndexByte(arg, '=')
		if i < 0 {
			return cmdutil.Usagef("argument %q: want NAME=VOTES", arg)
		}
		name, num := strings.TrimSpace(arg[:i]), strings.TrimSpace(arg[i+1:])
		if name == "" {
			return cmdutil.Usagef("argument %q: the list name is empty", arg)
		}
		if !utf8.ValidString(name) {
			// JSON would turn the bad bytes into U+FFFD and merge names.
			return cmdutil.Usagef("argument %q: the list name is not UTF-8 (set the terminal to UTF-8)", arg)
		}
		if seen[name] {
			return cmdutil.Usagef("argument %q: list %q is given twice", arg, name)
		}
		seen[name] = true
		votes, err := parseVotes(num)
		if err != nil {
			return cmdutil.Usagef("argument %q: %v", arg, err)
		}
		opts.Votes = append(opts.Votes, ballot.ListVotes{ID: name, Votes: votes})
	}
	for _, e := range opts.Exempt {
		if !seen[e] {
			return cmdutil.Usagef("--exempt %q: no such list among the arguments", e)
		}
	}
	return nil
}

// parseVotes accepts plain decimal digits only: no sign, no fraction, no
// digit grouping, so that a typo is an error rather than another number.
func parseVotes(s string) (int64, error) {
	switch {
	case s == "":
		return 0, errors.New("no votes after '='")
	case strings.HasPrefix(s, "-"):
		return 0, fmt.Errorf("votes %q are negative", s)
	case strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' }):
		return 0, fmt.Errorf("votes %q are not a whole number", s)
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("votes %q are too large", s)
	}
	return v, nil
}

// jsonResult is the --json output. Seats and Lot are always present, Lot
// as [] rather than null, so scripts can index them without checks.
type jsonResult struct {
	Method     ballot.Method    `json:"method"`
	TotalSeats int              `json:"total_seats"`
	Threshold  ballot.Percent   `json:"threshold"`
	Seats      map[string]int   `json:"seats"`
	Votes      map[string]int64 `json:"votes"`
	Qualified  []string         `json:"qualified"`
	Lot        []string         `json:"lot"`
	LotSeats   int              `json:"lot_seats"`
}

func seatsRun(opts *Options) error {
	alloc, err := ballot.AllocateSeats(ballot.SeatRequest{
		Method:    opts.Method,
		Seats:     opts.Seats,
		Votes:     opts.Votes,
		Threshold: opts.Threshold,
		Exempt:    opts.Exempt,
	})
	if err != nil {
		var se *ballot.SeatError
		if errors.As(err, &se) {
			switch se.Code {
			case ballot.CodeSeatsInvalid, ballot.CodeSeatsMethod:
				// parse should have caught these; still the caller's fault.
				return &cmdutil.UsageError{Err: errors.New(se.Message)}
			case ballot.CodeSeatsNoVotes:
				return errors.New("no seats to allocate: every list has zero votes")
			case ballot.CodeSeatsNoneQualified:
				return fmt.Errorf("no seats to allocate: no list with votes reaches the threshold of %s %%", opts.Threshold)
			}
		}
		return err
	}
	if opts.JSON {
		return writeJSON(opts, alloc)
	}
	return writeText(opts, alloc)
}

func writeJSON(opts *Options, alloc ballot.Allocation) error {
	res := jsonResult{
		Method:     alloc.Method,
		TotalSeats: alloc.Seats,
		Threshold:  opts.Threshold,
		Seats:      alloc.ByList,
		Votes:      map[string]int64{},
		Qualified:  alloc.Qualified,
		Lot:        []string{},
	}
	for _, l := range opts.Votes {
		res.Votes[l.ID] = l.Votes
	}
	if alloc.Lot != nil {
		res.Lot, res.LotSeats = alloc.Lot.Lists, alloc.Lot.Seats
	}
	enc := json.NewEncoder(opts.IO.Out)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}

// words of the text output, German first.
var words = cmdutil.Words{
	"seats":     {"%d Sitze", "%d seats"},
	"threshold": {", Sperrklausel %s %%", ", threshold %s %%"},
	"exempt":    {" (ausgenommen: %s)", " (exempt: %s)"},
	"list":      {"Liste", "List"},
	"votes":     {"Stimmen", "Votes"},
	"share":     {"Anteil", "Share"},
	"seatsCol":  {"Sitze", "Seats"},
	"total":     {"Summe", "Total"},
	"below":     {"unter der Sperrklausel", "below threshold"},
	"inLot":     {"im Losentscheid", "in the lot"},
	"lot1":      {"Gleichstand: 1 Sitz wird durch Los entschieden zwischen %s.", "Tie: 1 seat to be drawn by lot among %s."},
	"lotN":      {"Gleichstand: %d Sitze werden durch Los entschieden zwischen %s.", "Tie: %d seats to be drawn by lot among %s."},
}

func (opts *Options) word(key string) string { return words.In(opts.Lang, key) }

func writeText(opts *Options, alloc ballot.Allocation) error {
	out := opts.IO.Out
	header := methodNames[alloc.Method] + ", " + fmt.Sprintf(opts.word("seats"), alloc.Seats)
	if opts.Threshold > 0 {
		header += fmt.Sprintf(opts.word("threshold"), decimal(opts.Threshold.String(), opts.Lang))
		if len(opts.Exempt) > 0 {
			header += fmt.Sprintf(opts.word("exempt"), strings.Join(opts.Exempt, ", "))
		}
	}
	fmt.Fprintln(out, header)
	fmt.Fprintln(out)

	var total int64
	for _, l := range opts.Votes {
		total += l.Votes // AllocateSeats has checked that this fits
	}
	count := func(n int64) string { return ballot.FormatCount(n, opts.Lang) }
	// Names left, numbers right. Widths in runes, for names like GRÜNE.
	rows := [][5]string{{opts.word("list"), opts.word("votes"), opts.word("share"), opts.word("seatsCol"), ""}}
	for _, l := range opts.Votes {
		note := ""
		switch {
		case !slices.Contains(alloc.Qualified, l.ID):
			note = opts.word("below")
		case alloc.Lot != nil && slices.Contains(alloc.Lot.Lists, l.ID):
			note = opts.word("inLot")
		}
		rows = append(rows, [5]string{l.ID, count(l.Votes), ballot.FormatPercent(ballot.ShareOf(l.Votes, total), opts.Lang),
			strconv.Itoa(alloc.ByList[l.ID]), note})
	}
	rows = append(rows, [5]string{opts.word("total"), count(total), ballot.FormatPercent(ballot.ShareOf(total, total), opts.Lang),
		strconv.Itoa(alloc.Decided()), ""})
	var width [4]int
	for _, r := range rows {
		for c := range width {
			width[c] = max(width[c], utf8.RuneCountInString(r[c]))
		}
	}
	pad := func(s string, w int) string { return strings.Repeat(" ", w-utf8.RuneCountInString(s)) }
	for _, r := range rows {
		line := r[0] + pad(r[0], width[0])
		for c := 1; c < 4; c++ {
			line += "  " + pad(r[c], width[c]) + r[c]
		}
		if r[4] != "" {
			line += "  " + r[4]
		}
		if _, err := fmt.Fprintln(out, line); err != nil {
			return err
		}
	}
	if alloc.Lot != nil {
		lists := strings.Join(alloc.Lot.Lists, ", ")
		line := fmt.Sprintf(opts.word("lot1"), lists)
		if alloc.Lot.Seats > 1 {
			line = fmt.Sprintf(opts.word("lotN"), alloc.Lot.Seats, lists)
		}
		_, err := fmt.Fprintf(out, "\n%s\n", line)
		return err
	}
	return nil
}

// decimal writes the decimal point of s as German readers expect it.
func decimal(s string, lang ballot.Lang) string {
	if lang == ballot.English {
		return s
	}
	return strings.Replace(s, ".", ",", 1)
}
