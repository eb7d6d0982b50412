// Package domainsearch is phase 4 of the migration guide: domain search
// reads (domains/src/lib/server/db.ts: getSearchJob, listSearchJobs,
// getJobResults, getActiveConfig). A user submits a search; a background
// worker starts the job, inserts its results and only then marks it
// complete; the user's page polls the job's status and its results.
// Tenant admins change the search config, which getActiveConfig reads.
//
// A job is a versioned entity: submitted (1, pending), started (2,
// running), results inserted (3, still running) and completed (4), each
// step written once, in order, and guarded on the previous status so a
// step that comes too early changes nothing (and fails) instead of
// skipping one. A poller must never see the status go back, and must see
// the results once it has seen "complete": the results were written
// before. A tenant's config is versioned too, and reads of it must be
// monotonic. Both hold only when the client carries the bookmark.
package domainsearch

import (
	"context"
	"fmt"

	"github.com/d1check/d1check/opspec"
	"github.com/d1check/d1check/workloads"
)

// The ops of this workload (opspec declares them and their models). Job
// ops are keyed by job id, config ops by tenant; listSearchJobs reads a
// tenant's jobs and records what it showed of the one job the user was
// looking for (the op's key).
const (
	FAdvance   = opspec.FAdvanceJob // {job, tenant, version} -> {}: submit (1), start (2), results (3), complete (4)
	FGetJob    = opspec.FGetJob     // getSearchJob(id): {job} -> Status
	FListJobs  = opspec.FListJobs   // listSearchJobs(tenant): {job, tenant} -> Status of that job
	FResults   = opspec.FGetResults // getJobResults(id): {job} -> Results
	FSetConfig = opspec.FSetConfig  // {tenant, version} -> {}
	FGetConfig = opspec.FGetConfig  // getActiveConfig(tenant): {tenant} -> Config
)

// The job's versions: what each step of its life makes it.
const (
	Submitted int64 = iota + 1 // pending
	Started                    // running
	Found                      // results inserted, still running
	Completed                  // complete
)

// Args is every op's invoke value. Job ops name Job (their key) and, to
// submit or list, its Tenant; config ops name Tenant (their key).
type Args struct {
	Job    string `json:"job,omitempty"`
	Tenant string `json:"tenant"`
	// Version is what a write makes its job or config.
	Version int64 `json:"version,omitempty"`
	// Final marks the final read: on the primary, after the traffic.
	Final bool `json:"final,omitempty"`
}

// Workload is the domain-search workload.
type Workload struct{}

func init() { workloads.Register(Workload{}) }

// Name implements workloads.Workload.
func (Workload) Name() string { return opspec.DomainSearch.Name }

// Variants implements workloads.Workload: like phases 2 and 3, the
// functions take "D1Database | D1Session", so the variants are env.DB
// (plain) and the request's session (unconstrained).
func (Workload) Variants() []string { return []string{workloads.Plain, workloads.Unconstrained} }

// Schema gives each variant its own jobs, results and config tables.
func (Workload) Schema(variants []string) []string {
	var ddl []string
	for _, v := range variants {
		t := tablesOf(v)
		ddl = append(ddl,
			"CREATE TABLE IF NOT EXISTS "+t.jobs+" (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, query TEXT NOT NULL,"+
				" status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)",
			"CREATE INDEX IF NOT EXISTS "+t.jobs+"_tenant ON "+t.jobs+" (tenant)",
			"CREATE TABLE IF NOT EXISTS "+t.results+" (id INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL,"+
				" domain TEXT NOT NULL, available INTEGER NOT NULL)",
			"CREATE INDEX IF NOT EXISTS "+t.results+"_job ON "+t.results+" (job_id)",
			"CREATE TABLE IF NOT EXISTS "+t.config+" (tenant TEXT NOT NULL, version INTEGER NOT NULL,"+
				" active INTEGER NOT NULL, settings TEXT NOT NULL, PRIMARY KEY (tenant, version))")
	}
	return ddl
}

// tables are one variant's tables.
type tables struct{ jobs, results, config string }

func tablesOf(variant string) tables {
	return tables{
		jobs:    workloads.Table("search_jobs", variant),
		results: workloads.Table("search_results", variant),
		config:  workloads.Table("search_config", variant),
	}
}

// FinalRead maps every job op to get_job on the primary and every config
// op to get_config.
func (Workload) FinalRead(op workloads.Op) (workloads.Op, bool) {
	a, ok := op.Value.(Args)
	if !ok || a.Final {
		return workloads.Op{}, false
	}
	if isConfigOp(op.F) {
		return workloads.Op{F: FGetConfig, Key: a.Tenant, Value: Args{Tenant: a.Tenant, Final: true}}, true
	}
	return workloads.Op{F: FGetJob, Key: a.Job, Value: Args{Job: a.Job, Tenant: a.Tenant, Final: true}}, true
}

func isConfigOp(f string) bool { return f == FSetConfig || f == FGetConfig }

// Do implements workloads.Workload.
func (Workload) Do(ctx context.Context, env *workloads.Env, variant string, op workloads.Op) (any, error) {
	a, ok := op.Value.(Args)
	if !ok {
		return nil, fmt.Errorf("domain-search: op %s: value is %T, want domainsearch.Args", op.F, op.Value)
	}
	key := a.Job
	if isConfigOp(op.F) {
		key = a.Tenant
	}
	if key == "" || key != op.Key {
		return nil, fmt.Errorf("domain-search: op %s: key %q is not the op's job or tenant in %+v", op.F, op.Key, a)
	}
	conn, err := env.RequestConn(variant, a.Final)
	if err != nil {
		return nil, fmt.Errorf("domain-search: %w", err)
	}
	t := tablesOf(variant)
	switch op.F {
	case FAdvance:
		return jobs{conn, t}.advance(ctx, a)
	case FGetJob:
		return jobs{conn, t}.get(ctx, a.Job)
	case FListJobs:
		return jobs{conn, t}.list(ctx, a)
	case FResults:
		return jobs{conn, t}.results(ctx, a.Job)
	case FSetConfig:
		return configs{conn, t.config}.set(ctx, a)
	case FGetConfig:
		return configs{conn, t.config}.active(ctx, a.Tenant)
	}
	return nil, fmt.Errorf("domain-search: unknown op %q", op.F)
}
