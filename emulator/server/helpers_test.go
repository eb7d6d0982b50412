package server

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/targets/worker"
)

var ctx = context.Background()

// fixture is an emulator served over HTTP, closed at the end of the test.
type fixture struct {
	emu *emulator.Emulator
	srv *Server
	url string
}

func newFixture(t testing.TB, cfg emulator.Config, opts Options) *fixture {
	t.Helper()
	emu, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(emu, opts)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.Close()
		if err := emu.Close(); err != nil {
			t.Errorf("emulator Close: %v", err)
		}
	})
	return &fixture{emu: emu, srv: srv, url: hs.URL}
}

// client is the driver client of a client located in region.
func (f *fixture) client(t testing.TB, region, secret string) *worker.Client {
	t.Helper()
	c, err := worker.New(f.url, worker.Options{Region: region, Secret: secret, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fixture) db(t testing.TB, region string) *d1.Database {
	return f.client(t, region, "").Database()
}

// embedded is env.DB on the emulator without HTTP, for comparisons.
func (f *fixture) embedded(t testing.TB, region string) *d1.Database {
	t.Helper()
	db, err := f.emu.Database(region)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func (f *fixture) waitReplicated(t testing.TB) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := f.emu.WaitReplicated(c); err != nil {
		t.Fatal(err)
	}
}

type preparer interface{ Prepare(string) *d1.Statement }

func run(t testing.TB, p preparer, sql string, args ...any) d1.Result {
	t.Helper()
	r, err := p.Prepare(sql).Bind(args...).Run(ctx)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return r
}

func bookmark(t testing.TB, s *d1.Session) string {
	t.Helper()
	b, ok := s.Bookmark()
	if !ok {
		t.Fatal("session has no bookmark")
	}
	if _, err := d1.ParseBookmark(b); err != nil {
		t.Fatalf("session bookmark: %v", err)
	}
	return b
}
