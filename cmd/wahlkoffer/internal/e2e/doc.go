// Package e2e holds tests that run a station and a tally together; it has no code of its own.
package e2e
