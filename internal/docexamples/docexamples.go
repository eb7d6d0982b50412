// Package docexamples reads the fenced examples of the repository's
// Markdown documents, so that tests can hold a document's examples to the
// code: an example that stops being true fails a test instead of
// misleading a reader.
package docexamples

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
)

// Block is one fenced code block.
type Block struct {
	// Lang is the info string's first word ("jsonl"); Tag is the rest,
	// trimmed ("cut-off", "refused: …").
	Lang, Tag string
	// Text is the block's content, each line ended by "\n".
	Text string
	// Line is the 1-based line of the opening fence.
	Line int
}

// Read returns the blocks of the Markdown file at path whose language is
// lang, in file order. An unclosed fence is an error.
func Read(path, lang string) ([]Block, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []Block
	var cur *Block
	var text strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			info := strings.TrimSpace(strings.TrimPrefix(line, "```"))
			l, tag, _ := strings.Cut(info, " ")
			cur = &Block{Lang: l, Tag: strings.TrimSpace(tag), Line: n}
			text.Reset()
		case cur != nil && strings.TrimSpace(line) == "```":
			cur.Text = text.String()
			if cur.Lang == lang {
				out = append(out, *cur)
			}
			cur = nil
		case cur != nil:
			text.WriteString(line)
			text.WriteByte('\n')
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if cur != nil {
		return nil, fmt.Errorf("%s:%d: code block never closed", path, cur.Line)
	}
	return out, nil
}
