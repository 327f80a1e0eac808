// Package chaos holds the crash and fault injection tests of the station
// and the tally (issue 8, section 2); it has no code of its own.
//
//   - kill_test.go: real processes of the wahlkoffer binary (tally serve,
//     station count, submit, incident and sync) killed with SIGKILL at
//     random points, with every invariant checked after each restart.
//   - network_test.go: station clients through the fault proxy
//     (package faultproxy) on loopback
//     (resets, lost answers, slow peers, tally restarts), and thousands of
//     concurrent clients with 5 % of their connections dropped.
//   - diskfull_linux_test.go: the stores and the file writers on a full
//     disk (a 1 MiB tmpfs, mounted when the tests run as root on Linux).
//
// docs/reliability.md describes each harness, its long runs and the
// figures measured.
package chaos
