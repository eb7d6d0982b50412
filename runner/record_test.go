package runner

import (
	"testing"

	"github.com/d1check/d1check/workloads"
)

// TestCompletion: each of a workload's outcomes is recorded as the
// history's completion of the same name.
func TestCompletion(t *testing.T) {
	for _, o := range []workloads.Outcome{workloads.OK, workloads.Fail, workloads.Info} {
		if got := completion(o); string(got) != o.String() {
			t.Errorf("outcome %s is recorded as %s", o, got)
		}
	}
}
