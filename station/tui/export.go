package tui

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/wahlkoffer/wahlkoffer/station"
)

// errExists refuses to overwrite a file: a bundle already on the stick may
// be the one the office still needs.
var errExists = errors.New("the file exists")

// writeBundle writes the station's USB bundle to path: into a temporary
// file in the same folder, synced, then renamed, so that the stick never
// holds half a bundle under the name. It never overwrites a file. A path
// starting with ~ is in the home folder. It returns the full path and the
// number of records written.
func writeBundle(ctx context.Context, st *station.Station, path string, all bool) (string, int, error) {
	if rest, ok := strings.CutPrefix(path, "~"); ok && (rest == "" || os.IsPathSeparator(rest[0])) {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, rest)
		}
	}
	full, err := filepath.Abs(path)
	if err != nil {
		return path, 0, err
	}
	if _, err := os.Lstat(full); err == nil {
		return full, 0, errExists
	}
	dir := filepath.Dir(full)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(full)+".tmp-*")
	if err != nil {
		return full, 0, err
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	n, err := st.ExportBundle(ctx, tmp, all)
	if err != nil {
		return full, 0, err
	}
	if err := tmp.Sync(); err != nil {
		return full, 0, err
	}
	if err := tmp.Close(); err != nil {
		return full, 0, err
	}
	// Checked again just before the rename, which would replace a file.
	if _, err := os.Lstat(full); err == nil {
		return full, 0, errExists
	}
	if err := os.Rename(tmp.Name(), full); err != nil {
		return full, 0, err
	}
	done = true
	syncDir(dir)
	return full, n, nil
}

// syncDir makes the rename durable where the system can sync a folder
// (not on Windows, where the rename is as durable as the file system
// makes it).
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// exportErr says why the bundle was not written.
func (m Model) exportErr(msg exportMsg) string {
	switch {
	case errors.Is(msg.err, errExists):
		return m.wf("exportExists", msg.path)
	case errors.Is(msg.err, fs.ErrNotExist):
		return m.wf("exportNoFolder", filepath.Dir(msg.path))
	case errors.Is(msg.err, fs.ErrPermission):
		return m.wf("exportDenied", filepath.Dir(msg.path))
	}
	return m.wf("exportFailed", msg.path, msg.err.Error())
}
