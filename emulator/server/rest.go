package server

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/driverproto"
)

// Cloudflare's error codes for D1 REST requests: 7500 is the code observed
// for a SQL error; 7400 is used here for a malformed request.
const (
	codeSQL        = 7500
	codeBadRequest = 7400
)

// restEnvelope is Cloudflare's v4 API envelope.
type restEnvelope struct {
	Success  bool          `json:"success"`
	Errors   []restMessage `json:"errors"`
	Messages []restMessage `json:"messages"`
	Result   any           `json:"result"`
}

type restMessage struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// restBody is a /query or /raw body: one query, or a batch.
type restBody struct {
	SQL    *string             `json:"sql"`
	Params []driverproto.Value `json:"params"`
	Batch  []restStatement     `json:"batch"`
}

type restStatement struct {
	SQL    string              `json:"sql"`
	Params []driverproto.Value `json:"params"`
}

// rawResult is one statement's result from /raw: rows as arrays.
type rawResult struct {
	Results rawRows `json:"results"`
	Meta    d1.Meta `json:"meta"`
	Success bool    `json:"success"`
}

type rawRows struct {
	Columns []string              `json:"columns"`
	Rows    [][]driverproto.Value `json:"rows"`
}

func (s *Server) restQuery(w http.ResponseWriter, r *http.Request) {
	resp, ok := s.restRun(w, r)
	if ok {
		writeREST(w, http.StatusOK, restEnvelope{Success: true, Result: driverproto.FromD1Response(resp, d1.ModePlain).Results})
	}
}

// restRaw answers rows as arrays. Column order: a d1.Row is a map, so the
// emulator does not keep its statement's column order; columns are listed
// in name order, and a statement that returned no row lists none. Real D1
// lists them in the statement's order.
func (s *Server) restRaw(w http.ResponseWriter, r *http.Request) {
	resp, ok := s.restRun(w, r)
	if !ok {
		return
	}
	out := make([]rawResult, len(resp.Results))
	for i, res := range resp.Results {
		var cols []string
		if len(res.Results) > 0 {
			for c := range res.Results[0] {
				cols = append(cols, c)
			}
			sort.Strings(cols)
		}
		rows := make([][]driverproto.Value, len(res.Results))
		for j, row := range res.Results {
			rows[j] = make([]driverproto.Value, len(cols))
			for k, c := range cols {
				rows[j][k] = driverproto.Value{V: row[c]}
			}
		}
		out[i] = rawResult{Results: rawRows{Columns: append([]string{}, cols...), Rows: rows}, Meta: res.Meta, Success: res.Success}
	}
	writeREST(w, http.StatusOK, restEnvelope{Success: true, Result: out})
}

// restRun runs a /query or /raw body on the primary, as plain env.DB
// does: REST has no sessions. It writes the error answer itself.
func (s *Server) restRun(w http.ResponseWriter, r *http.Request) (d1.Response, bool) {
	var body restBody
	if err := decode(r, &body); err != nil {
		writeRESTError(w, http.StatusBadRequest, codeBadRequest, err.Error())
		return d1.Response{}, false
	}
	req, err := body.request()
	if err != nil {
		writeRESTError(w, http.StatusBadRequest, codeBadRequest, err.Error())
		return d1.Response{}, false
	}
	resp, err := s.primary.Query(r.Context(), req)
	if err != nil {
		// Cloudflare reports SQLite's message without the binding's
		// "D1_ERROR: " prefix.
		writeRESTError(w, driverproto.StatusFor(err), codeSQL, strings.TrimPrefix(err.Error(), "D1_ERROR: "))
		return d1.Response{}, false
	}
	return resp, true
}

func (b restBody) request() (d1.Request, error) {
	switch {
	case b.SQL != nil && b.Batch != nil:
		return d1.Request{}, errors.New("give either sql or batch, not both")
	case b.SQL != nil:
		return d1.Request{Mode: d1.ModePlain, Statements: []d1.Query{query(*b.SQL, b.Params)}}, nil
	case len(b.Batch) > 0:
		if b.Params != nil {
			return d1.Request{}, errors.New("params belong inside each batch entry")
		}
		qs := make([]d1.Query, len(b.Batch))
		for i, st := range b.Batch {
			qs[i] = query(st.SQL, st.Params)
		}
		return d1.Request{Mode: d1.ModePlain, Statements: qs, Batch: true}, nil
	}
	return d1.Request{}, errors.New("missing sql (or a non-empty batch)")
}

func query(sql string, params []driverproto.Value) d1.Query {
	q := d1.Query{SQL: sql, Params: make([]any, len(params))}
	for i, p := range params {
		q.Params[i] = p.V
	}
	return q
}

// restDatabaseInfo is the REST API's D1 object.
type restDatabaseInfo struct {
	UUID            string              `json:"uuid"`
	Name            string              `json:"name"`
	Version         string              `json:"version"`
	CreatedAt       string              `json:"created_at"`
	NumTables       int                 `json:"num_tables"`
	FileSize        int64               `json:"file_size"`
	ReadReplication restReadReplication `json:"read_replication"`
}

type restReadReplication struct {
	Mode string `json:"mode"`
}

func (s *Server) restDatabase(w http.ResponseWriter, r *http.Request) {
	writeREST(w, http.StatusOK, restEnvelope{Success: true, Result: s.databaseInfo(r)})
}

// restUpdate records read_replication.mode: "disabled" sends every session
// request to the primary from then on, "auto" lets replicas serve again.
func (s *Server) restUpdate(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ReadReplication *restReadReplication `json:"read_replication"`
	}
	if err := decode(r, &body); err != nil {
		writeRESTError(w, http.StatusBadRequest, codeBadRequest, err.Error())
		return
	}
	if body.ReadReplication == nil {
		writeRESTError(w, http.StatusBadRequest, codeBadRequest, "missing read_replication")
		return
	}
	switch m := body.ReadReplication.Mode; m {
	case ReplicationAuto, ReplicationDisabled:
		s.mu.Lock()
		s.replication = m
		s.mu.Unlock()
	default:
		writeRESTError(w, http.StatusBadRequest, codeBadRequest, fmt.Sprintf("read_replication.mode %q: want %q or %q", m, ReplicationAuto, ReplicationDisabled))
		return
	}
	writeREST(w, http.StatusOK, restEnvelope{Success: true, Result: s.databaseInfo(r)})
}

func (s *Server) databaseInfo(r *http.Request) restDatabaseInfo {
	return restDatabaseInfo{
		UUID: r.PathValue("database"), Name: s.opts.DatabaseName, Version: "production",
		CreatedAt:       s.started.UTC().Format(time.RFC3339),
		ReadReplication: restReadReplication{Mode: s.ReadReplication()},
	}
}

func writeRESTError(w http.ResponseWriter, status, code int, msg string) {
	writeREST(w, status, restEnvelope{Errors: []restMessage{{Code: code, Message: msg}}})
}

// writeREST fills the envelope's empty lists: Cloudflare sends [] not null.
func writeREST(w http.ResponseWriter, status int, env restEnvelope) {
	if env.Errors == nil {
		env.Errors = []restMessage{}
	}
	if env.Messages == nil {
		env.Messages = []restMessage{}
	}
	writeJSON(w, status, env)
}
