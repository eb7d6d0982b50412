package scenarios

import (
	"errors"
	"strings"
	"testing"
	"time"
)

type fakeCatalog map[string][]string

func (c fakeCatalog) Variants(w string) ([]string, bool) { v, ok := c[w]; return v, ok }
func (fakeCatalog) Verdicts() []string                   { return []string{"valid", "invalid", "unknown"} }
func (fakeCatalog) AnomalyKinds() []string {
	return []string{"duplicate-create", "stale-read", "non-linearizable"}
}

var cat = fakeCatalog{"users": {"plain", "unconstrained", "first-primary", "atomic"}}

const full = `name: users-unconstrained-replicated
workload: users
variants: [unconstrained]
bookmarks: none          # none | carry
clients: 32
ops: 5000
keys: {count: 50, hot: 0.2}
target:
  kind: emulator
  round_trip: {min: 1ms, max: 4ms}
  replication:
    lag: {p50: 20ms, p99: 200ms}
    regions:
      APAC: {constant: 800ms}
faults:
  - {at: 2s, kind: pause-replication, region: WEUR, for: 3s}
seed: 7
expect: {verdict: invalid, anomalies: [duplicate-create, stale-read]}
`

func TestParseDesignExample(t *testing.T) {
	s, err := Parse("x.yaml", []byte(full), cat)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "users-unconstrained-replicated" || s.Clients != 32 || s.Ops != 5000 || s.Keys.Hot != 0.2 ||
		s.Target.Replication.Lag.P99 != 200*time.Millisecond || s.Target.RoundTrip.Max != 4*time.Millisecond || s.Target.Replication.Regions["APAC"].Constant != 800*time.Millisecond ||
		len(s.Faults) != 1 || s.Faults[0].For != 3*time.Second || s.Seed != 7 || s.Expect.Verdict != "invalid" || s.File != "x.yaml" {
		t.Fatalf("parsed %+v", s)
	}
}

func TestParseDefaults(t *testing.T) {
	s, err := Parse("d.yaml", []byte("name: d\nworkload: users\n"), cat)
	if err != nil {
		t.Fatal(err)
	}
	if s.Clients != DefaultClients || s.Ops != DefaultOps || s.Bookmarks != "none" || s.Target.Kind != "emulator" ||
		len(s.Variants) != 4 || s.Keys.Count != DefaultKeys || s.Expect != nil {
		t.Fatalf("defaults %+v", s)
	}
}

// The embedded emulator runs on simulated time unless the scenario opts
// out; other targets always run on real time.
func TestParseTime(t *testing.T) {
	for src, want := range map[string]string{
		"name: a\nworkload: users\n":                                                  TimeSimulated,
		"name: a\nworkload: users\ntarget: {time: real}\n":                            TimeReal,
		"name: a\nworkload: users\ntarget: {kind: emulator, time: simulated}\n":       TimeSimulated,
		"name: a\nworkload: users\ntarget: {kind: rest, url: http://127.0.0.1:1}\n":   TimeReal,
		"name: a\nworkload: users\ntarget: {kind: worker, url: http://127.0.0.1:1}\n": TimeReal,
	} {
		s, err := Parse("t.yaml", []byte(src), cat)
		if err != nil {
			t.Fatal(err)
		}
		if s.Target.Time != want || s.Simulated() != (want == TimeSimulated) {
			t.Errorf("%q: time %q (simulated %v), want %q", src, s.Target.Time, s.Simulated(), want)
		}
	}
}

func TestReplayCommand(t *testing.T) {
	for _, c := range []struct {
		s    Scenario
		want string
	}{
		{Scenario{Name: "u", File: "builtin:gate/users-atomic.yaml", Seed: 7, Ops: 3000}, "d1check run gate/users-atomic.yaml --seed 7 --ops 3000"},
		{Scenario{Name: "u", File: "my scenarios/u.yaml", Seed: 3, Duration: time.Second}, "d1check run 'my scenarios/u.yaml' --seed 3"},
	} {
		if got := c.s.ReplayCommand(); got != c.want {
			t.Errorf("ReplayCommand() = %q, want %q", got, c.want)
		}
	}
}

