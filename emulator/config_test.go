package emulator

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/d1check/d1check/d1"
	"zombiezen.com/go/sqlite"
)

func TestConfigErrors(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{PrimaryRegion: "EU"}, `primary region "EU": unknown region`},
		{Config{Lag: map[string]LagModel{"MARS": Constant(0)}}, `lag for region "MARS": unknown region`},
		{Config{Lag: map[string]LagModel{"WEUR": Constant(-time.Second)}}, "region WEUR: lag constant(-1s): negative lag"},
		{Config{DefaultLag: Uniform(time.Second, time.Millisecond)}, "min 1s is greater than max 1ms"},
		{Config{DefaultLag: Uniform(-time.Second, time.Millisecond)}, "negative lag"},
		{Config{DefaultLag: LongTail(time.Second, time.Millisecond)}, "p50 1s is greater than p99 1ms"},
		{Config{DefaultLag: LongTail(0, time.Millisecond)}, "p50 and p99 must be positive"},
		{Config{BookmarkWait: -1}, "negative BookmarkWait"},
		{Config{GarbageBookmark: "ignore"}, `GarbageBookmark "ignore"`},
	} {
		e, err := New(c.cfg)
		if err == nil {
			e.Close()
			t.Errorf("%+v: accepted", c.cfg)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err = %v, want %q", c.cfg, err, c.want)
		}
	}
	e := newEmu(t, Config{})
	if _, err := e.Database("mars"); err == nil || !strings.Contains(err.Error(), "unknown region") {
		t.Errorf("Database(mars): %v", err)
	}
	for _, f := range []func() error{
		func() error { return e.PauseReplication("X") },
		func() error { return e.ResumeReplication("X") },
		func() error { return e.RestartReplica("X", 0) },
		func() error { return e.SetLag("X", Constant(0)) },
		func() error { return e.SetLag("OC", Constant(-1)) },
	} {
		if err := f(); err == nil {
			t.Error("bad control accepted")
		}
	}
}

func TestLagModels(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	draws := func(m LagModel, n int) []time.Duration {
		ds := make([]time.Duration, n)
		for i := range ds {
			ds[i] = m.Draw(r)
		}
		slices.Sort(ds)
		return ds
	}
	if d := draws(Constant(7*time.Millisecond), 10); d[0] != 7*time.Millisecond || d[9] != 7*time.Millisecond {
		t.Errorf("constant: %v", d)
	}
	if d := draws(LagModel{}, 3); d[2] != 0 {
		t.Errorf("zero model: %v", d)
	}
	u := draws(Uniform(10*time.Millisecond, 20*time.Millisecond), 1000)
	if u[0] < 10*time.Millisecond || u[999] > 20*time.Millisecond || u[500] < 14*time.Millisecond || u[500] > 16*time.Millisecond {
		t.Errorf("uniform: min %v median %v max %v", u[0], u[500], u[999])
	}
	p50, p99 := 20*time.Millisecond, 200*time.Millisecond
	l := draws(LongTail(p50, p99), 20000)
	near := func(got, want time.Duration) bool { return got > want*85/100 && got < want*115/100 }
	if !near(l[10000], p50) || !near(l[19800], p99) || l[19999] > longTailCap*p99 {
		t.Errorf("longtail: p50 %v p99 %v max %v; want ~%v ~%v", l[10000], l[19800], l[19999], p50, p99)
	}
	// Seeded: the same seed draws the same lags.
	a := LongTail(p50, p99).Draw(rand.New(rand.NewPCG(5, 0)))
	b := LongTail(p50, p99).Draw(rand.New(rand.NewPCG(5, 0)))
	if a != b {
		t.Errorf("same seed drew %v and %v", a, b)
	}
	if s := LongTail(p50, p99).String(); s != "longtail(p50=20ms,p99=200ms)" {
		t.Errorf("String = %q", s)
	}
}

// TestHooks: the fault seams are live. BeforeRequest can fail a request
// before it runs; Lag can replace a draw.
func TestHooks(t *testing.T) {
	boom := &d1.Error{Kind: d1.KindTransient, Message: "Network connection lost."}
	lagged := make(chan uint64, 10)
	e := newEmu(t, Config{Hooks: Hooks{
		BeforeRequest: func(ctx context.Context, region string, req d1.Request) error {
			if region == "WNAM" {
				return boom
			}
			return nil
		},
		Lag: func(region string, pos uint64, drawn time.Duration) time.Duration {
			if region == "OC" {
				lagged <- pos
				return time.Hour
			}
			return drawn
		},
	}})
	run(t, db(t, e, ""), "CREATE TABLE t (id INTEGER PRIMARY KEY)")
	if _, err := db(t, e, "WNAM").WithSession("").Prepare("SELECT 1").Run(context.Background()); !errors.Is(err, boom) {
		t.Errorf("BeforeRequest: err = %v", err)
	}
	select {
	case pos := <-lagged:
		if pos != 1 {
			t.Errorf("Lag hook saw position %d, want 1", pos)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the OC applier never drew a lag")
	}
	if st := replicaStatus(e, "OC"); st.Position != 0 {
		t.Errorf("OC applied %d despite an hour of lag", st.Position)
	}
}

// TestRawConn proves the two sqlite3_db_config switches reached through
// reflect: double-quoted strings on, triggers off on replicas.
func TestRawConn(t *testing.T) {
	for _, primary := range []bool{true, false} {
		in := &instance{name: "t", path: ":memory:", primary: primary}
		if err := in.open(); err != nil {
			t.Fatal(err)
		}
		err := in.internal(func(c *sqlite.Conn) error {
			return execScript(c, `CREATE TABLE a (id INTEGER PRIMARY KEY, v); CREATE TABLE b (id INTEGER PRIMARY KEY);
			CREATE TRIGGER tr AFTER INSERT ON a BEGIN INSERT INTO b VALUES (new.id); END;
			INSERT INTO a VALUES (1, "dq")`)
		})
		if err != nil {
			t.Fatal(err)
		}
		r, err := in.run(d1.Query{SQL: "SELECT (SELECT v FROM a) AS v, (SELECT count(*) FROM b) AS n"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		wantN := int64(0)
		if primary {
			wantN = 1
		}
		if r.Results[0]["v"] != "dq" || r.Results[0]["n"] != wantN {
			t.Errorf("primary=%v: %v, want v=dq n=%d", primary, r.Results[0], wantN)
		}
		in.close()
	}
}
