package main

import (
	"os"
	"testing"
)

// TestWatchSignals: the first signal only announces the stop (the
// context does the stopping), the second exits; stop ends the watcher
// whether or not any signal came.
func TestWatchSignals(t *testing.T) {
	sigs := make(chan os.Signal)
	firsts, seconds := make(chan struct{}, 2), make(chan struct{}, 2)
	stop := watchSignals(sigs, func(os.Signal) { firsts <- struct{}{} }, func(os.Signal) { seconds <- struct{}{} })
	sigs <- os.Interrupt
	<-firsts
	if len(seconds) != 0 {
		t.Fatal("the first signal exited")
	}
	sigs <- os.Interrupt
	<-seconds
	stop()
	if len(firsts) != 0 {
		t.Fatal("the second signal was taken for a first")
	}

	stop = watchSignals(sigs, func(os.Signal) { t.Error("first called") }, func(os.Signal) { t.Error("second called") })
	stop()
}
