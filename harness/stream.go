package harness

import (
	"context"
	"os"

	"github.com/d1check/d1check/checker"
)

// CheckFileStream is CheckFile without keeping the file's events: the
// checker pairs them into operations as they are read, so a long history
// checks in a fraction of the memory. The Run's History has the header
// and what the reader noticed, but no Events (summary.json's counts need
// CheckFile). It stops with checker.ErrInterrupted soon after ctx is
// done.
func CheckFileStream(ctx context.Context, path string, opts checker.Options) (Run, error) {
	f, err := os.Open(path)
	if err != nil {
		return Run{}, err
	}
	defer f.Close()
	res, h, err := checker.CheckStreamContext(ctx, f, path, opts)
	if err != nil {
		return Run{}, err
	}
	return Run{HistoryPath: path, History: h, Result: res}, nil
}
