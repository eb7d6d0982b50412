package main

import (
	"fmt"
	"strings"

	"github.com/d1check/d1check/harness"
	"github.com/d1check/d1check/scenarios"
	"github.com/d1check/d1check/workloads"
	"github.com/spf13/cobra"
)

func newScenariosCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "scenarios [NAME]",
		Short: "List the built-in scenarios and workloads, or print one scenario's YAML",
		Long: `Without an argument, list the built-in suites (gate: the correct patterns,
expected valid; demo: the migration guide's patterns, expected to fail) and the
workloads with their variants. With a name such as demo/users-unconstrained-none.yaml,
print that scenario's YAML: a starting point for your own.`,
		Example: `  d1check scenarios
  d1check scenarios demo/users-unconstrained-none.yaml > my-scenario.yaml`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				src, err := scenarios.BuiltinSource(strings.TrimPrefix(args[0], "scenarios/"))
				if err != nil {
					return usagef("%s: not a built-in scenario (d1check scenarios lists them)", args[0])
				}
				_, err = g.stdout.Write(src)
				return err
			}
			for _, suite := range scenarios.Suites {
				ss, err := scenarios.Builtin(suite, harness.Catalog{})
				if err != nil {
					return harnessErr(err)
				}
				fmt.Fprintf(g.stdout, "%s/\n", suite)
				for _, s := range ss {
					exp := "valid"
					if s.Expect != nil {
						exp = s.Expect.Verdict
						if len(s.Expect.Anomalies) > 0 {
							exp += " (" + strings.Join(s.Expect.Anomalies, ", ") + ")"
						}
					}
					fmt.Fprintf(g.stdout, "  %-44s %-14s %-28s expect %s\n", strings.TrimPrefix(s.File, scenarios.BuiltinPrefix+suite+"/"), s.Workload, strings.Join(s.Variants, ",")+"/"+s.Bookmarks, exp)
				}
			}
			fmt.Fprintln(g.stdout, "\nworkloads:")
			for _, name := range workloads.Names() {
				w, _ := workloads.Lookup(name)
				fmt.Fprintf(g.stdout, "  %-14s %s\n", name, strings.Join(w.Variants(), ", "))
			}
			return nil
		},
	}
}
