package emulator

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"zombiezen.com/go/sqlite"
)

// The capture is held to SQLite's session extension: the same random
// transactions run on two databases, one recorded by a session, one by
// the capture, must give the same changes (the same rows, operations and
// values; only their order within a table may differ, as a session's
// follows its hash table). The schema has what bends the rules: a key
// made of two columns, a key that changes, generated columns, a trigger
// (indirect changes), foreign-key cascades, AUTOINCREMENT, FTS5's shadow
// tables, and statements that fail half-way and are rolled back.

const captureSchema = applySchema + `
CREATE TABLE t3 (name TEXT PRIMARY KEY, n INTEGER, g INTEGER GENERATED ALWAYS AS (n * 2) VIRTUAL, s INTEGER GENERATED ALWAYS AS (n + 1) STORED, z);
CREATE TABLE parent (id INTEGER PRIMARY KEY, v TEXT);
CREATE TABLE child (id INTEGER PRIMARY KEY, pid INTEGER REFERENCES parent (id) ON DELETE CASCADE ON UPDATE CASCADE, w TEXT);
CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, what TEXT);
CREATE TRIGGER t1_audit AFTER UPDATE OF a ON t1 BEGIN INSERT INTO audit (what) VALUES ('t1 ' || new.id); END;
CREATE VIRTUAL TABLE docs USING fts5 (body);`

// randomCaptureCommit extends randomCommit with the statements the
// capture's rules are about.
func randomCaptureCommit(r *rand.Rand) []stmtArgs {
	out := randomCommit(r)
	for n := r.IntN(4); n > 0; n-- {
		id, id2 := int64(r.IntN(30)), int64(r.IntN(30))
		switch r.IntN(12) {
		case 0: // a key changes (fails, rolled back, when id2 is taken)
			out = append(out, stmtArgs{"UPDATE t1 SET id = ? WHERE id = ?", []any{id2, id}})
		case 1: // the second row may clash: the first is rolled back with it
			out = append(out, stmtArgs{"INSERT INTO t1 (id, a) VALUES (?, 'x'), (?, 'y')", []any{id, id2}})
		case 2: // deleted and inserted again in one transaction
			out = append(out, stmtArgs{"DELETE FROM t1 WHERE id = ?", []any{id}},
				stmtArgs{"INSERT INTO t1 (id, a, d) VALUES (?, ?, ?)", []any{id, randomValue(r), randomValue(r)}})
		case 3: // inserted, then deleted: no change at all
			out = append(out, stmtArgs{"INSERT OR IGNORE INTO t1 (id, a) VALUES (?, 'tmp')", []any{100 + id}},
				stmtArgs{"DELETE FROM t1 WHERE id = ?", []any{100 + id}})
		case 4: // updated to the value it had: no change
			out = append(out, stmtArgs{"UPDATE t1 SET d = d WHERE id = ?", []any{id}})
		case 5:
			out = append(out, stmtArgs{"INSERT INTO t3 (name, n, z) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET n = excluded.n, z = excluded.z",
				[]any{fmt.Sprint("n", id%6), randomValue(r), randomValue(r)}})
		case 6:
			out = append(out, stmtArgs{"INSERT OR REPLACE INTO parent VALUES (?, ?)", []any{id % 5, randomValue(r)}},
				stmtArgs{"INSERT OR IGNORE INTO child VALUES (?, ?, ?)", []any{id, id2 % 5, randomValue(r)}})
		case 7: // cascades to child rows
			out = append(out, stmtArgs{"DELETE FROM parent WHERE id = ?", []any{id % 5}})
		case 8: // a key change that cascades
			out = append(out, stmtArgs{"UPDATE parent SET id = ? WHERE id = ?", []any{id2 % 7, id % 5}})
		case 9:
			out = append(out, stmtArgs{"INSERT INTO docs (rowid, body) VALUES (?, ?)", []any{1000 + r.IntN(1000), fmt.Sprint("w", id, " w", id2)}})
		case 10:
			out = append(out, stmtArgs{"DELETE FROM docs WHERE rowid IN (SELECT rowid FROM docs ORDER BY rowid LIMIT 1)", nil})
		default: // a NULL key, which sessions ignore
			out = append(out, stmtArgs{`INSERT OR IGNORE INTO t3 (name, n) VALUES (NULL, ?)`, []any{id}})
		}
	}
	return out
}

