package workerd

import (
	"context"
	"os"
	"testing"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/emulator/server"
	wd "github.com/d1check/d1check/workerd"
)

var ctx = context.Background()

func start(tb testing.TB) (*emulator.Emulator, *Target) {
	emu, t, _ := startTraced(tb)
	return emu, t
}

func startTraced(tb testing.TB) (*emulator.Emulator, *Target, *server.Trace) {
	tb.Helper()
	if _, err := wd.Find(""); err != nil {
		if os.Getenv("D1CHECK_REQUIRE_WORKERD") != "" {
			tb.Fatalf("D1CHECK_REQUIRE_WORKERD is set: %v", err)
		}
		tb.Skipf("no workerd (%v); scripts/test.sh installs it", err)
	}
	emu, err := emulator.New(emulator.Config{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { emu.Close() })
	tr := server.NewTrace(0)
	t, err := Start(ctx, emu, Options{Trace: tr})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := t.Close(); err != nil {
			tb.Error(err)
		}
	})
	db, _ := t.Database("")
	for _, q := range []string{
		"CREATE TABLE kv (k INTEGER PRIMARY KEY, v INTEGER)",
		"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 100) INSERT INTO kv SELECT n, 0 FROM s",
	} {
		if _, err := db.Prepare(q).Run(ctx); err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
	}
	return emu, t, tr
}

// The driver on workerd answers a session's queries in every region, the
// write's bookmark carried to the next read.
func TestTargetServesEveryRegion(t *testing.T) {
	_, tg, tr := startTraced(t)
	for _, r := range d1.Regions {
		db, err := tg.Database(r)
		if err != nil {
			t.Fatal(err)
		}
		s := db.WithSession("first-unconstrained")
		if _, err := s.Prepare("UPDATE kv SET v = v + 1 WHERE k = 1").Run(ctx); err != nil {
			t.Fatal(err)
		}
		res, err := s.Prepare("SELECT v FROM kv WHERE k = 1").Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if m := res.Meta; m.ServedByRegion != r || m.ServedByPrimary {
			t.Errorf("region %s: read served by %s (primary %v), want its own replica", r, m.ServedByRegion, m.ServedByPrimary)
		}
	}
	if _, err := tg.Database("MARS"); err == nil {
		t.Error("region MARS accepted")
	}
	// The driver's plain mode is plain env.DB: the binding sends no token.
	db, _ := tg.Database("OC")
	n := len(tr.Entries())
	res, err := db.Prepare("SELECT v FROM kv WHERE k = 1").Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	es := tr.Entries()[n:]
	if len(es) != 1 || es[0].Session || es[0].BookmarkIn != "" || es[0].Region != "OC" || !res.Meta.ServedByPrimary {
		t.Fatalf("plain query through the driver traced as %+v (served by primary %v)", es, res.Meta.ServedByPrimary)
	}
}
