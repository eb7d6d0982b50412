package emulator

import (
	"context"
	"fmt"
	"time"

	"github.com/d1check/d1check/d1"
)

// SimulatedRequestTime is what a request takes on simulated time when
// Config.RoundTrip draws nothing: about what one takes on real time while
// a handful of clients share two cores. Without it a request would take
// no time at all, a run of hundreds of ops would be over in a few
// milliseconds of virtual time, and replication lag would never show.
const SimulatedRequestTime = time.Millisecond

// transport is a client in one region talking to the emulator.
type transport struct {
	e      *Emulator
	region string
}

// Query routes one request as replicated D1 does:
//   - a request that writes (any statement that changes the database) runs
//     on the primary, whatever its constraint or bookmark: replicas forward
//     writes. A session gets the primary's new bookmark.
//   - plain env.DB and "first-primary" read the primary;
//   - "first-unconstrained" reads the replica in the client's region (in
//     the primary's region too: every region has a replica, the primary's
//     included), however stale;
//   - a bookmark reads the client's replica once it has applied at least
//     that position (bounded by Config.BookmarkWait), and returns the
//     replica's own, possibly newer, bookmark;
//   - any other string is Config.GarbageBookmark's business.
func (t *transport) Query(ctx context.Context, req d1.Request) (d1.Response, error) {
	// A scheduling point: under simulated time, every client due now may
	// send its request first, as on a real network.
	clock := t.e.cfg.Clock
	clock.Yield()
	d := t.e.rtt.draw()
	if d == 0 && clock.Simulated() {
		// On real time a request without a round trip still takes the
		// CPU's time; on simulated time it would take none, and while
		// clients kept the scheduler busy no replica would ever apply.
		d = SimulatedRequestTime
	}
	if err := clock.Sleep(ctx, d/2); err != nil {
		return d1.Response{}, err
	}
	resp, err := t.serve(ctx, req)
	if err == nil {
		// A request whose context ends on the way back may have taken
		// effect: its error is the context's, which the runner records as
		// indeterminate for a write.
		if terr := clock.Sleep(ctx, d-d/2); terr != nil {
			return d1.Response{}, terr
		}
	}
	return resp, err
}

// serve is Query once the request has reached the database.
func (t *transport) serve(ctx context.Context, req d1.Request) (d1.Response, error) {
	e := t.e
	if e.closed.Load() {
		return d1.Response{}, errClosed
	}
	if err := ctx.Err(); err != nil {
		return d1.Response{}, err
	}
	if req.Mode != d1.ModeSession && req.Mode != d1.ModePlain {
		return d1.Response{}, fmt.Errorf("emulator: unknown request mode %d", req.Mode)
	}
	if len(req.Statements) == 0 {
		return d1.Response{Results: []d1.Result{}}, nil
	}
	write, err := e.writes(req.Statements)
	if err != nil {
		return d1.Response{}, err
	}
	session := req.Mode == d1.ModeSession
	plainRead := !session && !write && e.cfg.bugs.plainReadsReplica // BUG when set
	if write || (!session && !plainRead) || req.Bookmark == d1.FirstPrimary {
		return e.onPrimary(ctx, req, write, session)
	}
	r := e.replicas[t.region]
	var want uint64
	wait := false
	switch req.Bookmark {
	case d1.FirstUnconstrained, "":
	default:
		b, err := d1.ParseBookmark(req.Bookmark)
		switch {
		case err == nil:
			want, wait = b.Position(), !e.cfg.bugs.ignoreBookmark // BUG when ignored
		case e.cfg.GarbageBookmark == GarbageError:
			return d1.Response{}, emulatorError(fmt.Sprintf("not a bookmark: %q (Config.GarbageBookmark is %q)", req.Bookmark, GarbageError))
		}
	}
	return e.onReplica(ctx, r, req, want, wait, session)
}

// writes reports whether any statement writes. Statements are classified
// once per SQL text on the primary, whose schema is the newest: a replica
// that lacks a table must still know an INSERT into it is a write to
// forward. A statement the primary cannot compile fails here, with the
// primary's error.
func (e *Emulator) writes(qs []d1.Query) (bool, error) {
	write := false
	for _, q := range qs {
		info, ok := e.classes.Load(q.SQL)
		if !ok {
			p := e.primary
			p.mu.Lock()
			if p.conn == nil {
				p.mu.Unlock()
				return false, errClosed
			}
			i, err := p.classify(q.SQL)
			p.mu.Unlock()
			if err != nil {
				return false, err
			}
			info, _ = e.classes.LoadOrStore(q.SQL, i)
		}
		write = write || info.(stmtInfo).write
	}
	return write, nil
}

func (e *Emulator) onPrimary(ctx context.Context, req d1.Request, write, session bool) (d1.Response, error) {
	if h := e.cfg.Hooks.BeforeRequest; h != nil {
		if err := h(ctx, "", req); err != nil {
			return d1.Response{}, err
		}
	}
	resp, err := e.servePrimary(req, write, session)
	return e.after(ctx, "", req, resp, err)
}

// after runs Hooks.AfterRequest, which may turn a served request's answer
// into an error while its effect stays.
func (e *Emulator) after(ctx context.Context, region string, req d1.Request, resp d1.Response, err error) (d1.Response, error) {
	if h := e.cfg.Hooks.AfterRequest; h != nil {
		if herr := h(ctx, region, req, err); herr != nil {
			return d1.Response{}, herr
		}
	}
	return resp, err
}

func (e *Emulator) servePrimary(req d1.Request, write, session bool) (d1.Response, error) {
	p := e.primary
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conn == nil {
		return d1.Response{}, errClosed
	}
	var resp d1.Response
	var err error
	pos := p.pos
	if write {
		resp.Results, pos, err = e.commit(req.Statements, req.Batch)
	} else {
		resp.Results, err = readAll(p, req.Statements)
	}
	if err != nil {
		return d1.Response{}, err
	}
	if session {
		resp.Bookmark = d1.NewBookmark(pos)
	}
	return resp, nil
}

func (e *Emulator) onReplica(ctx context.Context, r *replica, req d1.Request, want uint64, wait, session bool) (d1.Response, error) {
	if h := e.cfg.Hooks.BeforeRequest; h != nil {
		if err := h(ctx, r.region, req); err != nil {
			return d1.Response{}, err
		}
	}
	lying := e.cfg.bugs.lyingBookmark
	if lying && want <= e.log.last() {
		wait = false // BUG: it believes it has what it has only received
	}
	var resp d1.Response
	err := r.serve(ctx, want, wait, e.cfg.BookmarkWait, func() error {
		var err error
		resp.Results, err = readAll(r.instance, req.Statements)
		pos := r.pos
		if lying {
			pos = max(pos, e.log.last()) // BUG: newer than its data
		}
		if session {
			resp.Bookmark = d1.NewBookmark(pos)
		}
		return err
	})
	if err != nil {
		resp = d1.Response{}
	}
	return e.after(ctx, r.region, req, resp, err)
}

// readAll runs read-only statements on in, which the caller holds: they
// all see the same position.
func readAll(in *instance, qs []d1.Query) ([]d1.Result, error) {
	results := make([]d1.Result, len(qs))
	for i, q := range qs {
		r, err := in.run(q, nil)
		if err != nil {
			return nil, err
		}
		r.Meta.SizeAfter = in.size
		results[i] = r
	}
	return results, nil
}