func TestParseErrorsNameFileLineField(t *testing.T) {
	cases := []struct {
		name, src string
		line      int
		field     string
		msg       string
	}{
		{"unknown field", "name: a\nworkload: users\nclient: 3\n", 3, "client", "unknown field"},
		{"unknown nested field", "name: a\nworkload: users\nkeys: {count: 3, hott: 2}\n", 3, "hott", "unknown field"},
		{"bad duration", "name: a\nworkload: users\nduration: 3q\n", 3, "duration", `bad duration "3q"`},
		{"bad fault duration", "name: a\nworkload: users\nfaults:\n  - {at: 1s, kind: pause-replication}\n  - {at: 2x, kind: pause-replication}\n", 5, "faults[1].at", "bad duration"},
		{"hot above one", "name: a\nworkload: users\nkeys:\n  count: 5\n  hot: 1.5\n", 5, "keys.hot", "fraction from 0 to 1"},
		{"zero clients", "name: a\nworkload: users\nclients: 0\n", 3, "clients", "want 1 to 10000"},
		{"wrong type", "name: a\nworkload: users\nclients: many\n", 3, "clients", "got a string, want a whole number"},
		{"wrong type in a flow mapping", "name: a\nworkload: users\nkeys: {count: 3, hot: lots}\n", 3, "hot", "got a string, want a number"},
		{"a duration for a lag", "name: a\nworkload: users\ntarget:\n  round_trip: 2ms\n", 4, "round_trip", "mapping"},
		{"unknown workload", "name: a\nworkload: userz\n", 2, "workload", `unknown workload "userz"`},
		{"unknown variant", "name: a\nworkload: users\nvariants: [plain, atomik]\n", 3, "variants[1]", `no variant "atomik"`},
		{"ops and duration", "name: a\nworkload: users\nops: 5\nduration: 1s\n", 4, "duration", "not both"},
		{"negative lag", "name: a\nworkload: users\ntarget:\n  replication:\n    lag: {constant: -5ms}\n", 5, "target.replication.lag.constant", "must be positive"},
		{"p99 below p50", "name: a\nworkload: users\ntarget:\n  replication:\n    lag: {p50: 50ms, p99: 10ms}\n", 5, "target.replication.lag.p99", "p99 >= p50"},
		{"unknown region", "name: a\nworkload: users\nfaults:\n  - {at: 1s, kind: pause-replication, region: MARS}\n", 4, "faults[0].region", `unknown region "MARS"`},
		{"unknown fault", "name: a\nworkload: users\nfaults:\n  - {at: 1s, kind: meteor}\n", 4, "faults[0].kind", `"meteor" is not one of`},
		{"bad verdict", "name: a\nworkload: users\nexpect: {verdict: fine}\n", 3, "expect.verdict", `"fine"`},
		{"valid with anomalies", "name: a\nworkload: users\nexpect: {verdict: valid, anomalies: [stale-read]}\n", 3, "expect.anomalies", "no anomalies"},
		{"invalid without kinds", "name: a\nworkload: users\nexpect: {verdict: invalid}\n", 3, "expect.anomalies", "at least one"},
		{"allow overlaps", "name: a\nworkload: users\nexpect: {verdict: invalid, anomalies: [stale-read], allow: [stale-read]}\n", 3, "expect.allow[0]", "already expected"},
		{"unknown anomaly", "name: a\nworkload: users\nexpect: {verdict: invalid, anomalies: [stale]}\n", 3, "expect.anomalies[0]", `"stale"`},
		{"kind nothing emits", "name: a\nworkload: users\nexpect: {verdict: invalid, anomalies: [monotonic-write]}\n", 3, "expect.anomalies[0]", `"monotonic-write"`},
		{"real: unknown kind", "name: a\nworkload: users\nexpect: {verdict: invalid, anomalies: [stale-read], real: {anomalies: [stale]}}\n", 3, "expect.real.anomalies[0]", `"stale"`},
		{"real: invalid without kinds", "name: a\nworkload: users\nexpect: {verdict: invalid, anomalies: [stale-read], real: {allow: [duplicate-create]}}\n", 3, "expect.real.anomalies", "at least one"},
		{"real: allow overlaps", "name: a\nworkload: users\nexpect: {verdict: invalid, anomalies: [stale-read], real: {anomalies: [duplicate-create], allow: [duplicate-create]}}\n", 3, "expect.real.allow[0]", "already expected"},
		{"real: unknown field", "name: a\nworkload: users\nexpect: {verdict: invalid, anomalies: [stale-read], real: {anomalie: [duplicate-create]}}\n", 3, "anomalie", "unknown field"},
		{"allowed kind nothing emits", "name: a\nworkload: users\nexpect: {verdict: invalid, anomalies: [stale-read], allow: [writes-follow-reads]}\n", 3, "expect.allow[0]", `"writes-follow-reads"`},
		{"missing name", "workload: users\n", 0, "name", "missing"},
		{"worker needs url", "name: a\nworkload: users\ntarget: {kind: worker}\n", 3, "target.url", "needs a url"},
		{"workerd takes no url", "name: a\nworkload: users\ntarget: {kind: workerd, url: http://127.0.0.1:1}\n", 3, "target.url", "takes no url"},
		{"lag on worker", "name: a\nworkload: users\ntarget:\n  kind: worker\n  url: http://127.0.0.1:8787\n  replication: {lag: {constant: 1s}}\n", 6, "target.replication", "only be set on the emulator"},
		{"syntax", "name: [a\n", 1, "", "not found"},
		{"round trip on worker", "name: a\nworkload: users\ntarget:\n  kind: worker\n  url: http://127.0.0.1:8787\n  round_trip: {constant: 1ms}\n", 6, "target.round_trip", "only be set on the emulator"},
		{"bad round trip", "name: a\nworkload: users\ntarget:\n  round_trip: {min: 5ms, max: 1ms}\n", 4, "target.round_trip.max", "min <= max"},
		{"bad time", "name: a\nworkload: users\ntarget:\n  time: virtual\n", 4, "target.time", `"virtual" is not one of simulated, real`},
		{"simulated worker", "name: a\nworkload: users\ntarget:\n  kind: worker\n  url: http://127.0.0.1:8787\n  time: simulated\n", 6, "target.time", "only the embedded emulator"},
		{"fault after end", "name: a\nworkload: users\nduration: 2s\nfaults:\n  - {at: 3s, kind: pause-replication}\n", 5, "faults[0].at", "after the run"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(c.src), cat)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if e.File != "bad.yaml" || e.Line != c.line || e.Field != c.field || !strings.Contains(e.Msg, c.msg) {
				t.Fatalf("got %q (line %d, field %q), want line %d field %q containing %q", e.Error(), e.Line, e.Field, c.line, c.field, c.msg)
			}
			if !strings.HasPrefix(e.Error(), "bad.yaml") {
				t.Fatalf("message %q does not start with the file", e.Error())
			}
		})
	}
}

