package reports

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Output file names inside a report directory. history.jsonl is written by
// the runner, not here.
const (
	FileHTML     = "index.html"
	FileJUnit    = "junit.xml"
	FileSummary  = "summary.json"
	FileMarkdown = "summary.md"
)

// WriteAll writes index.html, junit.xml, summary.json and summary.md into
// dir, creating it if needed. Each file is written to a temporary name and
// renamed, so a reader (or a CI step) never sees a half-written report.
func WriteAll(dir string, r *Report) error {
	pr, err := prepare(r)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	var errs []error
	for _, f := range []struct {
		name  string
		write func(io.Writer, *prepared) error
	}{
		{FileHTML, writeHTML},
		{FileJUnit, func(w io.Writer, pr *prepared) error { return WriteJUnit(w, pr.r) }},
		{FileSummary, writeSummaryJSON},
		{FileMarkdown, writeSummaryMarkdown},
	} {
		if err := writeFile(filepath.Join(dir, f.name), func(w io.Writer) error { return f.write(w, pr) }); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func writeFile(path string, write func(io.Writer) error) error {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return fmt.Errorf("reports: %s: %w", filepath.Base(path), err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("reports: %w", err)
	}
	return nil
}
