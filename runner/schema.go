package runner

import (
	"regexp"
	"strings"

	"github.com/d1check/d1check/workloads"
)

// createTable finds the table a CREATE TABLE statement creates.
var createTable = regexp.MustCompile(`(?is)^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?["` + "`" + `\[]?([A-Za-z0-9_]+)`)

// freshSchema is a workload's DDL preceded by DROP TABLE for each table it
// creates, so that a run on a database earlier runs used (a worker or REST
// target keeps its data) starts from empty tables: the checkers assume every
// key starts absent. Only tables named with workloads.TablePrefix are
// dropped; an application's own tables are never touched.
func freshSchema(ddl []string) []string {
	var out []string
	for _, stmt := range ddl {
		if m := createTable.FindStringSubmatch(stmt); m != nil && strings.HasPrefix(m[1], workloads.TablePrefix) {
			out = append(out, "DROP TABLE IF EXISTS "+m[1])
		}
	}
	return append(out, ddl...)
}
