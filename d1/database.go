package d1

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

// Database is env.DB: plain access (primary only) and WithSession.
// It is safe for concurrent use.
type Database struct {
	t Transport
}

// New returns the Database that sends its requests through t.
func New(t Transport) *Database { return &Database{t: t} }

// Prepare is env.DB.prepare(sql): a statement outside any session, sent
// without a bookmark and served by the primary.
func (db *Database) Prepare(sql string) *Statement {
	return &Statement{q: Query{SQL: sql}, exec: db.plain}
}

// Batch is env.DB.batch(statements): one transaction on the primary.
func (db *Database) Batch(ctx context.Context, stmts []*Statement) ([]Result, error) {
	qs, err := queries(stmts)
	if err != nil {
		return nil, err
	}
	return db.plain(ctx, qs, true)
}

func (db *Database) plain(ctx context.Context, qs []Query, batch bool) ([]Result, error) {
	resp, err := traced(ctx, db.t, Request{Mode: ModePlain, Statements: qs, Batch: batch})
	return resp.Results, err
}

// WithSession is env.DB.withSession(constraintOrBookmark) for a string
// argument, exactly as the binding handles it: the argument is trimmed; ""
// (JavaScript's undefined or null, the empty string, or whitespace) means
// "first-unconstrained"; only the exact, case-sensitive strings
// "first-primary" and "first-unconstrained" are constraints; every other
// string is a bookmark and is sent as is, even a misspelt constraint such as
// "first_unconditional".
func (db *Database) WithSession(constraintOrBookmark string) *Session {
	arg := strings.TrimSpace(constraintOrBookmark)
	s := &Session{db: db}
	switch arg {
	case "", FirstUnconstrained:
		s.constraint = FirstUnconstrained
	case FirstPrimary:
		s.constraint = FirstPrimary
	default:
		// A session started from a bookmark reports it at once.
		s.bookmark = arg
		s.hasBookmark = true
	}
	return s
}

// WithSessionArg mirrors withSession() called with an arbitrary JavaScript
// value, so workloads can reproduce code that passes the wrong type: nil is
// undefined, a string behaves as WithSession, and anything else (such as the
// migration guide's {constraint: 'first_unconditional'}) throws the
// TypeError workerd throws, before any query is sent.
func (db *Database) WithSessionArg(arg any) (*Session, error) {
	switch v := arg.(type) {
	case nil:
		return db.WithSession(""), nil
	case string:
		return db.WithSession(v), nil
	}
	return nil, &Error{Kind: KindArgument, Message: "TypeError: constraintOrBookmark?.trim is not a function"}
}

// Session is D1DatabaseSession. It is safe for concurrent use: as in the
// binding, concurrent queries each send the bookmark current when they start
// and the session keeps the largest bookmark any of them returns.
type Session struct {
	db          *Database
	constraint  string
	mu          sync.Mutex
	bookmark    string
	hasBookmark bool
}

// Prepare is session.prepare(sql).
func (s *Session) Prepare(sql string) *Statement {
	return &Statement{q: Query{SQL: sql}, exec: s.query}
}

// Batch is session.batch(statements).
func (s *Session) Batch(ctx context.Context, stmts []*Statement) ([]Result, error) {
	qs, err := queries(stmts)
	if err != nil {
		return nil, err
	}
	return s.query(ctx, qs, true)
}

// Bookmark is session.getBookmark(): ok is false (JavaScript's null) for a
// session started from a constraint that has not yet completed a query.
func (s *Session) Bookmark() (bookmark string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bookmark, s.hasBookmark
}

// Constraint is the constraint the session started from, or "" when it
// started from a bookmark.
func (s *Session) Constraint() string { return s.constraint }

func (s *Session) query(ctx context.Context, qs []Query, batch bool) ([]Result, error) {
	s.mu.Lock()
	send := s.constraint
	if s.hasBookmark {
		send = s.bookmark
	}
	s.mu.Unlock()
	resp, err := traced(ctx, s.db.t, Request{Mode: ModeSession, Bookmark: send, Statements: qs, Batch: batch})
	if err != nil {
		return nil, err
	}
	s.observe(resp.Bookmark)
	return resp.Results, nil
}

// observe applies the binding's keep-the-maximum rule: a returned bookmark
// replaces the current one only if current is null or
// current.localeCompare(returned) < 0.
func (s *Session) observe(returned string) {
	if returned == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.hasBookmark || CompareBookmarks(s.bookmark, returned) < 0 {
		s.bookmark = returned
		s.hasBookmark = true
	}
}

func queries(stmts []*Statement) ([]Query, error) {
	qs := make([]Query, len(stmts))
	for i, st := range stmts {
		if st == nil {
			return nil, &Error{Kind: KindArgument, Message: fmt.Sprintf("TypeError: batch statement %d is not a prepared statement", i)}
		}
		if st.err != nil {
			return nil, st.err
		}
		qs[i] = st.q
	}
	return qs, nil
}
