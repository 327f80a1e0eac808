package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/bundle"
	"github.com/wahlkoffer/wahlkoffer/ballot/kit"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
)

// stationSim stands in for a station in the scripts until the station
// commands exist: `stationsim KIT PIN OUT B V1 V2 V3 V4` opens the kit
// and writes a USB bundle with the polls opened and closed and a final
// count of the mayor contest (B voters, 6 invalid, V1…V4 votes).
func stationSim() int {
	if len(os.Args) != 9 {
		fmt.Fprintln(os.Stderr, "usage: stationsim KIT PIN OUT B V1 V2 V3 V4")
		return 2
	}
	sealed, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	k, err := kit.Open(sealed, os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	def, hash, err := k.Definition()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	n := make([]int64, 5)
	for i := range n {
		if n[i], err = strconv.ParseInt(os.Args[4+i], 10, 64); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
	}
	d, _ := def.District(k.District)
	day, _ := time.Parse(time.DateOnly, def.Election.Date)
	at := func(h int) time.Time { return day.Add(time.Duration(h) * time.Hour) }
	count := &ballot.Count{Contest: "ob", Stage: ballot.StageFinal, Version: 1,
		A1: d.Register.A1, A2: d.Register.A2, A3: d.Register.A3, B: n[0], B1: n[0] / 6, Invalid: 6, Valid: n[0] - 6,
		Votes:     map[string]int64{"ob-1": n[1], "ob-2": n[2], "ob-3": n[3], "ob-4": n[4]},
		EnteredBy: []string{"m1", "m2"}}
	records := []struct {
		kind ballot.RecordKind
		body any
	}{
		{ballot.RecordPollsOpened, &ballot.PollsOpened{At: at(7)}},
		{ballot.RecordPollsClosed, &ballot.PollsClosed{At: at(17)}},
		{ballot.RecordCount, count},
	}
	var envs [][]byte
	for i, r := range records {
		env, err := seal.SealRecord(k.StationKey, ballot.Header{ElectionID: k.ElectionID, PackageHash: hash,
			District: k.District, Station: k.Station, Seq: uint64(i + 1), Time: at(18), Kind: r.kind}, r.body)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		envs = append(envs, env)
	}
	f, err := os.Create(os.Args[3])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer f.Close()
	if err := bundle.Write(f, bundle.Header{ElectionID: k.ElectionID, District: k.District, Station: k.Station, ExportedAt: at(19)}, envs); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}
