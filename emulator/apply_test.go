package emulator

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"zombiezen.com/go/sqlite"
)

// The applier is held to SQLite's own sqlite3changeset_apply: random
// commits on a primary, each changeset applied by both to two replicas,
// must leave both replicas identical to the primary after every commit;
// and the changeset reader must see what SQLite's iterator sees.

const applySchema = `
CREATE TABLE t1 (id INTEGER PRIMARY KEY, a TEXT, b REAL, c BLOB, d INTEGER);
CREATE TABLE "t 2" (k1 TEXT, k2 INTEGER, v TEXT UNIQUE, PRIMARY KEY (k1, k2)) WITHOUT ROWID;`

func memConn(t testing.TB, replica bool) *sqlite.Conn {
	t.Helper()
	c, err := sqlite.OpenConn(":memory:", sqlite.OpenReadWrite|sqlite.OpenCreate|sqlite.OpenMemory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if replica {
		if err := dbConfig(c, configEnableTrigger, false); err != nil {
			t.Fatal(err)
		}
	}
	if err := execScript(c, applySchema); err != nil {
		t.Fatal(err)
	}
	return c
}

// commit runs stmts in one transaction on the primary, each with its
// arguments, and returns the changeset. A statement that fails (a random
// UNIQUE clash) is skipped, as an application would see it fail.
func commit(t testing.TB, c *sqlite.Conn, stmts []stmtArgs) []byte {
	t.Helper()
	s, err := c.CreateSession("main")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Delete()
	if err := s.Attach(""); err != nil {
		t.Fatal(err)
	}
	execOK(t, c, "BEGIN")
	for _, sa := range stmts {
		st, _, err := c.PrepareTransient(sa.sql)
		if err != nil {
			t.Fatalf("%s: %v", sa.sql, err)
		}
		for i, v := range sa.args {
			if err := bind(st, i+1, v); err != nil {
				t.Fatal(err)
			}
		}
		_, err = st.Step()
		st.Finalize()
		if err != nil && sqlite.ErrCode(err).ToPrimary() != sqlite.ResultConstraint {
			t.Fatalf("%s: %v", sa.sql, err)
		}
	}
	execOK(t, c, "COMMIT")
	var buf bytes.Buffer
	if err := s.WriteChangeset(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type stmtArgs struct {
	sql  string
	args []any
}

func execOK(t testing.TB, c *sqlite.Conn, sql string) {
	t.Helper()
	if err := execScript(c, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// contents renders both tables in key order, with each value's type.
func contents(t testing.TB, c *sqlite.Conn) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{"SELECT * FROM t1 ORDER BY id", `SELECT * FROM "t 2" ORDER BY k1, k2`} {
		st, _, err := c.PrepareTransient(q)
		if err != nil {
			t.Fatal(err)
		}
		_, err = stepAll(st, func(st *sqlite.Stmt) {
			for i := 0; i < st.ColumnCount(); i++ {
				fmt.Fprintf(&b, "%v:%q ", st.ColumnType(i), st.ColumnText(i))
			}
			b.WriteByte('\n')
		})
		st.Finalize()
		if err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// randomValue draws from the values most likely to break an encoder:
// extreme integers, floats, empty and long text and blobs, NULL.
func randomValue(r *rand.Rand) any {
	switch r.IntN(12) {
	case 0:
		return nil
	case 1:
		return []int64{math.MinInt64, math.MaxInt64, 0, -1, 1 << 40, 127, 128, 16383, 16384}[r.IntN(9)]
	case 2:
		return r.Int64() - math.MaxInt64/2
	case 3:
		return []float64{0.5, -1e300, math.SmallestNonzeroFloat64, 1.0, math.Inf(1)}[r.IntN(5)]
	case 4:
		return r.NormFloat64()
	case 5:
		return ""
	case 6:
		return strings.Repeat("é✓x", r.IntN(200))
	case 7:
		return []byte{}
	case 8:
		b := make([]byte, r.IntN(400))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		return b
	default:
		return fmt.Sprint("v", r.IntN(50))
	}
}

func randomCommit(r *rand.Rand) []stmtArgs {
	var out []stmtArgs
	for n := 1 + r.IntN(5); n > 0; n-- {
		id := int64(r.IntN(30))
		k1, k2 := fmt.Sprint("k", r.IntN(4)), int64(r.IntN(5))
		switch r.IntN(7) {
		case 0:
			out = append(out, stmtArgs{"INSERT OR REPLACE INTO t1 VALUES (?, ?, ?, ?, ?)",
				[]any{id, randomValue(r), randomValue(r), randomValue(r), randomValue(r)}})
		case 1:
			col := []string{"a", "b", "c", "d"}[r.IntN(4)]
			out = append(out, stmtArgs{"UPDATE t1 SET " + col + " = ? WHERE id = ?", []any{randomValue(r), id}})
		case 2:
			out = append(out, stmtArgs{"UPDATE t1 SET a = ?, d = ? WHERE id % 3 = ?", []any{randomValue(r), randomValue(r), id % 3}})
		case 3:
			out = append(out, stmtArgs{"DELETE FROM t1 WHERE id = ?", []any{id}})
		case 4:
			out = append(out, stmtArgs{`INSERT INTO "t 2" VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET v = excluded.v`,
				[]any{k1, k2, fmt.Sprint("u", r.IntN(8))}})
		case 5:
			out = append(out, stmtArgs{`UPDATE "t 2" SET v = ? WHERE k1 = ?`, []any{fmt.Sprint("u", r.IntN(8)), k1}})
		default:
			out = append(out, stmtArgs{`DELETE FROM "t 2" WHERE k1 = ? AND k2 = ?`, []any{k1, k2}})
		}
	}
	return out
}

func TestApplierMatchesSQLite(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		r := rand.New(rand.NewPCG(seed, 0))
		primary, viaSQLite, viaApplier := memConn(t, false), memConn(t, true), memConn(t, true)
		var a applier
		for i := 0; i < 300; i++ {
			cs := commit(t, primary, randomCommit(r))
			compareWithIterator(t, cs)
			execOK(t, viaSQLite, "BEGIN")
			if err := applyWithSQLite(viaSQLite, cs); err != nil {
				t.Fatalf("seed %d commit %d: SQLite's applier: %v", seed, i, err)
			}
			execOK(t, viaSQLite, "COMMIT")
			execOK(t, viaApplier, "BEGIN")
			if err := a.applyChangeset(viaApplier, cs, false); err != nil {
				t.Fatalf("seed %d commit %d: %v", seed, i, err)
			}
			execOK(t, viaApplier, "COMMIT")
			want := contents(t, primary)
			if got := contents(t, viaSQLite); got != want {
				t.Fatalf("seed %d commit %d: SQLite's own apply differs from the primary (the test is wrong)", seed, i)
			}
			if got := contents(t, viaApplier); got != want {
				t.Fatalf("seed %d commit %d: replica differs from the primary:\n got %s\nwant %s", seed, i, got, want)
			}
		}
	}
}

func applyWithSQLite(c *sqlite.Conn, cs []byte) error {
	return c.ApplyChangeset(bytes.NewReader(cs), nil, func(sqlite.ConflictType, *sqlite.ChangesetIterator) sqlite.ConflictAction {
		return sqlite.ChangesetAbort
	})
}

// compareWithIterator reads cs with parseChangeset and with SQLite's own
// iterator and fails on the first difference. (SQLite's iterator shows a
// value the record does not carry as NULL.)
func compareWithIterator(t *testing.T, cs []byte) {
	t.Helper()
	it, err := sqlite.NewChangesetIterator(bytes.NewReader(cs))
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	n := 0
	err = parseChangeset(cs, func(ch *change) error {
		n++
		if ok, err := it.Next(); err != nil || !ok {
			return fmt.Errorf("change %d: SQLite's iterator ended (%v)", n, err)
		}
		op, err := it.Operation()
		if err != nil {
			return err
		}
		wantOp := map[sqlite.OpType]byte{sqlite.OpInsert: csInsert, sqlite.OpDelete: csDelete, sqlite.OpUpdate: csUpdate}[op.Type]
		if op.TableName != ch.table.name || op.NumColumns != len(ch.table.pk) || wantOp != ch.op {
			return fmt.Errorf("change %d: got %s/%d/%d, SQLite's iterator %s/%d/%v", n, ch.table.name, len(ch.table.pk), ch.op, op.TableName, op.NumColumns, op.Type)
		}
		pk, err := it.PrimaryKey()
		if err != nil || fmt.Sprint(pk) != fmt.Sprint(ch.table.pk) {
			return fmt.Errorf("change %d: key columns %v, SQLite's iterator %v (%v)", n, ch.table.pk, pk, err)
		}
		for _, side := range []struct {
			vals []csValue
			get  func(int) (sqlite.Value, error)
		}{{ch.old, it.Old}, {ch.new, it.New}} {
			for i, v := range side.vals {
				w, err := side.get(i)
				if err != nil {
					return err
				}
				if got, want := renderCS(v), renderValue(w); got != want {
					return fmt.Errorf("change %d column %d: %s, SQLite's iterator %s", n, i, got, want)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := it.Next(); ok {
		t.Fatalf("SQLite's iterator has more than the %d changes read", n)
	}
}

func renderCS(v csValue) string {
	switch v.kind {
	case csInteger:
		return fmt.Sprint("int ", v.i)
	case csFloat:
		return fmt.Sprint("float ", v.f)
	case csText:
		return fmt.Sprintf("text %q", v.b)
	case csBlob:
		return fmt.Sprintf("blob %x", v.b)
	}
	return "null"
}

func renderValue(v sqlite.Value) string {
	switch v.Type() {
	case sqlite.TypeInteger:
		return fmt.Sprint("int ", v.Int64())
	case sqlite.TypeFloat:
		return fmt.Sprint("float ", v.Float())
	case sqlite.TypeText:
		return fmt.Sprintf("text %q", v.Text())
	case sqlite.TypeBlob:
		return fmt.Sprintf("blob %x", v.Blob())
	}
	return "null"
}

// A replica that no longer holds what the primary held must refuse the
// change, whichever way it differs; a planted bug's tolerant replica skips
// it and applies the rest.
func TestApplierConflicts(t *testing.T) {
	primary := memConn(t, false)
	execOK(t, primary, "INSERT INTO t1 VALUES (1, 'a', 1.5, NULL, 7), (2, 'b', 2.5, NULL, 8)")
	update := commit(t, primary, []stmtArgs{{"UPDATE t1 SET a = 'a2' WHERE id = 1", nil}, {"UPDATE t1 SET d = 9 WHERE id = 2", nil}})
	del := commit(t, primary, []stmtArgs{{"DELETE FROM t1 WHERE id = 1", nil}})
	insert := commit(t, primary, []stmtArgs{{"INSERT INTO t1 VALUES (3, 'c', NULL, NULL, NULL)", nil}})
	for _, c := range []struct {
		name    string
		replica string // the replica's rows before the change
		cs      []byte
	}{
		{"update a missing row", "INSERT INTO t1 VALUES (2, 'b', 2.5, NULL, 8)", update},
		{"update a row whose old value differs", "INSERT INTO t1 VALUES (1, 'x', 1.5, NULL, 7), (2, 'b', 2.5, NULL, 8)", update},
		{"delete a missing row", "", del},
		{"delete a row whose values differ", "INSERT INTO t1 VALUES (1, 'a', 1.5, NULL, 6)", del},
		{"insert a key already there", "INSERT INTO t1 VALUES (3, 'z', NULL, NULL, NULL)", insert},
	} {
		t.Run(c.name, func(t *testing.T) {
			replica := memConn(t, true)
			if c.replica != "" {
				execOK(t, replica, c.replica)
			}
			before := contents(t, replica)
			var a applier
			execOK(t, replica, "BEGIN")
			err := a.applyChangeset(replica, c.cs, false)
			var ce *conflictError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), "diverged") {
				t.Fatalf("got %v, want a conflict", err)
			}
			execOK(t, replica, "ROLLBACK")
			execOK(t, replica, "BEGIN")
			if err := a.applyChangeset(replica, c.cs, true); err != nil {
				t.Fatalf("tolerant: %v", err)
			}
			execOK(t, replica, "COMMIT")
			if c.name == "update a missing row" {
				// The change to row 2 still applies.
				if got := contents(t, replica); got == before || !strings.Contains(got, `"9"`) {
					t.Errorf("tolerant apply skipped more than the conflicting change:\n%s", got)
				}
			}
		})
	}
}

// Rows of one changeset come in no particular order, so a change can break
// a UNIQUE constraint that a later change of the same commit frees: it is
// applied once the others have been.
func TestApplierRetriesConstraints(t *testing.T) {
	// Which order a changeset lists rows in depends on their keys' hashes;
	// deleting 'k0' and inserting 'k2' with the same UNIQUE value comes
	// out insert first (found by trying keys).
	for _, order := range [][]stmtArgs{
		{{`DELETE FROM "t 2" WHERE k1 = 'k0'`, nil}, {`INSERT INTO "t 2" VALUES ('k2', 1, 'x')`, nil}},
		{{`UPDATE "t 2" SET v = 'tmp' WHERE k1 = 'k0'`, nil}, {`INSERT INTO "t 2" VALUES ('k2', 1, 'x')`, nil}},
		{{`UPDATE "t 2" SET v = 'y' WHERE k1 = 'k0'`, nil}, {`UPDATE "t 2" SET v = 'x' WHERE k1 = 'c'`, nil}},
	} {
		primary, replica := memConn(t, false), memConn(t, true)
		for _, c := range []*sqlite.Conn{primary, replica} {
			execOK(t, c, `INSERT INTO "t 2" VALUES ('k0', 1, 'x'), ('c', 1, 'z')`)
		}
		cs := commit(t, primary, order)
		var a applier
		execOK(t, replica, "BEGIN")
		if err := a.applyChangeset(replica, cs, false); err != nil {
			t.Fatalf("%v: %v", order, err)
		}
		execOK(t, replica, "COMMIT")
		if got, want := contents(t, replica), contents(t, primary); got != want {
			t.Errorf("%v:\n got %s\nwant %s", order, got, want)
		}
	}
}

// The reader refuses a changeset cut short or corrupted rather than
// applying part of it silently.
func TestParseChangesetRefusesDamage(t *testing.T) {
	primary := memConn(t, false)
	cs := commit(t, primary, []stmtArgs{{"INSERT INTO t1 VALUES (1, 'abc', 1.5, x'0102', 7)", nil}})
	for cut := 1; cut < len(cs); cut++ {
		if err := parseChangeset(cs[:cut], func(*change) error { return nil }); err == nil {
			t.Errorf("a changeset cut at %d of %d bytes was read without error", cut, len(cs))
		}
	}
	bad := bytes.Clone(cs)
	bad[0] = 'X'
	if err := parseChangeset(bad, func(*change) error { return nil }); err == nil {
		t.Error("a changeset starting with 'X' was read without error")
	}
}
