package checker

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

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
