package main

import (
	"fmt"
	"net"
	"os"
	"time"

	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/emulator/server"
	"github.com/d1check/d1check/harness"
	"github.com/d1check/d1check/scenarios"
	"github.com/spf13/cobra"
)

func newEmulateCmd(g *globals) *cobra.Command {
	var listen, scenarioFile, secret, tracePath string
	var lag time.Duration
	var seed int64
	cmd := &cobra.Command{
		Use:   "emulate",
		Short: "Serve the replicated emulator over HTTP: the driver protocol, workerd's D1 binding protocol and the D1 REST API",
		Long: `Emulate runs the embedded replicated D1 as a server, until interrupted (exit
130 on SIGINT, 143 on SIGTERM, as a shell expects):

  POST /query       the driver protocol (the same the driver Worker speaks);
                    x-d1-bookmark carries the constraint or bookmark and
                    x-d1check-region says which region's replica serves reads
  POST /query?resultsFormat=…, POST /execute?resultsFormat=…
                    workerd's D1 binding protocol: point a Worker's D1
                    binding at this address (docs/binding-protocol.md)
  GET  /status      each instance's applied bookmark: watch replication
  /client/v4/accounts/{account}/d1/database/{db}/query and /raw
                    the D1 REST API (primary only, as on Cloudflare), so
                    cloudflare-go with option.WithBaseURL works unchanged

A scenario with target.kind: worker and url: http://127.0.0.1:8787 then runs
against it exactly as against the driver Worker on workerd.

--trace FILE writes every query answered (region, bookmark in and out, who
served it at which position, time) as JSON lines when the server stops.

--lag sets one constant replication lag for every region; --scenario takes the
replication model from a scenario file's target section instead.`,
		Example: `  d1check emulate --listen 127.0.0.1:8787 --lag 300ms
  curl -s localhost:8787/status`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg := emulator.Config{Seed: seed, DefaultLag: emulator.Constant(lag)}
			if scenarioFile != "" {
				if cmd.Flags().Changed("lag") {
					return usagef("give --lag or --scenario, not both")
				}
				s, err := scenarios.ParseFile(scenarioFile, harness.Catalog{})
				if err != nil {
					return usageErr(err)
				}
				cfg = harness.EmulatorConfig(s)
				if cmd.Flags().Changed("seed") {
					cfg.Seed = seed
				}
			}
			emu, err := emulator.New(cfg)
			if err != nil {
				return usageErr(err)
			}
			g.log.Debug("emulator started", "lag", cfg.DefaultLag.String(), "round_trip", cfg.RoundTrip.String(), "seed", cfg.Seed)
			defer emu.Close()
			opts := server.Options{Secret: secret}
			if tracePath != "" {
				opts.Trace = server.NewTrace(0)
			}
			srv, err := server.New(emu, opts)
			if err != nil {
				return usageErr(err)
			}
			err = server.ListenAndServe(cmd.Context(), listen, srv, func(a net.Addr) {
				fmt.Fprintf(g.stdout, "d1check emulate: serving a primary and %d replicas on http://%s (Ctrl-C stops)\n", len(emu.Status().Replicas), a)
			})
			if err != nil {
				return harnessErr(err)
			}
			left := "the server stopped"
			if opts.Trace != nil {
				if err := opts.Trace.Save(tracePath); err != nil {
					return harnessErr(err)
				}
				left += "; every query it answered is in " + tracePath
			}
			return interruptedErr(cmd.Context(), "emulate", left)
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:8787", "address to serve on")
	cmd.Flags().DurationVar(&lag, "lag", 0, "constant replication lag for every region")
	cmd.Flags().StringVar(&scenarioFile, "scenario", "", "take the replication model from this scenario's target section")
	cmd.Flags().Int64Var(&seed, "seed", 1, "seed for the lag draws")
	cmd.Flags().StringVar(&tracePath, "trace", "", "write every answered query to this file (JSON lines) when the server stops")
	accept(cmd, "listen", &listen, hostPort, "HOST:PORT, e.g. 127.0.0.1:8787 (port 0: any free port)")
	accept(cmd, "lag", &lag, nonNegative, "a duration of 0 or more, such as 300ms")
	accept(cmd, "trace", &tracePath, inDirectory, "a file in a directory that exists (it is written when the server stops)")
	cmd.Flags().StringVar(&secret, "secret", os.Getenv(harness.EnvWorkerSecret), "require this shared secret (default $"+harness.EnvWorkerSecret+")")
	return cmd
}
