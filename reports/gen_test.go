package reports

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"slices"
	"sort"
	"time"

	"github.com/d1check/d1check/checker"
	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/scenarios"
)

// genConfig drives a small simulation of the users workload
// (getOrCreateUser as SELECT on a replica, then INSERT on the primary), so
// that tests and the benchmark report histories with real structure:
// traces, bookmarks, lanes, faults, and — with Lag > 0 — the duplicate
// creates a stale replica read really causes.
type genConfig struct {
	Ops, Processes, Keys int
	// Lag is the most commits a replica read may be behind; 0 makes every
	// read fresh and the history linearizable.
	Lag  int
	Seed int64
	// Email formats a key; tests use it to plant hostile strings.
	Email func(i int) string
	// Fault adds a pause-replication window over the middle of the run.
	Fault bool
	// Variant labels every op (default "unconstrained").
	Variant string
}

type genOp struct {
	inv, done history.Event
}

// genHistory simulates cfg. Each op takes effect at its invoke, so with
// fresh reads the history is linearizable; stale reads create duplicates.
func genHistory(cfg genConfig) *history.History {
	rng := rand.New(rand.NewSource(cfg.Seed))
	if cfg.Variant == "" {
		cfg.Variant = "unconstrained"
	}
	if cfg.Email == nil {
		cfg.Email = func(i int) string { return fmt.Sprintf("user%d@x.test", i) }
	}
	const gap = int64(100_000) // 0.1 ms between invokes
	type user struct {
		id  int64
		pos uint64
	}
	users := map[string][]user{}
	var pos uint64
	var nextID int64
	ops := make([]genOp, 0, cfg.Ops+cfg.Keys)
	regions := []string{"WEUR", "APAC", "EEUR", "WNAM"}
	for i := 0; i < cfg.Ops; i++ {
		proc := i % cfg.Processes
		email := cfg.Email(rng.Intn(cfg.Keys))
		call := int64(i+1) * gap
		ret := call + gap + rng.Int63n(int64(cfg.Processes-2)*gap)
		lag := 0
		if cfg.Lag > 0 && rng.Intn(3) == 0 { // a third of reads may lag
			lag = rng.Intn(cfg.Lag + 1)
		}
		seen := pos - min(pos, uint64(lag))
		region := regions[rng.Intn(len(regions))]
		sel := history.Statement{SQL: "SELECT id FROM users WHERE email = ?", BookmarkIn: d1.FirstUnconstrained,
			BookmarkOut: d1.NewBookmark(seen), ServedBy: "v3-" + region, ServedByRegion: region,
			Start: call + 1000, End: call + 1000 + int64(20_000+rng.Intn(60_000)*(1+lag))}
		trace := []history.Statement{sel}
		var out string
		var found *user
		for j := range users[email] {
			if users[email][j].pos <= seen {
				found = &users[email][j]
				break
			}
		}
		if found != nil {
			out = fmt.Sprintf(`{"id":%d,"created":false}`, found.id)
		} else {
			pos++
			nextID++
			users[email] = append(users[email], user{nextID, pos})
			trace = append(trace, history.Statement{SQL: "INSERT INTO users (email) VALUES (?) RETURNING id", BookmarkIn: sel.BookmarkOut,
				BookmarkOut: d1.NewBookmark(pos), ServedBy: "v3-ENAM", ServedByPrimary: true, ServedByRegion: "ENAM",
				Start: sel.End + 500, End: min(sel.End+500+int64(40_000+rng.Intn(80_000)), ret-1)})
			out = fmt.Sprintf(`{"id":%d,"created":true}`, nextID)
		}
		val, _ := json.Marshal(map[string]string{"email": email})
		sess := fmt.Sprintf("s%d", i)
		ops = append(ops, genOp{
			inv:  history.Event{Type: history.Invoke, Process: proc, Session: sess, Variant: cfg.Variant, F: "get_or_create_user", Key: email, Value: val, Time: call},
			done: history.Event{Type: history.OK, Process: proc, Session: sess, Variant: cfg.Variant, F: "get_or_create_user", Key: email, Value: json.RawMessage(out), Time: ret, Trace: trace},
		})
	}
	end := int64(cfg.Ops+cfg.Processes+2) * gap
	for k := 0; k < cfg.Keys; k++ {
		email := cfg.Email(k)
		ids := []int64{}
		for _, u := range users[email] {
			ids = append(ids, u.id)
		}
		idj, _ := json.Marshal(map[string]any{"ids": ids})
		val, _ := json.Marshal(map[string]string{"email": email})
		t := end + int64(2*k)*1000
		ops = append(ops, genOp{
			inv:  history.Event{Type: history.Invoke, Process: cfg.Processes, Variant: cfg.Variant, F: "list_users", Key: email, Value: val, Time: t},
			done: history.Event{Type: history.OK, Process: cfg.Processes, Variant: cfg.Variant, F: "list_users", Key: email, Value: idj, Time: t + 1000},
		})
	}
	evs := make([]history.Event, 0, 2*len(ops)+2)
	for _, o := range ops {
		evs = append(evs, o.inv, o.done)
	}
	if cfg.Fault {
		third := end / 3
		evs = append(evs,
			history.Event{Type: history.Nemesis, F: "pause-replication", Value: json.RawMessage(`{"region":"WEUR","phase":"start"}`), Time: third},
			history.Event{Type: history.Nemesis, F: "pause-replication", Value: json.RawMessage(`{"region":"WEUR","phase":"end"}`), Time: 2 * third})
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].Time < evs[j].Time })
	for i := range evs {
		evs[i].Index = i
	}
	return &history.History{Header: history.Header{D1check: "history", Version: history.Version, Target: "emulator",
		Seed: cfg.Seed, StartedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}, Events: evs}
}

