//go:build !unix

package chaos

func openFiles() int { return -1 }

func fileLimit() int { return -1 }
