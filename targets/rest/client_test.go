package rest

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/d1check/d1check/d1"
)

// The facade in emulator/server tests the happy paths with a real
// emulator; these are the failures of the API itself.

func newClient(t *testing.T, url string) *Client {
	t.Helper()
	c, err := New(Options{Token: "t", AccountID: "a", DatabaseID: "d", BaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestUnreachableAPI(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String() + "/client/v4/"
	ln.Close()
	c := newClient(t, url)
	if _, err := c.Ping(context.Background()); err == nil || !strings.Contains(err.Error(), "check the network and the API base URL") {
		t.Fatalf("Ping: %v", err)
	}
	_, err = c.Database().Prepare("INSERT INTO t VALUES (1)").Run(context.Background())
	var te *d1.TransportError
	if !errors.As(err, &te) || !d1.Indeterminate(err) {
		t.Fatalf("query: %v (%T)", err, err)
	}
}

// A 5xx is not retried (a write must never be sent twice) and leaves the
// outcome unknown.
func TestServerErrorIsIndeterminateAndNotRetried(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"success":false,"errors":[{"code":7000,"message":"overloaded"}],"messages":[],"result":null}`)
	}))
	defer srv.Close()
	_, err := newClient(t, srv.URL+"/client/v4/").Database().Prepare("INSERT INTO t VALUES (1)").Run(context.Background())
	var te *d1.TransportError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "7000 overloaded") {
		t.Fatalf("503: %v (%T)", err, err)
	}
	if calls != 1 {
		t.Fatalf("the write was sent %d times, want once", calls)
	}
}

func TestNotFoundSaysWhatToCheck(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"success":false,"errors":[{"code":7404,"message":"The database d could not be found"}],"messages":[],"result":null}`)
	}))
	defer srv.Close()
	_, err := newClient(t, srv.URL+"/client/v4/").Ping(context.Background())
	if err == nil || !strings.Contains(err.Error(), EnvDatabaseID) || !strings.Contains(err.Error(), "could not be found") {
		t.Fatalf("Ping: %v", err)
	}
}
