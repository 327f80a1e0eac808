// Package tally is the election office service: it verifies and stores
// the signed records of every station, aggregates results, allocates seats
// and certifies. It builds on ballot and never imports station.
package tally
