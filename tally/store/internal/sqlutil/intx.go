package sqlutil

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// InTx implements store.Store.InTx for a dialect: begin opens a
// transaction, fn runs in it, and a conflict rolls back and runs fn again
// after a short random wait (so that the colliding transactions do not
// meet again in step), at most store.MaxTxAttempts times.
func InTx(ctx context.Context, d *Dialect, begin func(context.Context) (TxConn, error), fn func(store.Tx) error) error {
	attempts := 0
	_, err := backoff.Retry(ctx, func() (struct{}, error) {
		attempts++
		err := attempt(ctx, d, begin, fn)
		if err != nil && !errors.Is(err, store.ErrConflict) {
			return struct{}{}, backoff.Permanent(err)
		}
		return struct{}{}, err
	},
		backoff.WithBackOff(&backoff.ExponentialBackOff{
			InitialInterval:     time.Millisecond,
			RandomizationFactor: 0.5,
			Multiplier:          2,
			MaxInterval:         50 * time.Millisecond,
		}),
		backoff.WithMaxTries(store.MaxTxAttempts),
		backoff.WithMaxElapsedTime(0), // the tries bound it
	)
	// Retry hands a permanent error back wrapped when it is the last try.
	if p := (*backoff.PermanentError)(nil); errors.As(err, &p) {
		err = p.Err
	}
	if errors.Is(err, store.ErrConflict) && attempts >= store.MaxTxAttempts {
		return fmt.Errorf("transaction gave up after %d attempts: %w", attempts, err)
	}
	return err
}

// attempt runs fn once in a new transaction.
func attempt(ctx context.Context, d *Dialect, begin func(context.Context) (TxConn, error), fn func(store.Tx) error) (err error) {
	c, err := begin(ctx)
	if err != nil {
		return d.wrap(err, "begin transaction")
	}
	tx := &Tx{d: d, c: c}
	done := false
	defer func() {
		tx.ended = true
		if !done {
			// fn panicked or failed: nothing of it may stay. A cancelled
			// ctx must not keep the rollback from reaching the database.
			_ = c.Rollback(context.WithoutCancel(ctx))
		}
	}()
	err = fn(tx)
	if err == nil && tx.conflict != nil {
		// fn went on after a conflict: PostgreSQL has aborted the
		// transaction, and SQLite must not commit half of it either.
		err = tx.conflict
	}
	if err != nil {
		return err
	}
	done = true
	if err := c.Commit(ctx); err != nil {
		return d.wrap(err, "commit")
	}
	return nil
}
