package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/d1check/d1check/d1"
)

// The binding protocol: what workerd's D1 binding (the wrapped binding
// cloudflare-internal:d1-api over a "fetcher" service) sends when that
// service is this server. docs/binding-protocol.md describes it.
const (
	// PathBindingQuery serves first(), all(), raw() and batch();
	// PathBindingExecute serves run() and exec().
	PathBindingQuery   = "/query"
	PathBindingExecute = "/execute"
	// HeaderCommitToken carries the session's constraint or bookmark in a
	// request (absent: plain env.DB, the primary) and the bookmark to keep
	// in the answer.
	HeaderCommitToken = "x-cf-d1-session-commit-token"
	// ParamResultsFormat is the query parameter every binding request has
	// and no driver-protocol request has: it tells the two apart on one
	// listener.
	ParamResultsFormat = "resultsFormat"

	FormatRowsAndColumns = "ROWS_AND_COLUMNS"
	FormatArrayOfObjects = "ARRAY_OF_OBJECTS"
	FormatNone           = "NONE"
)

// isBinding reports whether r is a request of the binding protocol.
func isBinding(r *http.Request) bool {
	if r.Method != http.MethodPost || (r.URL.Path != PathBindingQuery && r.URL.Path != PathBindingExecute) {
		return false
	}
	return r.URL.Query().Has(ParamResultsFormat)
}

// bindingStatement is one element of a binding request body.
type bindingStatement struct {
	SQL    string `json:"sql"`
	Params []any  `json:"params"`
}

// bindingResult is one statement's answer. Results is omitted in format
// NONE's failures only; Error is set exactly when Success is false.
type bindingResult struct {
	Success bool     `json:"success"`
	Meta    any      `json:"meta"`
	Results any      `json:"results,omitempty"`
	Error   string   `json:"error,omitempty"`
	columns []string // for the trace
}

type rowsAndColumns struct {
	Columns []string `json:"columns"`
	Rows    [][]any  `json:"rows"`
}

// binding serves one request of the binding protocol. D1's own failures
// are answered with HTTP 200 and success:false, as D1 answers them: the
// binding turns the message into Error("D1_ERROR: <message>").
func (s *Server) binding(w http.ResponseWriter, r *http.Request) {
	format := r.URL.Query().Get(ParamResultsFormat)
	stmts, batch, err := decodeBinding(r.Body)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, failure("d1check emulator: "+err.Error()))
		return
	}
	t, err := s.transportFor(r.Header.Get(HeaderRegion))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, failure(err.Error()))
		return
	}
	req := d1.Request{Mode: d1.ModePlain, Batch: batch}
	if tok := strings.TrimSpace(r.Header.Get(HeaderCommitToken)); tok != "" {
		req.Mode, req.Bookmark = d1.ModeSession, tok
		if s.ReadReplication() == ReplicationDisabled {
			req.Bookmark = d1.FirstPrimary
		}
	}
	// exec() sends its text line by line; D1 runs the lines one after the
	// other and reports the first that fails, so each is its own request.
	lines := r.URL.Path == PathBindingExecute && batch
	var results []bindingResult
	var bookmark string
	if lines {
		results, bookmark = s.execLines(r, t, req, stmts, format)
	} else {
		req.Statements = stmts
		results, bookmark = s.serveBinding(r, t, req, format)
	}
	if bookmark != "" {
		w.Header().Set(HeaderCommitToken, bookmark)
	}
	if !batch {
		writeJSON(w, http.StatusOK, results[0])
		return
	}
	writeJSON(w, http.StatusOK, results)
}

// serveBinding runs one request and answers it as the binding expects: one
// result per statement, or a single failure. It returns the bookmark to
// send back ("" outside a session or on failure).
func (s *Server) serveBinding(r *http.Request, t d1.Transport, req d1.Request, format string) ([]bindingResult, string) {
	resp, err := s.serve(r, t, ProtocolBinding, req)
	if err != nil {
		return []bindingResult{failure(bindingMessage(err))}, ""
	}
	out := make([]bindingResult, len(resp.Results))
	for i, res := range resp.Results {
		out[i] = bindingResult{Success: true, Meta: res.Meta, Results: formatRows(res, format)}
	}
	if req.Mode != d1.ModeSession {
		return out, ""
	}
	return out, resp.Bookmark
}

// execLines runs exec()'s lines in order until one fails. The binding
// counts the results and names a failing line by its index in the lines
// it sent, blank ones included: so on success blank lines give no result
// (wrangler's local D1 skips them), and on failure every line up to the
// failing one has its result, the failing one last.
func (s *Server) execLines(r *http.Request, t d1.Transport, req d1.Request, lines []d1.Query, format string) ([]bindingResult, string) {
	var out []bindingResult
	blanks := 0
	newest := ""
	for _, q := range lines {
		if strings.TrimSpace(q.SQL) == "" {
			out = append(out, bindingResult{Success: true, Meta: d1.Meta{}, Results: []any{}})
			blanks++
			continue
		}
		one := req
		one.Batch, one.Statements = false, []d1.Query{q}
		if newest != "" {
			one.Bookmark = newest // the next line carries what this one returned
		}
		res, b := s.serveBinding(r, t, one, format)
		out = append(out, res[0])
		if b != "" && b > newest {
			newest = b
		}
		if !res[0].Success {
			return out, newest
		}
	}
	if blanks == 0 {
		return out, newest
	}
	kept := out[:0]
	for i, q := range lines {
		if strings.TrimSpace(q.SQL) != "" {
			kept = append(kept, out[i])
		}
	}
	return kept, newest
}

