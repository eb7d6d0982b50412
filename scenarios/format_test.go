package scenarios

import (
	"reflect"
	"testing"
	"time"
)

// TestFormatRoundTrips: every built-in scenario, and one using every
// field, reads back from Format to the same Scenario.
func TestFormatRoundTrips(t *testing.T) {
	example, err := Parse("x.yaml", []byte(full), cat)
	if err != nil {
		t.Fatal(err)
	}
	every := *example
	every.Name = "every-field"
	every.Faults = append(every.Faults,
		Fault{At: 10 * time.Millisecond, Kind: "lag-spike", Region: "APAC", For: time.Second, Lag: 2 * time.Second},
		Fault{At: 0, Kind: "restart-replica", Region: "ENAM", Snapshot: 3},
		Fault{At: time.Second, Kind: "slow-primary", For: time.Second, Delay: 5 * time.Millisecond})
	every.Target.Replication.Regions = map[string]Lag{"WEUR": {Min: 0, Max: 7 * time.Millisecond}, "OC": {}}
	every.Expect = &Expect{Verdict: "invalid", Anomalies: []string{"stale-read"}, Allow: []string{"double-use"},
		Real: &ExpectKind{Anomalies: []string{"double-use"}, Allow: []string{"stale-read"}}}
	every.Keys.Hot = 0.125
	timed := *example
	timed.Name, timed.Ops, timed.Duration, timed.Expect = "timed", 0, 90*time.Second, nil
	all := []*Scenario{example, &every, &timed}
	for _, suite := range Suites {
		ss, err := Builtin(suite, nil)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ss...)
	}
	for _, s := range all {
		text := Format(s)
		back, err := Parse(s.File, text, nil)
		if err != nil {
			t.Fatalf("%s: Format wrote a file Parse rejects: %v\n%s", s.Name, err, text)
		}
		if !reflect.DeepEqual(back, s) {
			t.Errorf("%s: round trip changed the scenario\nwant %+v\n got %+v\n%s", s.Name, s, back, text)
		}
	}
}

// A built-in scenario on simulated time replays from its seed, so its
// expect states the exact anomaly kinds: allow is for real time only. (The
// soak suite runs under d1check soak, on real time.)
func TestBuiltinSimulatedScenariosNeedNoAllow(t *testing.T) {
	for _, suite := range []string{"gate", "demo"} {
		ss, err := Builtin(suite, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range ss {
			if s.Simulated() && s.Expect != nil && len(s.Expect.Allow) > 0 {
				t.Errorf("%s runs on simulated time but allows %v: state the exact kinds its seed shows", s.File, s.Expect.Allow)
			}
		}
	}
}
