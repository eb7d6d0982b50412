package d1

import "testing"

func TestClassifySQL(t *testing.T) {
	for sql, want := range map[string]StatementClass{
		"SELECT id FROM users WHERE email = ?": ReadStatement,
		"  select 1":                           ReadStatement,
		"(SELECT 1) UNION SELECT 2":            ReadStatement,
		"WITH x AS (SELECT 1) SELECT * FROM x": ReadStatement,
		"PRAGMA table_info(t)":                 ReadStatement,
		"-- note\nINSERT INTO t VALUES (1)":    WriteStatement,
		"/* c */update t set x = 1":            WriteStatement,
		"DELETE FROM t":                        WriteStatement,
		"REPLACE INTO t VALUES (1)":            WriteStatement,
		"DROP TABLE IF EXISTS t":               SchemaStatement,
		"  -- migrate\n create table t (x)":    SchemaStatement,
		"/* c */ALTER TABLE t ADD COLUMN y":    SchemaStatement,
		"; ANALYZE":                            SchemaStatement,
		"INSERT INTO t (create) VALUES (1)":    WriteStatement,
		"select * from dropped":                ReadStatement,
		"BEGIN":                                OtherStatement,
		"":                                     OtherStatement,
		"/* never closed SELECT":               OtherStatement,
		"SELECTED":                             OtherStatement,
	} {
		if got := ClassifySQL(sql); got != want {
			t.Errorf("ClassifySQL(%q) = %d, want %d", sql, got, want)
		}
	}
	if !SchemaStatement.Writes() || !WriteStatement.Writes() || ReadStatement.Writes() || OtherStatement.Writes() {
		t.Error("Writes: want schema and write statements only")
	}
	if !ReadStatement.Reads() || WriteStatement.Reads() || SchemaStatement.Reads() {
		t.Error("Reads: want read statements only")
	}
}

func TestKeyword(t *testing.T) {
	for sql, want := range map[string]string{
		"select*from t": "SELECT", "\n\tInsert into t": "INSERT", "-- only a comment": "", "42": "",
	} {
		if got := Keyword(sql); got != want {
			t.Errorf("Keyword(%q) = %q, want %q", sql, got, want)
		}
	}
}
