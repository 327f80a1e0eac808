package demo

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/tui"
)

// humanDistrict is the district a person runs by hand with --interactive.
const humanDistrict = "109"

func (o *Options) humanDistrict() string {
	if o.Interactive {
		return humanDistrict
	}
	return ""
}

// interactive opens the station app for the district left alone, against
// the tally still serving, on a clock that runs from 07:30 of the
// election day. The tally stops when the app ends.
func (r *run) interactive(ctx context.Context) error {
	s := r.station(r.human)
	if s == nil {
		return fmt.Errorf("district %s is not in the election", r.human)
	}
	r.clock.run(r.at(7, 30))
	fmt.Fprintf(r.opts.IO.Out, words.In(r.opts.Lang, "interactive")+"\n", r.url, r.human, r.humanPIN)
	// The demo's own handle on the station closes; the app opens it again.
	s.st.Close()
	st, err := station.Open(ctx, filepath.Join(r.dir, "stations", r.human), station.Options{Now: r.clock.Now})
	if err != nil {
		return err
	}
	s.st = st
	sender, err := r.newSender(st)
	if err != nil {
		return err
	}
	// The app takes the whole screen, so the PIN printed above would be out
	// of sight: the app starts unlocked (the PIN is in kits/pins.txt).
	return tui.Run(ctx, st, sender, tui.Options{Lang: r.opts.Lang, Now: r.clock.Now, PIN: r.humanPIN})
}
