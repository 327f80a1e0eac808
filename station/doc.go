// Package station is the poll-station application: the use cases of the
// board on election day, its local SQLite store, the sync client, USB
// bundles and the terminal app. It builds on ballot and never imports tally.
package station
