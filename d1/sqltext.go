package d1

import "strings"

// What a statement does, told from its text. The emulator decides where a
// statement runs from SQLite's own account (its authorizer); this is for
// what only has the text: a trace in a history, a statement SQLite
// compiles to a no-op. It is the one place d1check sniffs SQL keywords.

// StatementClass is what a statement does, by its first keyword.
type StatementClass int

const (
	// OtherStatement: no keyword, or one not listed below.
	OtherStatement StatementClass = iota
	// ReadStatement: SELECT, WITH, PRAGMA, EXPLAIN, VALUES.
	ReadStatement
	// WriteStatement: INSERT, UPDATE, DELETE, REPLACE.
	WriteStatement
	// SchemaStatement changes the schema: CREATE, DROP, ALTER, REINDEX,
	// ANALYZE. It is a write too (see Writes).
	SchemaStatement
)

var classOf = map[string]StatementClass{
	"SELECT": ReadStatement, "WITH": ReadStatement, "PRAGMA": ReadStatement, "EXPLAIN": ReadStatement, "VALUES": ReadStatement,
	"INSERT": WriteStatement, "UPDATE": WriteStatement, "DELETE": WriteStatement, "REPLACE": WriteStatement,
	"CREATE": SchemaStatement, "DROP": SchemaStatement, "ALTER": SchemaStatement, "REINDEX": SchemaStatement, "ANALYZE": SchemaStatement,
}

// ClassifySQL tells what the statement sql starts with does.
func ClassifySQL(sql string) StatementClass { return classOf[Keyword(sql)] }

// Reads reports whether the class only reads.
func (c StatementClass) Reads() bool { return c == ReadStatement }

// Writes reports whether the class changes the database (schema
// statements included).
func (c StatementClass) Writes() bool { return c == WriteStatement || c == SchemaStatement }

// Keyword is sql's first keyword, upper-cased: the letters after any white
// space, semicolons, comments and opening parentheses. It is "" when sql
// holds none.
func Keyword(sql string) string {
	sql = strings.TrimLeft(SkipBlank(sql), "(")
	end := 0
	for end < len(sql) && (sql[end] >= 'a' && sql[end] <= 'z' || sql[end] >= 'A' && sql[end] <= 'Z') {
		end++
	}
	return strings.ToUpper(sql[:end])
}

// SkipBlank returns sql after its leading white space, semicolons and
// comments (-- to the end of the line, /* to */); "" when nothing else is
// left or a comment is never closed.
func SkipBlank(sql string) string {
	for i := 0; i < len(sql); i++ {
		switch c := sql[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == ';':
		case c == '-' && i+1 < len(sql) && sql[i+1] == '-':
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(sql) && sql[i+1] == '*':
			end := strings.Index(sql[i+2:], "*/")
			if end < 0 {
				return ""
			}
			i += end + 3
		default:
			return sql[i:]
		}
	}
	return ""
}
