// Package binarytest builds the real wahlkoffer binary once per test
// process, for the tests that run it as a user would (end to end, chaos,
// the terminal app in tmux). It is for tests only.
package binarytest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// buildTimeout bounds the build: with a cold build cache it compiles
// SQLite.
const buildTimeout = 3 * time.Minute

var (
	once            sync.Once
	binDir, binPath string
	buildErr        error
)

// Path builds the binary the first time and returns its path.
func Path(tb testing.TB) string {
	tb.Helper()
	once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
		defer cancel()
		out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
		if gomod := strings.TrimSpace(string(out)); err != nil || gomod == "" || gomod == os.DevNull {
			buildErr = fmt.Errorf("no module root: go env GOMOD says %q (%v)", gomod, err)
			return
		}
		if binDir, buildErr = os.MkdirTemp("", "wahlkoffer-bin-"); buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "wahlkoffer")
		build := exec.CommandContext(ctx, "go", "build", "-o", binPath, "./cmd/wahlkoffer")
		build.Dir = filepath.Dir(strings.TrimSpace(string(out)))
		if out, err := build.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		tb.Fatal(buildErr)
	}
	return binPath
}

// Main runs the tests and removes the binary afterwards: call it from
// TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}
