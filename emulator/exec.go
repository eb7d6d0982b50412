package emulator

import (
	"fmt"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/sim"
	"zombiezen.com/go/sqlite"
)

// prepare returns the prepared statements of sql, from the cache when it
// can. The authorizer classifies each statement as SQLite compiles it. The
// caller holds in.mu.
//
// A statement after a schema statement may not compile until that one has
// run (CREATE TABLE t …; INSERT INTO t …): the rest of the text is then a
// deferred part, compiled by run at its turn. Such a result depends on the
// schema, so it is not cached: owned is true and the caller finalizes the
// parts with finalizeParts.
func (in *instance) prepare(sql string) (_ []*part, owned bool, _ error) {
	if ps, ok := in.stmts[sql]; ok {
		return ps, false, nil
	}
	var parts []*part
	schema := false
	for off := 0; off < len(sql) && !isBlank(sql[off:]); {
		p := &part{offset: off}
		in.auth.cur = &p.info
		st, trailing, err := in.conn.PrepareTransient(sql[off:])
		in.auth.cur = nil
		if err != nil && schema {
			rest := &part{offset: off, sql: sql[off:], deferred: true, info: stmtInfo{write: true, replay: true}}
			return append(parts, rest), true, nil
		}
		if err != nil {
			finalizeParts(parts)
			return nil, false, sqlErrorAt(err, off)
		}
		end := len(sql) - trailing
		p.stmt, p.sql = st, sql[off:end]
		if isSchemaStatement(p.sql) {
			p.info.write, p.info.replay = true, true
		}
		schema = schema || p.info.replay
		parts = append(parts, p)
		off = end
	}
	if len(parts) == 0 {
		return nil, false, emulatorError("no SQL statement in the query")
	}
	if len(in.stmts) >= maxCachedSQL {
		in.dropStmts()
	}
	in.stmts[sql] = parts
	return parts, false, nil
}

// finalizeParts frees the statements of an uncached prepare.
func finalizeParts(parts []*part) {
	for _, p := range parts {
		if p.stmt != nil {
			p.stmt.Finalize()
		}
	}
}

// classify reports whether sql writes, preparing it (and caching the
// result) on this instance. The caller holds in.mu.
func (in *instance) classify(sql string) (stmtInfo, error) {
	parts, owned, err := in.prepare(sql)
	if err != nil {
		return stmtInfo{}, err
	}
	if owned {
		defer finalizeParts(parts)
	}
	var info stmtInfo
	for _, p := range parts {
		info.write = info.write || p.info.write
		info.replay = info.replay || p.info.replay
	}
	return info, nil
}

// hooks lets the primary's write path act around each statement (to cut
// the changeset around schema changes).
type hooks interface {
	before(p *part) error
	after(p *part) error
}

// run executes one query on the instance and returns its D1 result. The
// caller holds in.mu; h is nil for reads.
func (in *instance) run(q d1.Query, h hooks) (d1.Result, error) {
	clock := sim.Or(in.clock) // nil for an instance built by a test
	start := clock.Now()
	parts, owned, err := in.prepare(q.SQL)
	if err != nil {
		return d1.Result{}, err
	}
	var mine [][]*part // uncached parts, finalized when the query is done
	if owned {
		mine = append(mine, parts)
	}
	defer func() {
		for _, ps := range mine {
			finalizeParts(ps)
		}
	}()
	if err := checkParamCount(parts, len(q.Params)); err != nil {
		return d1.Result{}, err
	}
	res := d1.Result{Success: true, Results: []d1.Row{}, Meta: in.meta()}
	var wrote bool
	for i := 0; i < len(parts); i++ {
		p := parts[i]
		if p.deferred {
			// The statements before it have run: compile the rest now.
			more, moreOwned, err := in.prepare(p.sql)
			if err != nil {
				return d1.Result{}, err
			}
			if moreOwned {
				mine = append(mine, more)
			}
			parts = append(parts[:i:i], more...)
			p = parts[i]
		}
		if h != nil {
			if err := h.before(p); err != nil {
				return d1.Result{}, err
			}
		}
		rows, cols, err := execPart(p, q.Params)
		if err != nil {
			return d1.Result{}, sqlError(err)
		}
		if rows != nil {
			res.Results, res.Columns = rows, cols
		}
		if p.info.write {
			wrote = true
			res.Meta.Changes += int64(in.conn.Changes())
		}
		if h != nil {
			if err := h.after(p); err != nil {
				return d1.Result{}, err
			}
		}
	}
	if wrote {
		res.Meta.LastRowID = in.conn.LastInsertRowID()
		res.Meta.ChangedDB = res.Meta.Changes > 0 || parts[len(parts)-1].info.replay
		res.Meta.RowsWritten = res.Meta.Changes
	}
	// SQLite exposes no per-statement scan counters through zombiezen:
	// rows_read approximates D1's count by the rows returned or changed.
	res.Meta.RowsRead = int64(len(res.Results)) + res.Meta.Changes
	ms := float64(clock.Now().Sub(start).Microseconds()) / 1000
	res.Meta.Duration, res.Meta.Timings.SQLDurationMs = ms, ms
	return res, nil
}

