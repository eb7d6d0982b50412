package emulator

import (
	"strings"

	"github.com/d1check/d1check/d1"

	"zombiezen.com/go/sqlite"
)

// stmtInfo is what routing and replication need to know about one SQL
// statement, learnt from SQLite's authorizer while the statement is
// prepared (zombiezen exposes no sqlite3_stmt_readonly; the authorizer is
// SQLite's own account of every action a statement performs, triggers
// included).
type stmtInfo struct {
	// write: the statement changes the database, so it runs on the primary
	// and commits a new position.
	write bool
	// replay: the statement changes the schema (or, like ANALYZE or
	// PRAGMA user_version, state the session extension does not record),
	// so replicas re-run its text. Schema statements are deterministic,
	// unlike DML, whose row changes replicas apply instead.
	replay bool
}

// writingPragmas change the database file when given a value; the rest
// (table_info, foreign_key_check, …) only read. user_version and
// application_id live in the file header, which changesets do not carry,
// so they are replayed.
var writingPragmas = map[string]bool{
	"user_version": true, "application_id": true,
}

// authorizer classifies statements as they are prepared and refuses what a
// D1 statement may not do: open, commit or roll back transactions (the
// emulator owns them: a user COMMIT would commit rows the replication log
// never saw) and attach other databases. internal lifts the refusal for the
// emulator's own statements, SQLite's changeset applier included.
type authorizer struct {
	internal bool
	cur      *stmtInfo // the statement being prepared, nil otherwise
}

func (a *authorizer) Authorize(act sqlite.Action) sqlite.AuthResult {
	if a.internal {
		return sqlite.AuthResultOK
	}
	var info stmtInfo
	switch act.Type() {
	case sqlite.OpTransaction, sqlite.OpSavepoint, sqlite.OpAttach, sqlite.OpDetach:
		return sqlite.AuthResultDeny
	case sqlite.OpInsert, sqlite.OpUpdate, sqlite.OpDelete,
		sqlite.OpCreateTempIndex, sqlite.OpCreateTempTable, sqlite.OpCreateTempTrigger, sqlite.OpCreateTempView,
		sqlite.OpDropTempIndex, sqlite.OpDropTempTable, sqlite.OpDropTempTrigger, sqlite.OpDropTempView:
		info.write = true
	case sqlite.OpCreateIndex, sqlite.OpCreateTable, sqlite.OpCreateTrigger, sqlite.OpCreateView,
		sqlite.OpDropIndex, sqlite.OpDropTable, sqlite.OpDropTrigger, sqlite.OpDropView,
		sqlite.OpAlterTable, sqlite.OpReindex, sqlite.OpAnalyze, sqlite.OpCreateVTable, sqlite.OpDropVTable:
		info.write, info.replay = true, true
	case sqlite.OpPragma:
		if act.PragmaArg() != "" && writingPragmas[strings.ToLower(act.Pragma())] {
			info.write, info.replay = true, true
		}
	}
	if a.cur != nil {
		a.cur.write = a.cur.write || info.write
		a.cur.replay = a.cur.replay || info.replay
	}
	return sqlite.AuthResultOK
}

// isSchemaStatement reports whether sql (one statement) starts with a
// schema keyword. The authorizer alone is not enough for these: SQLite
// compiles DROP TABLE IF EXISTS of a missing table, or CREATE TABLE IF NOT
// EXISTS of an existing one, to a no-op and asks the authorizer nothing,
// yet the cached statement does drop or create the table when it runs
// later against another schema (SQLite re-prepares it). Classifying such a
// statement by its text keeps it on the primary and in the log; replaying
// a no-op on a replica is harmless.
func isSchemaStatement(sql string) bool { return d1.ClassifySQL(sql) == d1.SchemaStatement }
