package webapp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/workloads"
	"github.com/d1check/d1check/workloads/magiccodes"
	"github.com/d1check/d1check/workloads/users"
)

// vars are the placeholders' values for one request.
type vars struct {
	key, value string
	client     int
	n          int64
}

func varsOf(op workloads.Op, client int, n int64) vars {
	v := vars{key: op.Key, client: client, n: n}
	switch a := op.Value.(type) {
	case users.Args:
		v.key = a.Email
	case magiccodes.Args:
		v.key, v.value = a.Email, a.Code
	case WriteArgs:
		v.value = a.Value
	case ElementArgs:
		v.value = a.Element
	}
	return v
}

// fill replaces the placeholders in s; esc escapes values for a URL path
// or query.
func (v vars) fill(s string, esc func(string) string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	if esc == nil {
		esc = func(s string) string { return s }
	}
	return strings.NewReplacer(
		"{key}", esc(v.key), "{value}", esc(v.value),
		"{client}", strconv.Itoa(v.client), "{n}", strconv.FormatInt(v.n, 10),
	).Replace(s)
}

// fillJSON fills every string of a decoded JSON template.
func (v vars) fillJSON(t any) any {
	switch x := t.(type) {
	case string:
		return v.fill(x, nil)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = v.fillJSON(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = v.fillJSON(e)
		}
		return out
	}
	return t
}

// response is what came back from one request.
type response struct {
	method, path, region string
	status               int
	body                 []byte
	contentType          string
	sent, received       string // bookmarks
	err                  error  // no answer
	mismatch             string
}

// maxBody bounds what is read of a response: the mapping needs a small
// JSON document, and a runaway body must not eat the machine.
const maxBody = 1 << 20

func (w *Workload) send(ctx context.Context, t *Request, v vars, region, bookmark string) *response {
	path := v.fill(t.Path, url.QueryEscape)
	res := &response{method: t.Method, path: path, region: region}
	base, err := w.base(region)
	if err != nil {
		res.err = err
		return res
	}
	var body io.Reader
	if t.JSON != nil {
		b, err := json.Marshal(v.fillJSON(t.JSON))
		if err != nil {
			res.err = err
			return res
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, t.Method, base+path, body)
	if err != nil {
		res.err = err
		return res
	}
	if t.JSON != nil {
		req.Header.Set("content-type", "application/json")
	}
	for k, h := range t.Headers {
		req.Header.Set(k, v.fill(h, nil))
	}
	if bookmark != "" {
		res.sent = bookmark
		if bm := w.spec.Bookmarks; bm.Header != "" {
			req.Header.Set(bm.Header, bookmark)
		} else if bm.Cookie != "" {
			req.AddCookie(&http.Cookie{Name: bm.Cookie, Value: bookmark})
		}
	}
	resp, err := w.client.Do(req)
	if err != nil {
		res.err = &d1.TransportError{Op: t.Method + " " + path, Err: err}
		return res
	}
	defer resp.Body.Close()
	res.status = resp.StatusCode
	res.contentType = resp.Header.Get("content-type")
	res.body, err = io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		res.err = &d1.TransportError{Op: t.Method + " " + path, Err: err}
		return res
	}
	res.received = w.bookmarkOf(resp)
	return res
}

// bookmarkOf is the bookmark a response hands the browser, "" for none.
func (w *Workload) bookmarkOf(resp *http.Response) string {
	bm := w.spec.Bookmarks
	switch {
	case bm.Header != "":
		return resp.Header.Get(bm.Header)
	case bm.Cookie != "":
		for _, c := range resp.Cookies() {
			if c.Name == bm.Cookie && c.MaxAge >= 0 {
				return c.Value
			}
		}
	}
	return ""
}

// record is the op's HTTP line in the history.
func (r *response) record(o *Op) *history.HTTP {
	return &history.HTTP{
		Route: o.Name, Method: r.method, Path: r.path, Region: r.region, Status: r.status,
		BookmarkSent: r.sent, BookmarkReceived: r.received, Mismatch: r.mismatch,
	}
}