// checkParamCount refuses a query whose parameters do not match its
// placeholders, as D1 does rather than binding NULLs. A deferred part's
// placeholders are checked when it is compiled (execPart).
func checkParamCount(parts []*part, n int) error {
	want := 0
	for _, p := range parts {
		if p.stmt != nil {
			want = max(want, p.stmt.BindParamCount())
		}
	}
	if n != want {
		return d1.SQLError(fmt.Sprintf("Wrong number of parameter bindings for SQL query (expected %d, got %d)", want, n), -1, "RANGE", "")
	}
	return nil
}

// execPart binds params, steps the statement to completion and returns
// its rows and column names (nil for a statement that returns no columns).
func execPart(p *part, params []any) ([]d1.Row, []string, error) {
	st := p.stmt
	defer st.ClearBindings()
	defer st.Reset()
	if st.BindParamCount() > len(params) {
		return nil, nil, d1.SQLError(fmt.Sprintf("Wrong number of parameter bindings for SQL query (expected %d, got %d)", st.BindParamCount(), len(params)), -1, "RANGE", "")
	}
	for i := 0; i < st.BindParamCount(); i++ {
		if err := bind(st, i+1, params[i]); err != nil {
			return nil, nil, err
		}
	}
	cols := st.ColumnCount()
	if cols == 0 {
		_, err := stepAll(st, nil)
		return nil, nil, err
	}
	names := make([]string, cols)
	for i := range names {
		names[i] = st.ColumnName(i)
	}
	rows := []d1.Row{}
	_, err := stepAll(st, func(st *sqlite.Stmt) { rows = append(rows, readRow(st, names)) })
	return rows, names, err
}

func bind(st *sqlite.Stmt, i int, v any) error {
	switch x := v.(type) {
	case nil:
		st.BindNull(i)
	case int64:
		st.BindInt64(i, x)
	case float64:
		st.BindFloat(i, x)
	case string:
		st.BindText(i, x)
	case []byte:
		st.BindBytes(i, x)
	case bool:
		st.BindBool(i, x)
	case int:
		st.BindInt64(i, int64(x))
	default:
		return &d1.Error{Kind: d1.KindType, Message: fmt.Sprintf("D1_TYPE_ERROR: Type '%T' not supported for value '%v'", v, v)}
	}
	return nil
}

func readRow(st *sqlite.Stmt, names []string) d1.Row {
	r := make(d1.Row, len(names))
	for i, n := range names {
		switch st.ColumnType(i) {
		case sqlite.TypeInteger:
			r[n] = st.ColumnInt64(i)
		case sqlite.TypeFloat:
			r[n] = st.ColumnFloat(i)
		case sqlite.TypeText:
			r[n] = st.ColumnText(i)
		case sqlite.TypeBlob:
			b := make([]byte, st.ColumnLen(i))
			st.ColumnBytes(i, b)
			r[n] = b
		default:
			r[n] = nil
		}
	}
	return r
}
