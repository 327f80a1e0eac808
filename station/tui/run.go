package tui

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
)

// stopWait bounds the wait for the sender and the acts in flight when the
// app ends.
const stopWait = 10 * time.Second

// Run runs the app in the terminal's alternate screen until the board
// quits or ctx ends. It returns once the background sync has stopped, so
// the caller may close the station right after. sender may be nil (USB
// only).
func Run(ctx context.Context, st *station.Station, sender *outbox.Sender, o Options) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	o.Context = ctx
	m := New(st, sender, o)
	acts := &inflight{}
	m.acts = acts
	p := tea.NewProgram(m, tea.WithContext(ctx))
	_, err := p.Run()
	cancel()
	if m.sync != nil {
		m.sync.wait(stopWait)
	}
	acts.wait(stopWait)
	if errors.Is(err, tea.ErrInterrupted) {
		return nil
	}
	return err
}
