package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/d1check/d1check/selftest"
	"github.com/spf13/cobra"
)

func newSelftestCmd(g *globals) *cobra.Command {
	var seeds, ops, parallel int
	var out string
	var only []string
	cmd := &cobra.Command{
		Use:   "selftest",
		Short: "Prove d1check catches every planted bug, and raises no false alarm",
		Long: `Selftest runs the detection matrix: every bug planted in the embedded emulator
(ignore-bookmark, lying-bookmark, lost-write, out-of-order, non-atomic-batch,
plain-reads-replica), on each workload that can expose it, over many seeds, must
be detected by the intended check with the intended kind of anomaly within the
cell's op bound; and every correct configuration, with and without every fault,
and the same traffic without each bug, must raise no alarm.

It prints the matrix, writes it to --out as index.html and summary.md, and exits
0 when every bug was detected on every seed with no false alarm, 1 otherwise.`,
		Example: `  d1check selftest
  d1check selftest --seeds 5 --out /tmp/selftest`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts := selftest.Options{Seeds: seeds, Ops: ops, Parallel: parallel, Workloads: only, Progress: func(done, total int, what string) {
				fmt.Fprintf(g.stderr, "selftest: %d/%d %s\n", done, total, what)
			}}
			m, err := selftest.Run(cmd.Context(), opts)
			if ctx := cmd.Context(); ctx.Err() != nil {
				return interruptedErr(ctx, "selftest", "no matrix and no report: the runs under way were stopped")
			}
			if err != nil {
				return harnessErr(err)
			}
			if err := selftest.WriteTable(g.stdout, m); err != nil {
				return harnessErr(err)
			}
			if out != "" {
				if err := writeSelftest(out, m); err != nil {
					return harnessErr(err)
				}
				fmt.Fprintf(g.stderr, "selftest: report in %s\n", filepath.Join(out, "index.html"))
			}
			if !m.OK() {
				return &exitError{code: exitInvalid, err: fmt.Errorf("selftest failed"), quiet: true}
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&seeds, "seeds", selftest.DefaultSeeds, "seeds per cell and control")
	cmd.Flags().IntVar(&ops, "ops", 0, "op bound of every run (0: each cell's own bound, shown in the table)")
	cmd.Flags().IntVar(&parallel, "parallel", 0, fmt.Sprintf("runs at once (0: %d)", selftest.DefaultParallel))
	cmd.Flags().StringVarP(&out, "out", "o", "", "write index.html and summary.md to this directory")
	cmd.Flags().StringSliceVar(&only, "workload", nil, "only the cells and controls of these workloads (repeat or comma-separate)")
	accept(cmd, "seeds", &seeds, positive, "at least 1")
	accept(cmd, "ops", &ops, nonNegative, "a positive op bound, or 0 for each cell's own")
	accept(cmd, "parallel", &parallel, nonNegative, fmt.Sprintf("a positive number of runs, or 0 for %d", selftest.DefaultParallel))
	accept(cmd, "workload", &only, allIn(selftest.Workloads()), oneOf(selftest.Workloads()))
	return cmd
}

// writeSelftest writes the matrix's report into dir.
func writeSelftest(dir string, m selftest.Matrix) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "index.html"), func(f *os.File) error { return selftest.WriteHTML(f, m) }); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, "summary.md"), func(f *os.File) error { return selftest.WriteMarkdown(f, m) })
}
