package history

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// History is a whole history file in memory. Use Scan for files too large
// for that.
type History struct {
	Header Header
	Events []Event
	// Truncated is true when the file's last line was cut off mid-line (a
	// killed run) and was dropped.
	Truncated bool
	// Synthesized counts the info completions the reader added for invokes
	// that had none when the file ended.
	Synthesized int
}

// ParseError is a history file that cannot be trusted, with the line that
// shows it. Field names the offending JSON field when there is one.
type ParseError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *ParseError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Field, e.Msg)
}

// NoCompletionError is the Error of an info completion the reader
// synthesizes for an invoke the file never completed.
const NoCompletionError = "no completion recorded: history ended"

// ReadFile reads the history at path.
func ReadFile(path string) (*History, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path)
}

// Read reads a whole history. name is the file's name in error messages.
func Read(r io.Reader, name string) (*History, error) {
	h := &History{}
	st, err := scan(r, name, func(e Event) error {
		h.Events = append(h.Events, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	h.Header, h.Truncated, h.Synthesized = st.header, st.truncated, st.synthesized
	return h, nil
}

// Scan reads a history one event at a time, calling fn for each in file
// order and then for each synthesized info completion, so memory stays
// proportional to the number of processes, not events. An error from fn
// stops the scan and is returned as is.
func Scan(r io.Reader, name string, fn func(Event) error) (Header, error) {
	st, err := scan(r, name, fn)
	if err != nil {
		return Header{}, err
	}
	return st.header, nil
}

// Stream reads a history like Read but hands each event to fn instead of
// keeping it: the History it returns has everything but Events.
func Stream(r io.Reader, name string, fn func(Event) error) (*History, error) {
	st, err := scan(r, name, fn)
	if err != nil {
		return nil, err
	}
	return &History{Header: st.header, Truncated: st.truncated, Synthesized: st.synthesized}, nil
}

// scanResult is what a scan learns besides the events.
type scanResult struct {
	header      Header
	truncated   bool
	synthesized int
}

func scan(r io.Reader, name string, fn func(Event) error) (scanResult, error) {
	var res scanResult
	lr := newLineReader(r)
	line, complete, err := lr.next()
	if err == io.EOF {
		return res, &ParseError{File: name, Line: 1, Msg: "empty file: want a d1check history header"}
	}
	if err != nil {
		return res, fmt.Errorf("%s: %w", name, err)
	}
	if !complete && !json.Valid(line) {
		return res, &ParseError{File: name, Line: 1, Msg: "header line cut off"}
	}
	if res.header, err = parseHeader(line); err != nil {
		return res, atLine(err, name, 1)
	}
	err = scanEvents(lr, name, 0, &res, fn)
	return res, err
}

// ScanFrom reads the events that continue a history from the event with
// index first on: the bytes after a point where an earlier read stopped,
// without the header (say, the events a run appended to a file other runs
// write too). Each event must have the next index, from first, and is
// numbered as its line in the whole file (event i is line i+2). Checks
// and synthesized completions are as Scan's, over these events alone.
func ScanFrom(r io.Reader, name string, first int, fn func(Event) error) error {
	if first < 0 {
		return fmt.Errorf("%s: ScanFrom: first index %d is negative", name, first)
	}
	var res scanResult
	return scanEvents(newLineReader(r), name, first, &res, fn)
}

// scanEvents reads event lines from lr, the first of which has index
// first, validating each and calling fn.
func scanEvents(lr *lineReader, name string, first int, res *scanResult, fn func(Event) error) error {
	v := newValidator()
	v.n = first
	var stopErr error
	err := decodeLines(lr, first+2, func(n int, p *parsed) bool {
		switch {
		case p.cut:
			res.truncated = true
			return false
		case p.err != nil:
			stopErr = atLine(p.err, name, n)
			return false
		}
		e := p.event
		e.Line = n
		if err := v.add(&e); err != nil {
			stopErr = atLine(err, name, n)
			return false
		}
		if err := fn(e); err != nil {
			stopErr = err
			return false
		}
		return true
	})
	if le, ok := err.(*lineError); ok {
		return fmt.Errorf("%s:%d: %w", name, le.line, le.err)
	}
	if stopErr != nil {
		return stopErr
	}
	for _, e := range v.finish() {
		res.synthesized++
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// fieldError is a ParseError before the file and line are known.
type fieldError struct{ field, msg string }

func (e *fieldError) Error() string { return e.field + ": " + e.msg }

func atLine(err error, name string, line int) error {
	var fe *fieldError
	if errors.As(err, &fe) {
		return &ParseError{File: name, Line: line, Field: fe.field, Msg: fe.msg}
	}
	return &ParseError{File: name, Line: line, Msg: err.Error()}
}

func parseHeader(line []byte) (Header, error) {
	var h Header
	if err := decodeStrict(line, &h); err != nil {
		return h, err
	}
	switch {
	case h.D1check != "history":
		return h, &fieldError{"d1check", fmt.Sprintf("is %q, want \"history\": not a d1check history file", h.D1check)}
	case h.Version > Version:
		return h, &fieldError{"version", fmt.Sprintf("%d is newer than this d1check reads (%d): upgrade d1check", h.Version, Version)}
	case h.Version < 1:
		return h, &fieldError{"version", fmt.Sprintf("%d is not a history format version (want %d)", h.Version, Version)}
	}
	return h, nil
}

func parseEvent(line []byte) (Event, error) {
	var e Event
	t := bytes.TrimSpace(line)
	if len(t) == 0 {
		return e, errors.New("empty line: want an event")
	}
	if t[0] != '{' && json.Valid(t) {
		return e, fmt.Errorf("line is %s, want an event object", jsonKind(t))
	}
	err := decodeStrict(line, &e)
	return e, err
}

// jsonKind names the kind of a valid JSON value that is not an object.
func jsonKind(v []byte) string {
	switch v[0] {
	case 'n':
		return "null"
	case '[':
		return "a JSON array"
	case '"':
		return "a JSON string"
	case 't', 'f':
		return "a JSON boolean"
	}
	return "a JSON number"
}

// decodeStrict decodes one JSON object into v. Unknown fields are allowed,
// so that a newer writer's additions do not break an older reader; a field
// of the wrong type is an error naming the field, never a silent zero.
func decodeStrict(line []byte, v any) error {
	if err := json.Unmarshal(line, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &fieldError{te.Field, fmt.Sprintf("got JSON %s, want %s", te.Value, te.Type)}
		}
		var pe *time.ParseError
		if errors.As(err, &pe) {
			return &fieldError{"started_at", "not an RFC 3339 time: " + pe.Error()}
		}
		return fmt.Errorf("not a JSON object: %v", err)
	}
	return nil
}

// lineReader returns lines of any length without their newline, reusing
// one buffer for the common case so a long scan does not allocate per line.
type lineReader struct {
	br  *bufio.Reader
	buf []byte
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 64<<10)}
}

// next returns the next line and whether it ended with a newline. The
// slice is valid until the next call. io.EOF means there are no more bytes.
func (l *lineReader) next() (line []byte, complete bool, err error) {
	l.buf = l.buf[:0]
	for {
		chunk, err := l.br.ReadSlice('\n')
		l.buf = append(l.buf, chunk...)
		switch {
		case err == nil:
			return l.buf[:len(l.buf)-1], true, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF:
			if len(l.buf) == 0 {
				return nil, false, io.EOF
			}
			return l.buf, false, nil
		default:
			return nil, false, err
		}
	}
}