func failure(msg string) bindingResult {
	return bindingResult{Success: false, Meta: struct{}{}, Error: msg}
}

// bindingMessage is the error a binding request answers: D1's message
// without the "D1_ERROR: " the binding puts back in front of it. A failure
// whose outcome is unknown (a lost answer, a cancelled request) is D1's
// "Network connection lost.", the transient message production gives for
// it, so that the Worker, and d1check's clients, treat a write that failed
// so as possibly done; the cause follows in parentheses.
func bindingMessage(err error) string {
	var e *d1.Error
	if errors.As(err, &e) {
		return strings.TrimPrefix(e.Message, string(d1.KindSQL)+": ")
	}
	if d1.Indeterminate(err) {
		return "Network connection lost. (d1check emulator: " + err.Error() + ")"
	}
	return "d1check emulator: " + err.Error()
}

// formatRows renders a result's rows in the requested format:
// ROWS_AND_COLUMNS as columns and rows, anything else (ARRAY_OF_OBJECTS,
// and NONE, for which wrangler's local D1 returns the rows as well: run()
// of a SELECT gives its rows) as objects whose keys keep the column order.
func formatRows(res d1.Result, format string) any {
	cols := res.Columns
	if cols == nil && len(res.Results) > 0 {
		cols = sortedKeys(res.Results[0])
	}
	if cols == nil {
		cols = []string{}
	}
	if format == FormatRowsAndColumns {
		rc := rowsAndColumns{Columns: cols, Rows: make([][]any, len(res.Results))}
		for i, row := range res.Results {
			vals := make([]any, len(cols))
			for j, c := range cols {
				vals[j] = jsonValue(row[c])
			}
			rc.Rows[i] = vals
		}
		return rc
	}
	rows := make([]orderedRow, len(res.Results))
	for i, row := range res.Results {
		rows[i] = orderedRow{cols: cols, row: row}
	}
	return rows
}

// orderedRow is a row as a JSON object with its keys in column order, as
// JavaScript's objects keep them.
type orderedRow struct {
	cols []string
	row  d1.Row
}

func (o orderedRow) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, c := range o.cols {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(c)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(jsonValue(o.row[c]))
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// jsonValue is v as D1 puts it in JSON: a BLOB is an array of byte values.
func jsonValue(v any) any {
	if b, ok := v.([]byte); ok {
		out := make([]int, len(b))
		for i, x := range b {
			out[i] = int(x)
		}
		return out
	}
	return v
}

// decodeBinding reads a binding body: one statement, or an array of them
// (batch() and exec()). Numbers keep their exact value; an array of byte
// values is a BLOB, as the binding's bind() makes it.
func decodeBinding(body io.Reader) (_ []d1.Query, batch bool, _ error) {
	raw, err := io.ReadAll(io.LimitReader(body, maxRequest))
	if err != nil {
		return nil, false, fmt.Errorf("reading the body: %w", err)
	}
	raw = bytes.TrimSpace(raw)
	var stmts []bindingStatement
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if len(raw) > 0 && raw[0] == '[' {
		batch = true
		err = dec.Decode(&stmts)
	} else {
		var one bindingStatement
		err = dec.Decode(&one)
		stmts = []bindingStatement{one}
	}
	if err != nil {
		return nil, false, fmt.Errorf("bad request body: %w", err)
	}
	if len(stmts) == 0 {
		return nil, false, errors.New("bad request body: an empty array of statements")
	}
	qs := make([]d1.Query, len(stmts))
	for i, st := range stmts {
		params := make([]any, len(st.Params))
		for j, p := range st.Params {
			v, err := bindingParam(p)
			if err != nil {
				return nil, false, fmt.Errorf("statement %d, parameter %d: %w", i+1, j+1, err)
			}
			params[j] = v
		}
		qs[i] = d1.Query{SQL: st.SQL, Params: params}
	}
	return qs, batch, nil
}

func bindingParam(p any) (any, error) {
	switch x := p.(type) {
	case nil, string:
		return x, nil
	case bool:
		if x {
			return int64(1), nil
		}
		return int64(0), nil
	case json.Number, []any:
		v := d1.NormalizeValue(x)
		if _, still := v.([]any); still {
			return nil, errors.New("an array that is not of byte values (0-255)")
		}
		return v, nil
	}
	return nil, fmt.Errorf("a %T cannot be bound", p)
}
