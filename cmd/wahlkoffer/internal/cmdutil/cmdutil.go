// Package cmdutil holds what every command shares: the I/O streams, the
// typed errors and the one place where errors become exit codes.
package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// IO is where a command reads and writes; tests give it buffers.
type IO struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}

// Exit codes. Scripts rely on them; add, never renumber.
const (
	ExitOK      = 0
	ExitError   = 1 // anything unexpected: I/O, a bug
	ExitUsage   = 2 // wrong flags or arguments
	ExitInvalid = 3 // the input was read but is not valid (a definition, a record)
)

// UsageError reports wrong flags or arguments.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef builds a UsageError.
func Usagef(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// InvalidError reports input that was read but does not pass validation.
// Its details have already been printed; Error is the one-line summary.
type InvalidError struct{ Summary string }

func (e *InvalidError) Error() string { return e.Summary }

// ExitCode maps an error returned by a command to the process exit code.
func ExitCode(err error) int {
	var usage *UsageError
	var invalid *InvalidError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &usage):
		return ExitUsage
	case errors.As(err, &invalid):
		return ExitInvalid
	default:
		return ExitError
	}
}

// CheckOutFile refuses, before any work is done, a missing --out, an
// output file that would replace one already there without force, or one
// whose folder does not exist.
func CheckOutFile(path string, force bool) error {
	if path == "" {
		return Usagef("--out is required")
	}
	if _, err := os.Lstat(path); err == nil && !force {
		return Usagef("%s exists; use --force to replace it", path)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return Usagef("--out %s: %v", path, err)
	}
	if dir := filepath.Dir(path); !isDir(dir) {
		return Usagef("--out %s: the folder %s does not exist", path, dir)
	}
	return nil
}

// isDir reports whether path is a folder.
func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// WriteFileAtomic writes data to path through a temporary file in the same
// folder and a rename, so that a reader never sees half a file and a
// failure leaves nothing behind.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	return WriteAtomic(path, perm, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}

// WriteAtomic writes path through write into a temporary file in the same
// folder, syncs it and renames it into place, and syncs the folder so that
// the new name survives a crash. If write (which may also read the file
// back to check it) or any step fails, the temporary file goes again and
// path is untouched.
func WriteAtomic(path string, perm os.FileMode, write func(f *os.File) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable. Windows cannot open a folder for
// syncing; there the rename is as durable as the file system makes it.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer d.Close()
	if err := d.Sync(); err != nil && runtime.GOOS != "windows" {
		return err
	}
	return nil
}

// ExactArgs is cobra.ExactArgs with a UsageError, so that a wrong number of
// arguments exits with ExitUsage.
func ExactArgs(n int) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return Usagef("%s takes %d argument(s), got %d", cmd.CommandPath(), n, len(args))
		}
		return nil
	}
}

// IsTerminal reports whether w is a terminal, where progress bars and
// colours belong; logs and pipes get plain lines.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
