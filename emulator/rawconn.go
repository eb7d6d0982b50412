package emulator

import (
	"fmt"
	"reflect"

	"modernc.org/libc"
	lib "modernc.org/sqlite/lib"
	"zombiezen.com/go/sqlite"
)

// dbConfig calls sqlite3_db_config(db, op, on, NULL) on c.
//
// zombiezen.com/go/sqlite exposes only SQLITE_DBCONFIG_DEFENSIVE, but the
// emulator needs two more switches to behave like D1:
//
//   - SQLITE_DBCONFIG_DQS_DML/DDL: zombiezen turns double-quoted string
//     literals off when it opens a connection, while D1 accepts
//     datetime("now") (docs/d1-semantics.md#sql, probed);
//   - SQLITE_DBCONFIG_ENABLE_TRIGGER: sqlite3changeset_apply fires triggers,
//     so a replica applying the primary's row changes (which already contain
//     every row the triggers wrote) would run them a second time and diverge.
//
// The handle comes from rawHandle.
func dbConfig(c *sqlite.Conn, op int32, on bool) error {
	tls, db, err := rawHandle(c)
	if err != nil {
		return err
	}
	val := int32(0)
	if on {
		val = 1
	}
	va := libc.NewVaList(val, uintptr(0))
	if va == 0 {
		return fmt.Errorf("emulator: sqlite3_db_config: cannot allocate memory")
	}
	defer libc.Xfree(tls, va)
	if rc := sqlite.ResultCode(lib.Xsqlite3_db_config(tls, db, op, va)); !rc.IsSuccess() {
		return fmt.Errorf("emulator: sqlite3_db_config(%d): %v", op, rc)
	}
	return nil
}

// rawHandle returns c's thread state and sqlite3 handle, for the calls
// zombiezen.com/go/sqlite does not wrap (dbConfig, the capture's
// preupdate hook). Both are unexported fields of sqlite.Conn, so they are
// read by name with reflect; if a zombiezen upgrade renames them this fails
// loudly when a connection opens, never silently (TestRawConn covers it).
func rawHandle(c *sqlite.Conn) (*libc.TLS, uintptr, error) {
	v := reflect.ValueOf(c).Elem()
	tf, cf := v.FieldByName("tls"), v.FieldByName("conn")
	if !tf.IsValid() || tf.Kind() != reflect.Pointer || !cf.IsValid() || cf.Kind() != reflect.Uintptr {
		return nil, 0, fmt.Errorf("emulator: sqlite.Conn has no tls/conn fields: zombiezen.com/go/sqlite changed its layout")
	}
	return (*libc.TLS)(tf.UnsafePointer()), uintptr(cf.Uint()), nil
}

// Switches for dbConfig.
const (
	configDQSDML        = lib.SQLITE_DBCONFIG_DQS_DML
	configDQSDDL        = lib.SQLITE_DBCONFIG_DQS_DDL
	configEnableTrigger = lib.SQLITE_DBCONFIG_ENABLE_TRIGGER
)
