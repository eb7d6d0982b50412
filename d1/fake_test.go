package d1

import (
	"context"
	"sync"
)

// recorder is a Transport that answers every request with a scripted
// bookmark and remembers what it was sent. It exists to test the binding's
// client-side rules, which involve no database.
type recorder struct {
	mu      sync.Mutex
	sent    []Request
	answers []string // bookmarks to return, in order; the last repeats
	err     error
}

func (r *recorder) Query(_ context.Context, req Request) (Response, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, req)
	if r.err != nil {
		return Response{}, r.err
	}
	bm := ""
	if len(r.answers) > 0 {
		bm = r.answers[0]
		if len(r.answers) > 1 {
			r.answers = r.answers[1:]
		}
	}
	if req.Mode == ModePlain {
		bm = ""
	}
	res := make([]Result, len(req.Statements))
	for i := range res {
		res[i] = Result{Success: true, Results: []Row{{"n": int64(i)}}}
	}
	return Response{Results: res, Bookmark: bm}, nil
}

func (r *recorder) last() Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sent[len(r.sent)-1]
}
