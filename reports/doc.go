// Package reports renders the official PDF sheets from plain values into
// an io.Writer; it opens no store.
package reports
