package runner

import "time"

// reportProgress calls fn every ProgressEvery until the returned stop is
// called; stop waits for the reporting goroutine to exit, so fn is never
// called after Run returns. A nil fn costs nothing.
func reportProgress(fn func(done, planned int), stats *counters, planned int) (stop func()) {
	if fn == nil {
		return func() {}
	}
	quit, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		t := time.NewTicker(ProgressEvery)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				fn(int(stats.ok.Load()+stats.fail.Load()+stats.info.Load()), planned)
			}
		}
	}()
	return func() { close(quit); <-exited }
}
