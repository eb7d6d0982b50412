package soak

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/history"
	"github.com/d1check/d1check/scenarios"
)

// countingWriter counts the bytes written through it, so the soak knows
// where in the history file each window's events start.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// readWindow reads the events written to the history file f between byte
// offsets from and to: one window's, complete, since the writer flushes
// every event and the window has ended. Each event's Line is its line in
// the whole file (the header is line 1, event i is line i+2), so errors
// and anomalies name the file's own lines.
func readWindow(f *os.File, from, to int64) ([]history.Event, error) {
	br := bufio.NewReaderSize(io.NewSectionReader(f, from, to-from), 64<<10)
	var evs []history.Event
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			var e history.Event
			if jerr := json.Unmarshal(line, &e); jerr != nil {
				return nil, fmt.Errorf("soak: reading back the window's event after %d: %w", len(evs), jerr)
			}
			e.Line = e.Index + 2
			evs = append(evs, e)
		}
		if errors.Is(err, io.EOF) {
			return evs, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// resetDatabase drops every table on the primary, so the next window
// starts from an empty database: its keys are recorded under a namespace
// of their own, and must be fresh entities in the database too. The runner
// creates the next scenario's tables and waits for every replica to have
// them before traffic starts.
func resetDatabase(ctx context.Context, primary *d1.Database) error {
	res, err := primary.Prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).All(ctx)
	if err != nil {
		return fmt.Errorf("soak: listing tables: %w", err)
	}
	for _, row := range res.Results {
		name, ok := row.String("name")
		if !ok {
			continue
		}
		if _, err := primary.Prepare(`DROP TABLE IF EXISTS "` + strings.ReplaceAll(name, `"`, `""`) + `"`).Run(ctx); err != nil {
			return fmt.Errorf("soak: dropping table %s: %w", name, err)
		}
	}
	return nil
}

// windowScenario is s as window w of length d runs it: bounded by time
// only, with a seed of its own (so windows do not replay the same
// traffic), and its fault schedule scaled from s's duration to d when s
// has one, so that a short window still goes through every fault.
func windowScenario(s *scenarios.Scenario, w int, d time.Duration) *scenarios.Scenario {
	ws := *s
	ws.Ops, ws.Duration, ws.Seed = 0, d, s.Seed+int64(w)
	ws.Faults = append([]scenarios.Fault(nil), s.Faults...)
	if s.Duration > 0 && d != s.Duration {
		scale := func(t time.Duration) time.Duration {
			return time.Duration(float64(t) * float64(d) / float64(s.Duration))
		}
		for i := range ws.Faults {
			ws.Faults[i].At, ws.Faults[i].For = scale(ws.Faults[i].At), scale(ws.Faults[i].For)
		}
	}
	return &ws
}
