package server

import (
	"context"
	"net"
	"testing"

	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/targets/worker"
)

// ListenAndServe serves until its context ends, then returns nil with the
// port closed.
func TestListenAndServeStopsWithContext(t *testing.T) {
	emu, err := emulator.New(emulator.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	srv, err := New(emu, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	addrc := make(chan net.Addr, 1)
	errc := make(chan error, 1)
	go func() { errc <- ListenAndServe(sctx, "127.0.0.1:0", srv, func(a net.Addr) { addrc <- a }) }()
	var addr net.Addr
	select {
	case addr = <-addrc:
	case err := <-errc:
		t.Fatalf("ListenAndServe: %v", err)
	}
	c, err := worker.New("http://"+addr.String(), worker.Options{Region: "APAC"})
	if err != nil {
		t.Fatal(err)
	}
	if st, err := c.Ping(ctx); err != nil || st.Runtime != "emulator" {
		t.Fatalf("Ping: %+v, %v", st, err)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("ListenAndServe after cancel: %v", err)
	}
	if _, err := c.Ping(ctx); err == nil {
		t.Fatal("the server still answers after its context ended")
	}
	if err := ListenAndServe(ctx, "not an address", srv, nil); err == nil {
		t.Fatal("a bad address was accepted")
	}
}
