package worker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/driverproto"
)

// maxBody bounds a response body: D1 rows are at most 2 MB each, and a
// driver that streams more than this is not answering the driver protocol.
const maxBody = 64 << 20

// Query sends one request to POST /query.
func (c *Client) Query(ctx context.Context, req d1.Request) (d1.Response, error) {
	body, bookmark, err := driverproto.FromD1(req)
	if err != nil {
		return d1.Response{}, err
	}
	data, err := json.Marshal(body)
	if err != nil {
		// A parameter the protocol cannot carry; Bind already refuses
		// what the binding refuses, so this is a programming error.
		return d1.Response{}, &d1.Error{Kind: d1.KindType, Message: "D1_TYPE_ERROR: " + err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	hr, err := c.newRequest(ctx, http.MethodPost, c.query, data)
	if err != nil {
		return d1.Response{}, c.transportErr(err)
	}
	if req.Mode == d1.ModeSession {
		hr.Header.Set(driverproto.HeaderBookmark, bookmark)
	}
	status, raw, err := c.do(hr)
	if err != nil {
		return d1.Response{}, err
	}
	if status != http.StatusOK {
		return d1.Response{}, c.failure(status, raw)
	}
	var resp driverproto.Response
	if err := json.Unmarshal(raw, &resp); err != nil || resp.Results == nil {
		return d1.Response{}, c.notDriver(status, raw, err)
	}
	if len(resp.Results) != len(req.Statements) {
		return d1.Response{}, c.transportErr(fmt.Errorf("the driver returned %d results for %d statements", len(resp.Results), len(req.Statements)))
	}
	if req.Mode == d1.ModeSession && resp.Bookmark == nil {
		return d1.Response{}, c.notDriver(status, raw, errors.New("a session request got no bookmark"))
	}
	return resp.ToD1(), nil
}

// do sends hr and reads the whole answer. Any failure here leaves the
// request's outcome unknown: a *d1.TransportError.
func (c *Client) do(hr *http.Request) (int, []byte, error) {
	res, err := c.hc.Do(hr)
	if err != nil {
		return 0, nil, c.transportErr(reachErr(err))
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxBody+1))
	if err != nil {
		return 0, nil, c.transportErr(fmt.Errorf("reading the answer: %w", err))
	}
	if len(raw) > maxBody {
		return 0, nil, c.transportErr(fmt.Errorf("the answer is larger than %d bytes", maxBody))
	}
	return res.StatusCode, raw, nil
}

// failure turns a non-200 answer into the error a Transport returns.
func (c *Client) failure(status int, raw []byte) error {
	if status == http.StatusUnauthorized || status == http.StatusForbidden {
		return c.transportErr(errSecret(status, raw))
	}
	var eb driverproto.ErrorBody
	if err := json.Unmarshal(raw, &eb); err != nil || eb.Error == "" {
		return c.notDriver(status, raw, err)
	}
	if driverproto.IsD1Message(eb.Error) {
		return d1.ParseError(eb.Error)
	}
	return c.transportErr(fmt.Errorf("the driver failed (HTTP %d): %s", status, eb.Error))
}

func (c *Client) transportErr(err error) error {
	return &d1.TransportError{Op: "POST " + c.query, Err: err}
}

func (c *Client) notDriver(status int, raw []byte, cause error) error {
	return c.transportErr(notDriverErr(c.base.String(), status, raw, cause))
}

func bytesReader(b []byte) io.Reader {
	if b == nil {
		return http.NoBody
	}
	return bytes.NewReader(b)
}
