package rest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	cfd1 "github.com/cloudflare/cloudflare-go/v6/d1"
	"github.com/cloudflare/cloudflare-go/v6/option"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/driverproto"
)

// codeSQL is the API's error code for a statement D1 refused.
const codeSQL = 7500

// body is a /query body: {sql, params} or {batch: [{sql, params}]}.
// d1check writes it itself, through option.WithRequestBody, so that
// parameters keep their SQL types (cloudflare-go's typed bodies carry
// strings only); values are encoded as in the driver protocol.
type body struct {
	SQL    string              `json:"sql,omitempty"`
	Params []driverproto.Value `json:"params,omitempty"`
	Batch  []statement         `json:"batch,omitempty"`
}

type statement struct {
	SQL    string              `json:"sql"`
	Params []driverproto.Value `json:"params"`
}

// Query sends req to POST …/query. A batch is sent as {batch: […]}, which
// D1 runs as one transaction. Session requests are served like plain ones:
// REST has no sessions, and the response carries no bookmark.
func (c *Client) Query(ctx context.Context, req d1.Request) (d1.Response, error) {
	if len(req.Statements) == 0 {
		return d1.Response{Results: []d1.Result{}}, nil
	}
	data, err := json.Marshal(bodyOf(req))
	if err != nil {
		return d1.Response{}, &d1.Error{Kind: d1.KindType, Message: "D1_TYPE_ERROR: " + err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var p cfd1.DatabaseQueryParams
	p.AccountID.Value, p.AccountID.Present = c.account, true
	p.Body = cfd1.DatabaseQueryParamsBody{}
	page, err := c.svc.Query(ctx, c.dbID, p, option.WithRequestBody("application/json", data))
	if err != nil {
		return d1.Response{}, c.queryErr(err)
	}
	if len(page.Result) != len(req.Statements) {
		return d1.Response{}, &d1.TransportError{Op: c.op(), Err: fmt.Errorf("the API returned %d results for %d statements", len(page.Result), len(req.Statements))}
	}
	resp := d1.Response{Results: make([]d1.Result, len(page.Result))}
	for i, r := range page.Result {
		res, err := result(r)
		if err != nil {
			return d1.Response{}, &d1.TransportError{Op: c.op(), Err: err}
		}
		resp.Results[i] = res
	}
	return resp, nil
}

func bodyOf(req d1.Request) body {
	values := func(ps []any) []driverproto.Value {
		vs := make([]driverproto.Value, len(ps))
		for i, p := range ps {
			vs[i] = driverproto.Value{V: p}
		}
		return vs
	}
	if !req.Batch && len(req.Statements) == 1 {
		q := req.Statements[0]
		return body{SQL: q.SQL, Params: values(q.Params)}
	}
	var b body
	for _, q := range req.Statements {
		b.Batch = append(b.Batch, statement{SQL: q.SQL, Params: values(q.Params)})
	}
	return b
}

// result converts one of cloudflare-go's results. Its rows were decoded
// as JSON (every number a float64, a BLOB an array): d1.NormalizeRow gives
// them the types a d1.Row holds.
func result(r cfd1.QueryResult) (d1.Result, error) {
	out := d1.Result{Success: r.Success, Results: make([]d1.Row, len(r.Results))}
	for i, x := range r.Results {
		m, ok := x.(map[string]any)
		if !ok {
			return d1.Result{}, fmt.Errorf("row %d is a %T, want an object", i, x)
		}
		out.Results[i] = d1.NormalizeRow(d1.Row(m))
	}
	m := r.Meta
	out.Meta = d1.Meta{
		ServedByPrimary: m.ServedByPrimary, ServedByRegion: string(m.ServedByRegion), ServedByColo: m.ServedByColo,
		Duration: m.Duration, Changes: int64(m.Changes), LastRowID: int64(m.LastRowID), ChangedDB: m.ChangedDB,
		SizeAfter: int64(m.SizeAfter), RowsRead: int64(m.RowsRead), RowsWritten: int64(m.RowsWritten),
		Timings: d1.Timings{SQLDurationMs: m.Timings.SqlDurationMs},
	}
	return out, nil
}

// queryErr classifies a failed query: a SQL error is certain and becomes
// the binding's *d1.Error; anything else leaves the outcome unknown.
func (c *Client) queryErr(err error) error {
	var ae *cfd1.Error
	if errors.As(err, &ae) && ae.StatusCode == http.StatusBadRequest && len(ae.Errors) > 0 && ae.Errors[0].Code == codeSQL {
		msg := ae.Errors[0].Message
		if !strings.HasPrefix(msg, "D1_") {
			msg = "D1_ERROR: " + msg
		}
		return d1.ParseError(msg)
	}
	return &d1.TransportError{Op: c.op(), Err: c.explain(err)}
}

func (c *Client) op() string {
	return "POST accounts/" + c.account + "/d1/database/" + c.dbID + "/query"
}
