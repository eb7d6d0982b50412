package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"github.com/d1check/d1check/d1"
)

// Migrate applies the .sql files of dir, in name order (wrangler's
// 0001_x.sql, 0002_y.sql …), to db's primary, statement by statement. A
// missing dir is no migrations (wrangler's default migrations_dir need not
// exist). A failing statement names its file and line.
func Migrate(ctx context.Context, db *d1.Database, dir string) (applied []string, err error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, configErr("migrations_dir %s: %v", dir, err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".sql") {
			files = append(files, e.Name())
		}
	}
	sort.Strings(files)
	s := db.WithSession(d1.FirstPrimary)
	for _, name := range files {
		path := filepath.Join(dir, name)
		src, err := os.ReadFile(path)
		if err != nil {
			return applied, configErr("%s: %v", path, err)
		}
		for _, st := range SplitSQL(string(src)) {
			if _, err := s.Prepare(st.SQL).Run(ctx); err != nil {
				return applied, configErr("%s:%d: the migration failed on the primary: %v", path, st.Line, err)
			}
		}
		applied = append(applied, name)
	}
	return applied, nil
}

// Statement is one statement of a SQL file, with the line it starts on.
type Statement struct {
	SQL  string
	Line int
}

// SplitSQL splits a migration file into statements at the semicolons
// that end them: not inside quotes, identifiers or comments, and not
// inside a CREATE TRIGGER's BEGIN … END body. Comment-only pieces are
// dropped.
func SplitSQL(src string) []Statement {
	var out []Statement
	start, line, startLine := 0, 1, 1
	depth := 0 // BEGIN … END nesting inside a trigger
	trigger := false
	flush := func(end int) {
		seg := src[start:end]
		lead := leadingComments(seg)
		text := strings.TrimSpace(seg[lead:])
		if text != "" {
			out = append(out, Statement{SQL: text, Line: startLine + strings.Count(seg[:lead], "\n")})
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\n':
			line++
		case c == '\'' || c == '"' || c == '`' || c == '[':
			closer := c
			if c == '[' {
				closer = ']'
			}
			for i++; i < len(src) && src[i] != closer; i++ {
				if src[i] == '\n' {
					line++
				}
			}
		case c == '-' && strings.HasPrefix(src[i:], "--"):
			for i < len(src) && src[i] != '\n' {
				i++
			}
			line++
		case c == '/' && strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				end = len(src) - i - 2
			}
			line += strings.Count(src[i:i+2+end], "\n")
			i += end + 3
		case isWordStart(src, i):
			w := word(src[i:])
			switch strings.ToUpper(w) {
			case "TRIGGER":
				trigger = true
			case "BEGIN", "CASE":
				if trigger {
					depth++
				}
			case "END":
				if trigger && depth > 0 {
					depth--
				}
			}
			i += len(w) - 1
		case c == ';' && depth == 0:
			flush(i)
			start, trigger = i+1, false
			startLine = line
		}
	}
	if start < len(src) {
		flush(len(src))
	}
	return out
}

func isWordStart(s string, i int) bool {
	r := rune(s[i])
	if !unicode.IsLetter(r) && r != '_' {
		return false
	}
	return i == 0 || !(unicode.IsLetter(rune(s[i-1])) || unicode.IsDigit(rune(s[i-1])) || s[i-1] == '_')
}

func word(s string) string {
	n := 0
	for n < len(s) && (unicode.IsLetter(rune(s[n])) || unicode.IsDigit(rune(s[n])) || s[n] == '_') {
		n++
	}
	return s[:n]
}

// leadingComments is the length of the whitespace and comments s starts
// with: a statement begins after them, and so does its line.
func leadingComments(s string) int {
	i := 0
	for i < len(s) {
		switch {
		case s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r':
			i++
		case strings.HasPrefix(s[i:], "--"):
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case strings.HasPrefix(s[i:], "/*"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return len(s)
			}
			i += end + 4
		default:
			return i
		}
	}
	return i
}

// describe says what Migrate applied, for logs.
func describe(dir string, files []string) string {
	if len(files) == 0 {
		return fmt.Sprintf("no migrations in %s", dir)
	}
	return fmt.Sprintf("applied %d migrations from %s: %s", len(files), dir, strings.Join(files, ", "))
}
