package worker

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/d1check/d1check/d1"
)

var ctx = context.Background()

func TestNewRefusesBadArguments(t *testing.T) {
	for _, c := range []struct {
		url  string
		opts Options
		want string
	}{
		{"127.0.0.1:8787", Options{}, "want http://"},
		{"ftp://x", Options{}, "want http://"},
		{"http://", Options{}, "want http://"},
		{"http://x/?a=1", Options{}, "no query"},
		{"http://x", Options{Region: "weur"}, "region"},
		{"http://x", Options{Timeout: -time.Second}, "negative"},
	} {
		if _, err := New(c.url, c.opts); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%q, %+v) = %v, want an error mentioning %q", c.url, c.opts, err, c.want)
		}
	}
	if _, err := Target("nope", Options{}); err == nil {
		t.Error("Target accepted a bad URL")
	}
}

// unreachable is the URL of a port nothing listens on.
func unreachable(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

func TestUnreachableDriver(t *testing.T) {
	c, err := New(unreachable(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Ping(ctx)
	if err == nil || !strings.Contains(err.Error(), "cannot reach the driver") || !strings.Contains(err.Error(), "running") {
		t.Fatalf("Ping: %v", err)
	}
	_, err = c.Database().Prepare("INSERT INTO t VALUES (1)").Run(ctx)
	assertTransport(t, err, "cannot reach")
}

// A server that is not a driver — an HTML page, a 404, JSON of another
// shape — is named as such, before a run (Ping) and during one (Query).
func TestNotADriver(t *testing.T) {
	cases := []struct {
		name   string
		status int
		ctype  string
		body   string
	}{
		{"html", 200, "text/html", "<!doctype html><html><body>Welcome to nginx!</body></html>"},
		{"404", 404, "text/plain", "404 page not found"},
		{"other json", 200, "application/json", `{"hello":"world"}`},
		{"empty", 500, "text/plain", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("content-type", tc.ctype)
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			c, err := New(srv.URL, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Ping(ctx); err == nil || !strings.Contains(err.Error(), "is this a d1check driver?") {
				t.Fatalf("Ping: %v", err)
			}
			_, err = c.Database().WithSession("").Prepare("SELECT 1").Run(ctx)
			assertTransport(t, err, "is this a d1check driver?")
		})
	}
}

// The driver's own failures (an exception in the Worker) leave a write's
// outcome unknown; D1's failures are certain and keep their text.
func TestErrorClassification(t *testing.T) {
	cases := []struct {
		status int
		body   string
		d1     bool
		kind   d1.Kind
	}{
		{400, `{"error":"D1_ERROR: no such table: nope: SQLITE_ERROR"}`, true, d1.KindSQL},
		{400, `{"error":"D1_TYPE_ERROR: Type 'object' not supported for value '[object Object]'"}`, true, d1.KindType},
		{503, `{"error":"D1_ERROR: Network connection lost."}`, true, d1.KindTransient},
		{500, `{"error":"Worker exceeded CPU time limit."}`, false, ""},
		{500, `{"error":"ReferenceError: x is not defined"}`, false, ""},
	}
	for _, tc := range cases {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tc.status)
			io.WriteString(w, tc.body)
		}))
		c, _ := New(srv.URL, Options{})
		_, err := c.Database().Prepare("INSERT INTO t VALUES (1)").Run(ctx)
		srv.Close()
		var de *d1.Error
		if tc.d1 {
			if !errors.As(err, &de) || de.Kind != tc.kind || !strings.Contains(tc.body, de.Message) {
				t.Errorf("%s: %v (%T), want a %s *d1.Error", tc.body, err, err, tc.kind)
			}
			continue
		}
		assertTransport(t, err, "the driver failed")
	}
}

// A request that outlives its timeout is a transport error: indeterminate.
func TestTimeoutIsIndeterminate(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	c, err := New(srv.URL, Options{Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Database().WithSession(d1.FirstPrimary).Prepare("INSERT INTO t VALUES (1)").Run(ctx)
	assertTransport(t, err, "no answer in time")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timeout error %v does not wrap context.DeadlineExceeded", err)
	}
}

// A response with the wrong number of results or a session answer without
// a bookmark is not trusted.
func TestMalformedAnswers(t *testing.T) {
	for _, body := range []string{
		`{"results":[],"bookmark":"00000000-00000001-00000000-00000000000000000000000000000000"}`,
		`{"results":[{"results":[],"meta":{},"success":true}],"bookmark":null}`,
		`{"results":[{"results":[{"b":[1,2,300]}],"meta":{},"success":true}],"bookmark":"x"}`,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) }))
		c, _ := New(srv.URL, Options{})
		_, err := c.Database().WithSession("").Prepare("SELECT 1").Run(ctx)
		srv.Close()
		var te *d1.TransportError
		if !errors.As(err, &te) {
			t.Errorf("%s: %v (%T), want a *d1.TransportError", body, err, err)
		}
	}
}

func assertTransport(t *testing.T, err error, want string) {
	t.Helper()
	var te *d1.TransportError
	if !errors.As(err, &te) || !d1.Indeterminate(err) || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v (%T), want an indeterminate *d1.TransportError mentioning %q", err, err, want)
	}
}