// TestExpectTakesTheCatalogsKinds: the kinds and verdicts an expect block
// may name are the catalog's (harness hands the parser the checker's), not
// a list of the parser's own.
func TestExpectTakesTheCatalogsKinds(t *testing.T) {
	for _, k := range cat.AnomalyKinds() {
		src := "name: a\nworkload: users\nexpect: {verdict: invalid, anomalies: [" + k + "]}\n"
		s, err := Parse("k.yaml", []byte(src), cat)
		if err != nil {
			t.Errorf("%s: %v", k, err)
			continue
		}
		if got := s.Expect.Anomalies; len(got) != 1 || got[0] != k {
			t.Errorf("%s: expect.anomalies = %v", k, got)
		}
	}
	if _, err := Parse("k.yaml", []byte("name: a\nworkload: users\nexpect: {verdict: invalid, anomalies: [lost-write]}\n"), cat); err == nil {
		t.Error("lost-write accepted, although this catalog does not list it")
	}
}

func TestTargetWorkerdKeepsTheEmulatorsSettings(t *testing.T) {
	src := "name: a\nworkload: users\ntarget:\n  kind: workerd\n  round_trip: {constant: 1ms}\n  replication: {lag: {constant: 300ms}}\n"
	s, err := Parse("w.yaml", []byte(src), cat)
	if err != nil {
		t.Fatal(err)
	}
	if s.Target.Kind != TargetWorkerd || s.Target.Replication.Lag.Constant != 300*time.Millisecond || s.Target.RoundTrip.Constant != time.Millisecond {
		t.Fatalf("target = %+v", s.Target)
	}
}

func TestOverrideTarget(t *testing.T) {
	emu, err := Parse("e.yaml", []byte("name: a\nworkload: users\n"), cat)
	if err != nil {
		t.Fatal(err)
	}
	if err := emu.OverrideTarget(TargetWorkerd); err != nil || emu.Target.Kind != TargetWorkerd {
		t.Fatalf("emulator scenario --target workerd: %v, kind %s", err, emu.Target.Kind)
	}
	if err := emu.OverrideTarget(TargetWorker); err == nil || !strings.Contains(err.Error(), "needs a url") {
		t.Fatalf("--target worker: %v, want an error saying a worker needs a url", err)
	}
	w, err := Parse("w.yaml", []byte("name: a\nworkload: users\ntarget: {kind: worker, url: http://127.0.0.1:1}\n"), cat)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.OverrideTarget(TargetWorkerd); err == nil || !strings.Contains(err.Error(), "w.yaml") || w.Target.Kind != TargetWorker {
		t.Fatalf("worker scenario --target workerd: %v, kind %s; want an error naming the file, kind unchanged", err, w.Target.Kind)
	}
}

func TestParseFileMissing(t *testing.T) {
	_, err := ParseFile("/nonexistent/s.yaml", cat)
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/s.yaml") {
		t.Fatalf("err = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(full)
	f.Add("name: a\nworkload: users\nfaults: [{at: 1s}]\n")
	f.Fuzz(func(t *testing.T, src string) {
		s, err := Parse("f.yaml", []byte(src), cat)
		if err == nil && (s.Clients < 1 || s.Keys.Hot < 0 || s.Keys.Hot > 1 || (s.Ops == 0) == (s.Duration == 0)) {
			t.Fatalf("accepted an impossible scenario: %+v", s)
		}
	})
}
