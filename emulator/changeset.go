package emulator

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// SQLite's changeset format, written in Go by the primary's capture
// (capture.go) and read in Go so that a replica can apply a changeset
// through statements it keeps prepared (apply.go) instead of handing it to
// sqlite3changeset_apply, which prepares its statements again on every
// call. The format (sqlite.org/sessionintro.html, "changeset
// format"): a table header, 'T', varint column count, one primary-key flag
// byte per column and the NUL-terminated table name; then that table's
// changes, each an operation byte (INSERT 18, DELETE 9, UPDATE 23), an
// "indirect" byte and one record (INSERT: the new row; DELETE: the old row)
// or two (UPDATE: old then new). A record holds one value per column: a
// type byte, then for an integer or a float 8 big-endian bytes, for text or
// a blob a varint length and the bytes; NULL has no payload and type 0
// marks a column the record does not carry (UPDATE only).

// Operation codes as the changeset stores them (SQLite's action codes).
const (
	csInsert = 18
	csDelete = 9
	csUpdate = 23
)

// Value type codes of a changeset record.
const (
	csUndefined = 0
	csInteger   = 1
	csFloat     = 2
	csText      = 3
	csBlob      = 4
	csNull      = 5
)

// csValue is one column's value in a change. b aliases the changeset's
// bytes: copy it (change.clone) before the changeset is reused.
type csValue struct {
	kind byte
	i    int64
	f    float64
	b    []byte
}

// csTable is a table header: its name and which columns form its key.
type csTable struct {
	name string
	pk   []bool
}

// change is one row change. old and new have one value per column; old is
// empty for an INSERT, new for a DELETE.
type change struct {
	table *csTable
	op    byte
	old   []csValue
	new   []csValue
}

// clone copies c out of the buffers parseChangeset reuses.
func (c *change) clone() *change {
	return &change{table: c.table, op: c.op, old: cloneValues(c.old), new: cloneValues(c.new)}
}

func cloneValues(vs []csValue) []csValue {
	if vs == nil {
		return nil
	}
	out := make([]csValue, len(vs))
	for i, v := range vs {
		out[i] = v
		if v.b != nil {
			out[i].b = append([]byte(nil), v.b...)
		}
	}
	return out
}

var (
	errShortChangeset = errors.New("changeset ends in the middle of a change")
	// SQLite writes a table's header only with its changes: a header
	// without any is a changeset cut short.
	errEmptyTable = errors.New("changeset has a table header without changes")
)

// parseChangeset calls f for each change of cs, in order. The change and
// its values are reused for the next call: f must not keep them.
func parseChangeset(cs []byte, f func(*change) error) error {
	var (
		tab      *csTable
		ch       change
		old, new []csValue
		changed  bool // the current table has had a change
	)
	for p := 0; p < len(cs); {
		switch op := cs[p]; op {
		case 'T':
			if tab != nil && !changed {
				return errEmptyTable
			}
			t, n, err := parseTableHeader(cs[p+1:])
			if err != nil {
				return err
			}
			tab, p, changed = t, p+1+n, false
			old, new = make([]csValue, len(t.pk)), make([]csValue, len(t.pk))
		case csInsert, csDelete, csUpdate:
			if tab == nil {
				return fmt.Errorf("changeset: a change at byte %d before any table header", p)
			}
			if p+2 > len(cs) {
				return errShortChangeset
			}
			p += 2 // operation and indirect flag
			ch = change{table: tab, op: op}
			var err error
			if op != csInsert {
				if p, err = parseRecord(cs, p, old); err != nil {
					return err
				}
				ch.old = old
			}
			if op != csDelete {
				if p, err = parseRecord(cs, p, new); err != nil {
					return err
				}
				ch.new = new
			}
			if err := f(&ch); err != nil {
				return err
			}
			changed = true
		default:
			return fmt.Errorf("changeset: unexpected byte %#x at %d", op, p)
		}
	}
	if tab != nil && !changed {
		return errEmptyTable
	}
	return nil
}

// parseTableHeader reads a header after its 'T' and returns its length.
func parseTableHeader(b []byte) (*csTable, int, error) {
	ncol, n := sqliteVarint(b)
	if n == 0 || ncol == 0 || ncol > math.MaxInt16 || n+int(ncol) > len(b) {
		return nil, 0, errShortChangeset
	}
	t := &csTable{pk: make([]bool, ncol)}
	for i := range t.pk {
		t.pk[i] = b[n+i] != 0
	}
	n += int(ncol)
	for end := n; end < len(b); end++ {
		if b[end] == 0 {
			t.name = string(b[n:end])
			return t, end + 1, nil
		}
	}
	return nil, 0, errShortChangeset
}

// parseRecord reads one value per column of vals from cs at p.
func parseRecord(cs []byte, p int, vals []csValue) (int, error) {
	for i := range vals {
		if p >= len(cs) {
			return 0, errShortChangeset
		}
		v := csValue{kind: cs[p]}
		p++
		switch v.kind {
		case csUndefined, csNull:
		case csInteger, csFloat:
			if p+8 > len(cs) {
				return 0, errShortChangeset
			}
			u := binary.BigEndian.Uint64(cs[p:])
			v.i, v.f = int64(u), math.Float64frombits(u)
			p += 8
		case csText, csBlob:
			size, n := sqliteVarint(cs[p:])
			if n == 0 || uint64(len(cs)-p-n) < size {
				return 0, errShortChangeset
			}
			p += n
			v.b = cs[p : p+int(size) : p+int(size)]
			p += int(size)
		default:
			return 0, fmt.Errorf("changeset: unknown value type %d at byte %d", v.kind, p-1)
		}
		vals[i] = v
	}
	return p, nil
}

// sqliteVarint decodes SQLite's variable-length integer: big-endian groups
// of seven bits, the high bit set on every byte but the last, and a ninth
// byte, when there is one, carrying eight. It returns the value and its
// length, 0 when b is too short.
func sqliteVarint(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < 9; i++ {
		if i >= len(b) {
			return 0, 0
		}
		if i == 8 {
			return v<<8 | uint64(b[i]), 9
		}
		v = v<<7 | uint64(b[i]&0x7f)
		if b[i]&0x80 == 0 {
			return v, i + 1
		}
	}
	return 0, 0
}

// appendValue appends v as a changeset record stores it.
func appendValue(b []byte, v csValue) []byte {
	b = append(b, v.kind)
	switch v.kind {
	case csInteger:
		b = binary.BigEndian.AppendUint64(b, uint64(v.i))
	case csFloat:
		b = binary.BigEndian.AppendUint64(b, math.Float64bits(v.f))
	case csText, csBlob:
		b = appendVarint(b, uint64(len(v.b)))
		b = append(b, v.b...)
	}
	return b
}

// appendVarint appends v in SQLite's variable-length encoding, the
// inverse of sqliteVarint.
func appendVarint(b []byte, v uint64) []byte {
	if v>>56 != 0 {
		var nine [9]byte
		nine[8] = byte(v)
		v >>= 8
		for i := 7; i >= 0; i-- {
			nine[i] = byte(v&0x7f) | 0x80
			v >>= 7
		}
		return append(b, nine[:]...)
	}
	var rev [8]byte
	n := 0
	for {
		rev[n] = byte(v&0x7f) | 0x80
		n++
		v >>= 7
		if v == 0 {
			break
		}
	}
	rev[0] &= 0x7f // the last byte written out ends the number
	for i := n - 1; i >= 0; i-- {
		b = append(b, rev[i])
	}
	return b
}
