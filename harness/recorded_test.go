package harness

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/d1check/d1check/scenarios"
	"github.com/d1check/d1check/sim"
)

// A run's directory gives back the scenario it ran, seed included; a
// directory or file that is not one run's is a ConfigError that says why.
func TestRecordedScenario(t *testing.T) {
	s, err := scenarios.BuiltinFile("demo/users-plain.yaml", Catalog{})
	if err != nil {
		t.Fatal(err)
	}
	s.Seed = 42
	suite := t.TempDir()
	dir := filepath.Join(suite, "users-plain")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "history.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	hw, err := newHistoryWriter(f, s, sim.Epoch)
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(hw.Close(), f.Close()); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{dir, filepath.Join(dir, "history.jsonl")} {
		got, err := RecordedScenario(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if !reflect.DeepEqual(got, s) {
			t.Fatalf("%s: got %+v, want %+v", path, got, s)
		}
	}

	for path, want := range map[string]string{
		suite:                         "holds the runs of a suite; name one of them: " + dir,
		t.TempDir():                   "no history.jsonl here",
		filepath.Join(suite, "nope"):  "no such file",
		filepath.Join(dir, "..", "x"): "no such file",
	} {
		_, err := RecordedScenario(path)
		var ce *ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want a ConfigError saying %q", path, err, want)
		}
	}
}
