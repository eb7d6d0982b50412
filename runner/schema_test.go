package runner

import (
	"slices"
	"testing"
)

func TestFreshSchemaDropsOnlyOwnTables(t *testing.T) {
	ddl := []string{
		"CREATE TABLE IF NOT EXISTS d1check_users_atomic (id INTEGER PRIMARY KEY, email TEXT UNIQUE)",
		"CREATE INDEX IF NOT EXISTS d1check_users_atomic_email ON d1check_users_atomic (email)",
		"create table \"d1check_codes_plain\" (id INTEGER PRIMARY KEY)",
		"CREATE TABLE users (id INTEGER PRIMARY KEY)", // not ours: never dropped
	}
	want := []string{"DROP TABLE IF EXISTS d1check_users_atomic", "DROP TABLE IF EXISTS d1check_codes_plain"}
	got := freshSchema(ddl)
	if !slices.Equal(got[:len(want)], want) || !slices.Equal(got[len(want):], ddl) {
		t.Fatalf("freshSchema = %q", got)
	}
}
