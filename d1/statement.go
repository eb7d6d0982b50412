package d1

import "context"

// Statement is D1PreparedStatement. Bind returns a new statement, as the
// binding's bind() does, so a prepared statement can be reused.
type Statement struct {
	q    Query
	err  error // a bind error, reported when the statement runs
	exec func(ctx context.Context, qs []Query, batch bool) ([]Result, error)
}

// SQL is the statement's text.
func (st *Statement) SQL() string { return st.q.SQL }

// Bind sets the statement's parameters. A value the binding cannot bind is
// reported as D1_TYPE_ERROR when the statement runs.
func (st *Statement) Bind(args ...any) *Statement {
	n := &Statement{q: Query{SQL: st.q.SQL, Params: make([]any, len(args))}, exec: st.exec}
	for i, a := range args {
		v, err := bindValue(a)
		if err != nil && n.err == nil {
			n.err = err
		}
		n.q.Params[i] = v
	}
	return n
}

// Run is stmt.run(): the result with its meta.
func (st *Statement) Run(ctx context.Context) (Result, error) {
	if st.err != nil {
		return Result{}, st.err
	}
	rs, err := st.exec(ctx, []Query{st.q}, false)
	if err != nil {
		return Result{}, err
	}
	if len(rs) == 0 {
		return Result{}, &TransportError{Op: "query", Err: errNoResult}
	}
	return rs[0], nil
}

// All is stmt.all(): the same as Run in the current binding.
func (st *Statement) All(ctx context.Context) (Result, error) { return st.Run(ctx) }

// First is stmt.first(): the first row, or nil (JavaScript's null) when
// there is none.
func (st *Statement) First(ctx context.Context) (Row, error) {
	r, err := st.Run(ctx)
	if err != nil || len(r.Results) == 0 {
		return nil, err
	}
	return r.Results[0], nil
}

type constError string

func (e constError) Error() string { return string(e) }

const errNoResult = constError("the target returned no result for the statement")