// usersScenario is the scenario a generated history pretends to come from.
func usersScenario(name string, expect *scenarios.Expect) *scenarios.Scenario {
	return &scenarios.Scenario{Name: name, Workload: "users", Variants: []string{"unconstrained"}, Bookmarks: "none",
		Clients: 8, Ops: 200, Keys: scenarios.Keys{Count: 5, Hot: 0.2}, Target: scenarios.Target{Kind: "emulator"},
		Seed: 7, Expect: expect, File: "builtin:demo/" + name + ".yaml"}
}

// checkedRun simulates cfg and checks the history with the real checker.
func checkedRun(t interface {
	Helper()
	Fatalf(string, ...any)
}, name string, cfg genConfig, expect *scenarios.Expect) Run {
	t.Helper()
	h := genHistory(cfg)
	res, err := checker.Check(h, checker.Options{Timeout: time.Minute})
	if err != nil {
		t.Fatalf("checker.Check(%s): %v", name, err)
	}
	run := Run{Scenario: usersScenario(name, expect), HistoryPath: "out/" + name + "/history.jsonl", History: h, Result: res}
	run.Expect = expectFixture(run.Scenario, res)
	return run
}

// expectFixture is the expectation a fixture is held to: its scenario's
// expect, which fixtures write as exactly the kinds they find or none
// (nil: valid with none), met when the verdict and the kinds found are
// those. The real decision, with allow, is harness.Expectation's; reports
// only show what they are given.
func expectFixture(s *scenarios.Scenario, res *checker.Result) Expect {
	e := Expect{Verdict: string(checker.Valid), Why: "fixture: held to valid with no anomalies"}
	if s != nil && s.Expect != nil {
		e.Verdict, e.Anomalies, e.Stated = s.Expect.Verdict, kindSet(s.Expect.Anomalies), true
		e.Why = "fixture: held to " + e.Verdict
	}
	e.Text = e.Verdict + " with " + fmt.Sprint(e.Anomalies)
	e.Met = res != nil && string(res.Verdict) == e.Verdict && slices.Equal(anomalyKinds(res), e.Anomalies)
	if !e.Met {
		e.Why += ", not met"
	}
	return e
}
