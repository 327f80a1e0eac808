//go:build unix

package chaos

import (
	"os"
	"syscall"
)

// openFiles counts the open file descriptors of this process (-1 where
// /proc is not there).
func openFiles() int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(entries)
}

// fileLimit is the soft RLIMIT_NOFILE of this process (Go raises it to the
// hard limit at start-up).
func fileLimit() int {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return -1
	}
	return int(rl.Cur)
}
