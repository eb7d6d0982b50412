// Command d1check decides whether an application's D1 access patterns stay
// correct when read replication is on. This package only wires: flags,
// logging, exit codes. The work is in harness, checker and reports.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run is main without os.Exit, so testscript can call it in process.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := interruptContext(context.Background())
	defer stop()
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	var err error
	if _, _, ferr := root.Find(args); ferr != nil {
		err = usagef("%v (d1check --help lists the commands)", ferr) // unknown command
	} else {
		err = signalExit(ctx, root.ExecuteContext(ctx))
	}
	if e, ok := err.(*exitError); err != nil && !(ok && e.quiet) {
		fmt.Fprintf(stderr, "d1check: %v\n", err)
	}
	return codeOf(err)
}

// globals are the flags every command shares.
type globals struct {
	stdout, stderr io.Writer
	verbose        bool
	log            *slog.Logger
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	g := &globals{stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "d1check",
		Short: "Is your D1 code safe with read replication on?",
		Long: `d1check drives concurrent, realistic traffic against Cloudflare D1 — an embedded
replicated emulator by default — records every operation, checks the history for
linearizability, D1's session guarantees and application invariants, and writes
an HTML report plus CI outputs (junit.xml, summary.json, summary.md).

Exit codes: 0 valid, 1 invalid, 2 unknown, 254 bad arguments or scenario,
255 harness or target failure, 130 or 143 interrupted (SIGINT, SIGTERM).`,
		Example: `  d1check run                         the gate suite on the embedded emulator
  d1check run scenarios/demo/users-unconstrained-none.yaml
                                      watch the migration guide's pattern fail
  d1check scenarios                   list the built-in scenarios
  d1check check out/<run-id>/users-atomic/history.jsonl
                                      re-check a saved history: a run writes one
                                      per scenario, in out/<run-id>/<scenario>/
                                      (in out/<run-id>/ when one scenario ran)`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			level := slog.LevelWarn
			if g.verbose {
				level = slog.LevelDebug
			}
			g.log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().BoolVarP(&g.verbose, "verbose", "v", false, "log what d1check does (to stderr)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr(err) })
	root.AddCommand(
		newRunCmd(g), newGateCmd(g), newCheckCmd(g), newReportCmd(g),
		newScenariosCmd(g), newVersionCmd(g), newEmulateCmd(g), newSoakCmd(g), newSelftestCmd(g), newShrinkCmd(g),
	)
	// cobra adds help and completion only inside Execute, after run's
	// unknown-command check has refused them: added here, they work, and
	// get examples like every other command.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		c.Args = wrapArgs(c.Args)
		switch c.Name() {
		case "help":
			c.Example = "  d1check help run\n  d1check help soak"
		case "completion":
			c.Example = "  source <(d1check completion bash)\n  d1check completion zsh > \"${fpath[1]}/_d1check\""
			for _, shell := range c.Commands() {
				shell.Example = "  d1check completion " + shell.Name() + " > d1check-completion." + shell.Name()
			}
		}
	}
	return root
}

// wrapArgs makes cobra's argument-count errors exit 254.
func wrapArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	if check == nil {
		return nil
	}
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usagef("%v (see d1check %s --help)", err, cmd.Name())
		}
		return nil
	}
}
