package driverproto

import (
	"fmt"

	"github.com/d1check/d1check/d1"
)

// FromD1 is the body and bookmark header of a d1.Request: the client's half
// of the protocol.
func FromD1(req d1.Request) (body Request, bookmark string, err error) {
	body = Request{Statements: make([]Statement, len(req.Statements)), Batch: req.Batch, Mode: ModeSession}
	switch req.Mode {
	case d1.ModeSession:
		bookmark = req.Bookmark
	case d1.ModePlain:
		body.Mode = ModePlain
	default:
		return Request{}, "", fmt.Errorf("protocol: unknown request mode %d", req.Mode)
	}
	for i, q := range req.Statements {
		body.Statements[i] = Statement{SQL: q.SQL, Params: values(q.Params)}
	}
	return body, bookmark, nil
}

// ToD1 is the d1.Request a driver serves for body and the bookmark header:
// the server's half. hasBookmark false (no header) means
// "first-unconstrained", as in Cloudflare's starter template.
func (body Request) ToD1(bookmark string, hasBookmark bool) (d1.Request, error) {
	req := d1.Request{Batch: body.Batch, Statements: make([]d1.Query, len(body.Statements))}
	switch body.Mode {
	case "", ModeSession:
		req.Mode = d1.ModeSession
		req.Bookmark = bookmark
		if !hasBookmark {
			req.Bookmark = d1.FirstUnconstrained
		}
	case ModePlain:
		req.Mode = d1.ModePlain
	default:
		return d1.Request{}, fmt.Errorf("mode %q: want %q or %q", body.Mode, ModeSession, ModePlain)
	}
	if len(body.Statements) == 0 {
		return d1.Request{}, fmt.Errorf("no statements")
	}
	for i, st := range body.Statements {
		params := make([]any, len(st.Params))
		for j, v := range st.Params {
			params[j] = v.V
		}
		req.Statements[i] = d1.Query{SQL: st.SQL, Params: params}
	}
	return req, nil
}

// FromD1Response is the body a driver answers for resp.
func FromD1Response(resp d1.Response, mode d1.Mode) Response {
	out := Response{Results: make([]Result, len(resp.Results))}
	for i, r := range resp.Results {
		rows := make([]map[string]Value, len(r.Results))
		for j, row := range r.Results {
			m := make(map[string]Value, len(row))
			for k, v := range row {
				m[k] = Value{V: v}
			}
			rows[j] = m
		}
		out.Results[i] = Result{Results: rows, Meta: r.Meta, Success: r.Success}
	}
	if mode == d1.ModeSession {
		b := resp.Bookmark
		out.Bookmark = &b
	}
	return out
}

// ToD1 is the d1.Response of a driver's answer. Rows hold the types a
// d1.Row holds (nil, int64, float64, string, []byte).
func (resp Response) ToD1() d1.Response {
	out := d1.Response{Results: make([]d1.Result, len(resp.Results))}
	for i, r := range resp.Results {
		rows := make([]d1.Row, len(r.Results))
		for j, row := range r.Results {
			m := make(d1.Row, len(row))
			for k, v := range row {
				m[k] = v.V
			}
			rows[j] = m
		}
		out.Results[i] = d1.Result{Results: rows, Meta: r.Meta, Success: r.Success}
	}
	if resp.Bookmark != nil {
		out.Bookmark = *resp.Bookmark
	}
	return out
}

func values(params []any) []Value {
	vs := make([]Value, len(params))
	for i, p := range params {
		vs[i] = Value{V: p}
	}
	return vs
}