// extract reads the op's result from a 2xx response.
func extract(o *Op, op workloads.Op, r *response) (any, error) {
	var doc any
	if role := o.Model + "/" + o.Does; role != SingleUse+"/issue" && role != Register+"/write" && role != Set+"/add" || o.Success != nil {
		if mt, _, _ := mime.ParseMediaType(r.contentType); mt != "application/json" && !strings.HasSuffix(mt, "+json") {
			return nil, fmt.Errorf("status %d with content-type %q, not JSON: %s", r.status, r.contentType, excerpt(r.body))
		}
		if err := json.Unmarshal(r.body, &doc); err != nil {
			return nil, fmt.Errorf("status %d: the body is not JSON (%v): %s", r.status, err, excerpt(r.body))
		}
	}
	switch o.Model + "/" + o.Does {
	case CreateOnce + "/get-or-create":
		id, found, err := integer(o.ID, doc)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, fmt.Errorf("id %s: no id in the answer: %s", o.ID, excerpt(r.body))
		}
		created := false
		if o.Created != nil {
			c, err := boolean(o.Created, doc)
			if err != nil {
				return nil, err
			}
			created = c
		}
		return users.Created{ID: id, Created: created}, nil
	case CreateOnce + "/get":
		id, found, err := integer(o.ID, doc)
		if err != nil {
			return nil, err
		}
		if !found {
			return users.Found{}, nil
		}
		return users.Found{ID: &id}, nil
	case SingleUse + "/issue", Register + "/write", Set + "/add":
		return struct{}{}, nil
	case Set + "/read", Set + "/add-read":
		es, err := elements(o.Elements, doc)
		if err != nil {
			return nil, err
		}
		return setValue{Elements: es}, nil
	case SingleUse + "/use":
		if o.Success == nil {
			return magiccodes.Verified{Valid: true}, nil
		}
		ok, err := boolean(o.Success, doc)
		if err != nil {
			return nil, err
		}
		return magiccodes.Verified{Valid: ok}, nil
	case Register + "/read":
		vals, found, err := o.Value.Lookup(doc)
		if err != nil {
			return nil, err
		}
		if !found || len(vals) == 0 || vals[0] == nil {
			return readValue{Value: nil}, nil
		}
		s, ok := vals[0].(string)
		if !ok {
			return nil, fmt.Errorf("value %s is %s, want a string or null", o.Value, kindOf(vals[0]))
		}
		return readValue{Value: &s}, nil
	}
	return nil, fmt.Errorf("op %s: no mapping for %s/%s", op.F, o.Model, o.Does)
}

// readValue is a register read's ok value: {value} (null when unset).
type readValue struct {
	Value *string `json:"value"`
}

// setValue is a set read's ok value: every element.
type setValue struct {
	Elements []string `json:"elements"`
}

// elements reads a set's list: strings, or numbers (ids) as text.
func elements(p *Path, doc any) ([]string, error) {
	vals, found, err := p.Lookup(doc)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("elements %s: not in the answer", p)
	}
	if !p.Multi() && len(vals) == 1 {
		if list, ok := vals[0].([]any); ok {
			vals = list // $.items names the list itself
		}
	}
	out := make([]string, 0, len(vals))
	for _, v := range vals {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case float64:
			out = append(out, strconv.FormatFloat(x, 'f', -1, 64))
		default:
			return nil, fmt.Errorf("elements %s: an element is %s, want a string or a number", p, kindOf(v))
		}
	}
	return out, nil
}

// refused is the result a declared refusal stands for.
func refused(o *Op) any {
	switch {
	case o.Does == "use":
		return magiccodes.Verified{Valid: false}
	case o.Does == "get":
		return users.Found{}
	case o.Model == Set:
		return setValue{Elements: []string{}}
	}
	return readValue{}
}

// integer reads an id: a JSON number that is an integer, or a string of
// digits (ids often travel as strings). found is false for a missing path
// or null.
func integer(p *Path, doc any) (int64, bool, error) {
	vals, found, err := p.Lookup(doc)
	if err != nil || !found || len(vals) == 0 || vals[0] == nil {
		return 0, false, err
	}
	switch x := vals[0].(type) {
	case float64:
		if x == float64(int64(x)) {
			return int64(x), true, nil
		}
	case string:
		if n, err := strconv.ParseInt(x, 10, 64); err == nil {
			return n, true, nil
		}
	}
	return 0, false, fmt.Errorf("id %s is %s, want an integer id", p, kindOf(vals[0]))
}

func boolean(p *Path, doc any) (bool, error) {
	vals, found, err := p.Lookup(doc)
	if err != nil {
		return false, err
	}
	if !found || len(vals) == 0 {
		return false, fmt.Errorf("%s: not in the answer", p)
	}
	b, ok := vals[0].(bool)
	if !ok {
		return false, fmt.Errorf("%s is %s, want true or false", p, kindOf(vals[0]))
	}
	return b, nil
}

// excerpt is the start of a body, for messages.
func excerpt(b []byte) string {
	const n = 200
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	if s == "" {
		return "(empty body)"
	}
	return s
}
