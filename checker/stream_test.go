package checker

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/d1check/d1check/history"
)

// TestStreamAgreesWithCheck: checking a file as it streams gives exactly
// the result of checking it read whole, on every corpus history.
func TestStreamAgreesWithCheck(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.jsonl")
	for _, path := range files {
		h, err := history.ReadFile(path)
		if err != nil {
			continue // the corpus's bad-input files are tested elsewhere
		}
		whole, werr := Check(h, Options{})
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		streamed, sh, serr := CheckStream(f, path, Options{})
		f.Close()
		if (werr == nil) != (serr == nil) {
			t.Errorf("%s: whole error %v, streamed error %v", path, werr, serr)
			continue
		}
		if werr != nil {
			continue
		}
		// Porcupine's models hold functions, which never compare equal.
		for _, r := range []*Result{whole, streamed} {
			for i := range r.Failures {
				r.Failures[i].Info, r.Failures[i].model = porcupine.LinearizationInfo{}, porcupine.Model{}
			}
		}
		if !reflect.DeepEqual(whole, streamed) {
			t.Errorf("%s: streamed result differs:\nwhole    %+v\nstreamed %+v", path, whole, streamed)
		}
		if sh.Events != nil || !reflect.DeepEqual(sh.Header, h.Header) {
			t.Errorf("%s: streamed history %+v", path, sh.Header)
		}
	}
}

// TestStreamStopsWhenInterrupted: a check whose context is done returns
// ErrInterrupted, never a verdict.
func TestStreamStopsWhenInterrupted(t *testing.T) {
	f, err := os.Open("testdata/users-valid.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, _, err := CheckStreamContext(ctx, f, "users-valid.jsonl", Options{})
	if !errors.Is(err, ErrInterrupted) || res != nil {
		t.Fatalf("result %v, error %v; want ErrInterrupted and no result", res, err)
	}
	h, err := history.ReadFile("testdata/users-valid.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if res, err := CheckContext(ctx, h, Options{}); !errors.Is(err, ErrInterrupted) || res != nil {
		t.Fatalf("CheckContext: result %v, error %v; want ErrInterrupted and no result", res, err)
	}
	if res, err := CheckContext(context.Background(), h, Options{}); err != nil || res.Verdict != Valid {
		t.Fatalf("CheckContext, not interrupted: %v, %v; want valid", res, err)
	}
	stop := make(chan struct{})
	close(stop)
	ops, _ := pairOps(h.Events)
	for i, r := range runPartitions(partitionOps(ops), newModels(), time.Time{}, stop) {
		if r != porcupine.Unknown {
			t.Errorf("partition %d checked after stop: %v", i, r)
		}
	}
}
