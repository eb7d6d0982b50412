package emulator

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/sim"
)

// parallel runs op b.N times spread over exactly clients goroutines and
// reports ops/s (b.RunParallel's goroutine count depends on GOMAXPROCS).
func parallel(b *testing.B, clients int, op func(client int, i int64) error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				if err := op(c, i); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
}

// BenchmarkInsertPrimary: one single-row INSERT per fresh session (a
// write, so the primary commits it and six replicas apply it meanwhile).
// With replication=paused the six appliers are idle: the primary's own
// cost. apply-every shows what batching the replicas' applies into fewer
// transactions buys.
func BenchmarkInsertPrimary(b *testing.B) {
	for _, c := range []struct {
		clients    int
		paused     bool
		applyEvery time.Duration
	}{{1, false, 0}, {32, false, 0}, {32, true, 0}, {32, false, 5 * time.Millisecond}} {
		name := fmt.Sprintf("clients=%d", c.clients)
		if c.paused {
			name += "/replication=paused"
		}
		if c.applyEvery > 0 {
			name += "/apply-every=" + c.applyEvery.String()
		}
		clients := c.clients
		b.Run(name, func(b *testing.B) {
			e := newEmu(b, Config{ApplyEvery: c.applyEvery})
			schema(b, e)
			if c.paused {
				for _, r := range d1.Regions {
					e.PauseReplication(r)
				}
			}
			d := db(b, e, "WEUR")
			ctx := context.Background()
			parallel(b, clients, func(_ int, i int64) error {
				_, err := d.WithSession("").Prepare("INSERT INTO users (email, name) VALUES (?, ?)").Bind(fmt.Sprint("u", i, "@x.test"), "n").Run(ctx)
				return err
			})
		})
	}
}

// BenchmarkSelectReplica: one point SELECT per fresh first-unconstrained
// session, served by the client's replica.
func BenchmarkSelectReplica(b *testing.B) {
	const rows = 1000
	for _, clients := range []int{1, 32} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			e := newEmu(b, Config{})
			schema(b, e)
			d := db(b, e, "")
			ctx := context.Background()
			s := d.WithSession("")
			stmts := make([]*d1.Statement, rows)
			for i := range stmts {
				stmts[i] = s.Prepare("INSERT INTO users (id, email) VALUES (?, ?)").Bind(i, fmt.Sprint(i))
			}
			if _, err := s.Batch(ctx, stmts); err != nil {
				b.Fatal(err)
			}
			waitReplicated(b, e)
			clientsDB := make([]*d1.Database, clients)
			for c := range clientsDB {
				clientsDB[c] = db(b, e, d1.Regions[c%len(d1.Regions)])
			}
			parallel(b, clients, func(c int, i int64) error {
				r, err := clientsDB[c].WithSession("").Prepare("SELECT id, email, name FROM users WHERE id = ?").Bind(i % rows).Run(ctx)
				if err == nil && (len(r.Results) != 1 || r.Meta.ServedByPrimary) {
					err = fmt.Errorf("read %d: %+v", i, r)
				}
				return err
			})
		})
	}
}

// BenchmarkReplication: commits applied per second on six replicas. The
// replicas are paused while b.N commits are made, then resumed together;
// the clock runs from resume until all six have applied everything.
func BenchmarkReplication(b *testing.B) {
	e := newEmu(b, Config{})
	schema(b, e)
	for _, r := range d1.Regions {
		e.PauseReplication(r)
	}
	d := db(b, e, "")
	ctx := context.Background()
	st := d.Prepare("INSERT INTO users (email, name) VALUES (?, ?)")
	for i := 0; i < b.N; i++ {
		if _, err := st.Bind(fmt.Sprint(i), "n").Run(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	start := time.Now()
	for _, r := range d1.Regions {
		e.ResumeReplication(r)
	}
	waitReplicated(b, e)
	el := time.Since(start)
	b.ReportMetric(float64(b.N)/el.Seconds(), "commits/s/replica")
	b.ReportMetric(float64(b.N*len(d1.Regions))/el.Seconds(), "applies/s")
}

// BenchmarkInsertPrimarySimulated is BenchmarkInsertPrimary on simulated
// time: 32 client actors, each request 1 ms of virtual round trip, six
// replicas applying as scheduled work (every due commit in one
// transaction per replica, at most every ApplyEvery of virtual time).
// Nothing runs concurrently, so what it measures is the write path's CPU
// cost, with replication, without lock contention or goroutine hand-offs
// between appliers and clients.
func BenchmarkInsertPrimarySimulated(b *testing.B) {
	for _, every := range []time.Duration{DefaultApplyEvery, 10 * time.Millisecond} {
		b.Run("apply-every="+every.String(), func(b *testing.B) {
			const clients = 32
			s := sim.NewScheduler(1)
			e := newEmu(b, Config{Clock: s, ApplyEvery: every, RoundTrip: Constant(time.Millisecond)})
			var next atomic.Int64
			var start time.Time
			err := s.Run(context.Background(), func() {
				schema(b, e)
				b.ResetTimer()
				start = time.Now()
				g := sim.NewGroup(s)
				for c := range clients {
					g.Go(fmt.Sprint("client ", c), func() {
						d := db(b, e, d1.Regions[c%len(d1.Regions)])
						for {
							i := next.Add(1)
							if i > int64(b.N) {
								return
							}
							if _, err := d.WithSession("").Prepare("INSERT INTO users (email, name) VALUES (?, ?)").Bind(fmt.Sprint("u", i, "@x.test"), "n").Run(context.Background()); err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				g.Wait()
				waitReplicated(b, e) // every replica has applied every insert
			})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
		})
	}
}
