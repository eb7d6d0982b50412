package history

import (
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/d1check/d1check/internal/docexamples"
)

// formatExamples are FORMAT.md's jsonl blocks.
func formatExamples(t *testing.T) []docexamples.Block {
	t.Helper()
	blocks, err := docexamples.Read("FORMAT.md", "jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) < 5 {
		t.Fatalf("FORMAT.md has %d jsonl examples, want its examples", len(blocks))
	}
	return blocks
}

// TestFormatExamples reads every example of FORMAT.md with the real
// reader: a plain block is a whole file read as is, one per line; a
// "cut-off" block loses its final newline and must read as truncated; a
// "refused: ERROR" block must be refused with exactly that error.
func TestFormatExamples(t *testing.T) {
	types := map[Type]bool{}
	for _, b := range formatExamples(t) {
		lines := strings.Count(b.Text, "\n")
		switch {
		case b.Tag == "":
			h, err := Read(strings.NewReader(b.Text), "h.jsonl")
			if err != nil {
				t.Errorf("FORMAT.md:%d: %v", b.Line, err)
				continue
			}
			if h.Truncated || len(h.Events)-h.Synthesized != lines-1 {
				t.Errorf("FORMAT.md:%d: %d lines read as %d events (%d synthesized), truncated %v",
					b.Line, lines, len(h.Events), h.Synthesized, h.Truncated)
			}
			for _, e := range h.Events {
				types[e.Type] = true
			}
		case b.Tag == "cut-off":
			h, err := Read(strings.NewReader(strings.TrimSuffix(b.Text, "\n")), "h.jsonl")
			if err != nil || !h.Truncated || len(h.Events)-h.Synthesized != lines-2 || h.Synthesized == 0 {
				t.Errorf("FORMAT.md:%d: cut off, want truncated with %d events read and the open invokes completed: %+v, %v", b.Line, lines-2, h, err)
			}
		case strings.HasPrefix(b.Tag, "refused: "):
			want := strings.TrimPrefix(b.Tag, "refused: ")
			if _, err := Read(strings.NewReader(b.Text), "h.jsonl"); err == nil || err.Error() != want {
				t.Errorf("FORMAT.md:%d: error %v, want %q", b.Line, err, want)
			}
		default:
			t.Errorf("FORMAT.md:%d: unknown block tag %q", b.Line, b.Tag)
		}
	}
	for _, ty := range []Type{Invoke, OK, Fail, Info, Nemesis} {
		if !types[ty] {
			t.Errorf("no example of FORMAT.md has a %s event", ty)
		}
	}
}

// TestFormatDocumentsEveryField: every JSON field of the header, an event,
// a trace statement and an app request is in FORMAT.md's tables and in one of its
// accepted examples, and the version it describes is Version.
func TestFormatDocumentsEveryField(t *testing.T) {
	doc, err := os.ReadFile("FORMAT.md")
	if err != nil {
		t.Fatal(err)
	}
	var examples strings.Builder
	for _, b := range formatExamples(t) {
		if b.Tag == "" {
			examples.WriteString(b.Text)
		}
	}
	for _, v := range []any{Header{}, Event{}, Statement{}, HTTP{}} {
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			if !strings.Contains(string(doc), "| `"+name+"`") && !strings.Contains(string(doc), ", `"+name+"` |") {
				t.Errorf("FORMAT.md has no table row for %s's field %q", rt.Name(), name)
			}
			if !strings.Contains(examples.String(), `"`+name+`":`) {
				t.Errorf("no accepted example of FORMAT.md has %s's field %q", rt.Name(), name)
			}
		}
	}
	if want := "# The history format (version " + strconv.Itoa(Version) + ")"; !strings.HasPrefix(string(doc), want) {
		t.Errorf("FORMAT.md does not start with %q", want)
	}
}
