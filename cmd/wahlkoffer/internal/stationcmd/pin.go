package stationcmd

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
)

// PINEnv names the environment variable that holds the kit's PIN when
// --pin-file is not given.
const PINEnv = "WAHLKOFFER_PIN"

// readPIN reads the kit's PIN: from file, else from $WAHLKOFFER_PIN, else
// from the terminal without echo. Without a terminal and without a PIN it
// is a UsageError rather than a hang on a pipe.
func readPIN(io cmdutil.IO, file string, lang ballot.Lang) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("read PIN: %w", err)
		}
		pin := strings.TrimSpace(string(b))
		if pin == "" {
			return "", cmdutil.Usagef("--pin-file %s: %s", file, w(lang, "pinEmpty"))
		}
		return pin, nil
	}
	if pin := strings.TrimSpace(os.Getenv(PINEnv)); pin != "" {
		return pin, nil
	}
	f, ok := io.In.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", cmdutil.Usagef("%s", w(lang, "pinMissing", PINEnv))
	}
	fmt.Fprint(io.ErrOut, w(lang, "pinPrompt"))
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(io.ErrOut)
	if err != nil {
		return "", fmt.Errorf("read PIN: %w", err)
	}
	pin := strings.TrimSpace(string(b))
	if pin == "" {
		return "", &cmdutil.UsageError{Err: errors.New(w(lang, "pinEmpty"))}
	}
	return pin, nil
}
