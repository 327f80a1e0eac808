// Package bundle is the USB bundle: the signed records a station carries
// to the office when it has no network. The records authenticate
// themselves (each is a signed envelope), so the bundle needs no seal of
// its own: the office verifies every record as if it came over HTTP.
//
// Format (JSON Lines, UTF-8, "\n" after every line):
//
//	{"format":"wahlkoffer-bundle/1","election_id":"…","district":"…","station":"…","exported_at":"RFC 3339","count":N}
//	<envelope 1, the DSSE JSON exactly as signed, on one line>
//	…
//	<envelope N>
//
// The suggested file name ends in .wkbundle.
package bundle

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
)

// Format names this layout in the header line.
const Format = "wahlkoffer-bundle/1"

// Header is the first line of a bundle.
type Header struct {
	Format     string    `json:"format"`
	ElectionID string    `json:"election_id"`
	District   string    `json:"district"`
	Station    string    `json:"station"`
	ExportedAt time.Time `json:"exported_at"`
	Count      int       `json:"count"`
}

// Write writes a bundle of envelopes. An envelope spanning several lines
// cannot be carried verbatim and is refused (seal.Sign never makes one).
func Write(w io.Writer, h Header, envelopes [][]byte) error {
	h.Format, h.Count = Format, len(envelopes)
	h.ExportedAt = h.ExportedAt.UTC()
	line, err := json.Marshal(h)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	bw.Write(line)
	bw.WriteByte('\n')
	for i, env := range envelopes {
		if bytes.ContainsAny(env, "\r\n") || len(env) == 0 {
			return fmt.Errorf("envelope %d is empty or spans several lines", i+1)
		}
		bw.Write(env)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// Error is a bundle that cannot be read, with the line where it failed.
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("bundle line %d: %s", e.Line, e.Msg) }

// Read reads a bundle and calls fn with every envelope, verbatim, in
// order. It fails on a header it does not know, a line too long to be an
// envelope, a missing final newline, or a count that does not match;
// envelopes are not verified here (the office does that, one by one).
func Read(r io.Reader, fn func(line int, envelope []byte) error) (Header, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	readLine := func(n int) ([]byte, error) {
		var line []byte
		for {
			chunk, err := br.ReadSlice('\n')
			line = append(line, chunk...)
			if len(line) > seal.MaxEnvelopeSize+1 {
				return nil, &Error{Line: n, Msg: "line longer than an envelope may be"}
			}
			switch {
			case err == nil:
				return line[:len(line)-1], nil
			case errors.Is(err, bufio.ErrBufferFull):
				continue
			case errors.Is(err, io.EOF) && len(line) == 0:
				return nil, io.EOF
			case errors.Is(err, io.EOF):
				return nil, &Error{Line: n, Msg: "the last line has no newline: the bundle is cut off"}
			default:
				return nil, err
			}
		}
	}
	first, err := readLine(1)
	if err == io.EOF {
		return Header{}, &Error{Line: 1, Msg: "the bundle is empty"}
	} else if err != nil {
		return Header{}, err
	}
	var h Header
	dec := json.NewDecoder(bytes.NewReader(first))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil || h.Format != Format {
		return Header{}, &Error{Line: 1, Msg: fmt.Sprintf("not a %s header", Format)}
	}
	n := 0
	for {
		env, err := readLine(n + 2)
		if err == io.EOF {
			break
		}
		if err != nil {
			return h, err
		}
		n++
		if err := fn(n+1, env); err != nil {
			return h, err
		}
	}
	if n != h.Count {
		return h, &Error{Line: n + 2, Msg: fmt.Sprintf("the header announces %d envelopes, the bundle holds %d", h.Count, n)}
	}
	return h, nil
}