func TestCaptureMatchesSession(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		viaSession := memConn(t, false)
		execOK(t, viaSession, "PRAGMA foreign_keys = ON")
		execOK(t, viaSession, strings.TrimPrefix(captureSchema, applySchema))
		in := captureInstance(t, captureSchema)
		for i := 0; i < 250; i++ {
			stmts := randomCaptureCommit(r)
			want := renderChanges(t, commit(t, viaSession, stmts))
			got := renderChanges(t, captureCommit(t, in, stmts))
			if !slices.Equal(got, want) {
				t.Fatalf("seed %d commit %d: %v\ncapture:\n  %s\nsession:\n  %s", seed, i, stmts,
					strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
			if i%25 == 0 {
				if a, b := dumpAll(t, viaSession), dumpAll(t, in.conn); a != b {
					t.Fatalf("seed %d commit %d: the two databases differ (the test is wrong)", seed, i)
				}
			}
		}
	}
}

// captureInstance opens a primary instance (which installs its capture)
// holding schema.
func captureInstance(t testing.TB, schema string) *instance {
	t.Helper()
	in := &instance{name: "primary", path: ":memory:", primary: true}
	if err := in.open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.close() })
	if err := in.internal(func(c *sqlite.Conn) error { return execScript(c, schema) }); err != nil {
		t.Fatal(err)
	}
	return in
}

// captureCommit runs stmts in one transaction on in, as commit does on a
// connection with a session, and returns the capture's changeset.
func captureCommit(t testing.TB, in *instance, stmts []stmtArgs) []byte {
	t.Helper()
	var cs []byte
	err := in.internal(func(c *sqlite.Conn) error {
		execOK(t, c, "BEGIN")
		in.capture.start()
		for _, sa := range stmts {
			st, _, err := c.PrepareTransient(sa.sql)
			if err != nil {
				return fmt.Errorf("%s: %v", sa.sql, err)
			}
			for i, v := range sa.args {
				if err := bind(st, i+1, v); err != nil {
					return err
				}
			}
			_, err = st.Step()
			st.Finalize()
			if err != nil && sqlite.ErrCode(err).ToPrimary() != sqlite.ResultConstraint {
				return fmt.Errorf("%s: %v", sa.sql, err)
			}
		}
		var err error
		cs, err = in.capture.changeset(nil)
		execOK(t, c, "COMMIT")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// renderChanges lists cs's changes, one line each, sorted.
func renderChanges(t testing.TB, cs []byte) []string {
	t.Helper()
	var out []string
	err := parseChangeset(cs, func(ch *change) error {
		var b strings.Builder
		fmt.Fprintf(&b, "%s %v op=%d old=[", ch.table.name, ch.table.pk, ch.op)
		for _, v := range ch.old {
			b.WriteString(renderOrUndefined(v) + "; ")
		}
		b.WriteString("] new=[")
		for _, v := range ch.new {
			b.WriteString(renderOrUndefined(v) + "; ")
		}
		b.WriteString("]")
		out = append(out, b.String())
		return nil
	})
	if err != nil {
		t.Fatalf("%v in %x", err, cs)
	}
	slices.Sort(out)
	return out
}

func renderOrUndefined(v csValue) string {
	if v.kind == csUndefined {
		return "-"
	}
	return renderCS(v)
}

// dumpAll renders every table's rows, in key order.
func dumpAll(t testing.TB, c *sqlite.Conn) string {
	t.Helper()
	var names []string
	st, _, err := c.PrepareTransient("SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	stepAll(st, func(st *sqlite.Stmt) { names = append(names, st.ColumnText(0)) })
	st.Finalize()
	var b bytes.Buffer
	for _, name := range names {
		st, _, err := c.PrepareTransient("SELECT * FROM " + quoteIdent(name) + " ORDER BY 1, 2")
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&b, name)
		stepAll(st, func(st *sqlite.Stmt) {
			for i := 0; i < st.ColumnCount(); i++ {
				fmt.Fprintf(&b, "%v:%q ", st.ColumnType(i), st.ColumnText(i))
			}
			b.WriteByte('\n')
		})
		st.Finalize()
	}
	return b.String()
}

// appendVarint is sqliteVarint's inverse, with SQLite's lengths: one byte
// up to 127, nine from 2^56 on.
func TestVarintRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	values := []uint64{0, 1, 127, 128, 16383, 16384, 1<<56 - 1, 1 << 56, 1<<64 - 1}
	for range 2000 {
		values = append(values, r.Uint64()>>r.IntN(64))
	}
	for _, v := range values {
		b := appendVarint(nil, v)
		got, n := sqliteVarint(b)
		if got != v || n != len(b) {
			t.Fatalf("%d: encoded %x, read back %d (%d bytes)", v, b, got, n)
		}
		if v <= 127 && len(b) != 1 || v >= 1<<56 && len(b) != 9 || v < 1<<56 && len(b) > 8 {
			t.Fatalf("%d: %d bytes", v, len(b))
		}
	}
}
