package domainsearch

import (
	"context"
	"fmt"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/workloads"
)

// Status is what a read of a job showed, in the checker's versioned
// forms: not found is {below: 1}, pending {version: 1}, complete
// {version: 4}, and running {at_least: 2, below: 4}, since a running job
// may or may not have its results yet and a status read cannot tell.
type Status struct {
	Status  string `json:"status"` // "absent" when the job is not found
	Version *int64 `json:"version,omitempty"`
	AtLeast *int64 `json:"at_least,omitempty"`
	Below   *int64 `json:"below,omitempty"`
}

func ptr(n int64) *int64 { return &n }

// statusOf maps a job row's status onto the job's versions.
func statusOf(row d1.Row) (Status, error) {
	if row == nil {
		return Status{Status: "absent", Below: ptr(Submitted)}, nil
	}
	s, _ := row.String("status")
	switch s {
	case "pending":
		return Status{Status: s, Version: ptr(Submitted)}, nil
	case "running":
		return Status{Status: s, AtLeast: ptr(Started), Below: ptr(Completed)}, nil
	case "complete":
		return Status{Status: s, Version: ptr(Completed)}, nil
	}
	return Status{}, fmt.Errorf("domain-search: job row %v has an unknown status", row)
}

// Results is what getJobResults showed: how many results, and whether
// the results step (version 3) was there.
type Results struct {
	Results int `json:"results"`
	workloads.Presence
}

// domains are the results every job finds.
var domains = [...]struct {
	name      string
	available bool
}{{"example.dev", true}, {"example.app", false}, {"example.io", true}}

// jobs is db.ts's search-job functions, and the worker's writes, on one
// variant's tables.
type jobs struct {
	conn workloads.Preparer
	t    tables
}

// advance runs one step of a job's life. Each step after the submit is
// guarded on the status the previous step left, so a step that comes too
// early (the worker ran before the submit committed) changes nothing,
// and is recorded as failed rather than as a version the job never had.
func (j jobs) advance(ctx context.Context, a Args) (any, error) {
	var st *d1.Statement
	switch a.Version {
	case Submitted:
		st = j.conn.Prepare("INSERT INTO "+j.t.jobs+" (id, tenant, query, status, created_at, updated_at)"+
			" VALUES (?, ?, 'example', 'pending', datetime('now'), datetime('now'))").Bind(a.Job, a.Tenant)
	case Started:
		st = j.conn.Prepare("UPDATE " + j.t.jobs + " SET status = 'running', updated_at = datetime('now')" +
			" WHERE id = ? AND status = 'pending'").Bind(a.Job)
	case Found:
		args := []any{}
		for _, d := range domains {
			args = append(args, d.name, d.available)
		}
		st = j.conn.Prepare("INSERT INTO " + j.t.results + " (job_id, domain, available)" +
			" SELECT j.id, d.column1, d.column2 FROM " + j.t.jobs + " j, (VALUES (?, ?), (?, ?), (?, ?)) d" +
			" WHERE j.id = ? AND j.status = 'running'").Bind(append(args, a.Job)...)
	case Completed:
		st = j.conn.Prepare("UPDATE "+j.t.jobs+" SET status = 'complete', updated_at = datetime('now')"+
			" WHERE id = ? AND status = 'running' AND EXISTS (SELECT 1 FROM "+j.t.results+" WHERE job_id = ?)").Bind(a.Job, a.Job)
	default:
		return nil, fmt.Errorf("domain-search: job %s: version %d is no step (want %d to %d)", a.Job, a.Version, Submitted, Completed)
	}
	r, err := st.Run(ctx)
	if err != nil {
		return nil, err
	}
	if r.Meta.Changes == 0 {
		return nil, workloads.NotApplied(fmt.Errorf("domain-search: job %s: step %d changed nothing: the previous step is not there", a.Job, a.Version))
	}
	return struct{}{}, nil
}

// get is getSearchJob(id).
func (j jobs) get(ctx context.Context, job string) (any, error) {
	row, err := j.conn.Prepare("SELECT * FROM " + j.t.jobs + " WHERE id = ?").Bind(job).First(ctx)
	if err != nil {
		return nil, err
	}
	return statusOf(row)
}

// list is listSearchJobs(tenant); the op records the status it showed of
// its job.
func (j jobs) list(ctx context.Context, a Args) (any, error) {
	if a.Tenant == "" {
		return nil, fmt.Errorf("domain-search: list_jobs for %s names no tenant", a.Job)
	}
	r, err := j.conn.Prepare("SELECT * FROM " + j.t.jobs + " WHERE tenant = ? ORDER BY created_at DESC, id").Bind(a.Tenant).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, row := range r.Results {
		if id, _ := row.String("id"); id == a.Job {
			return statusOf(row)
		}
	}
	return statusOf(nil)
}

// results is getJobResults(id).
func (j jobs) results(ctx context.Context, job string) (any, error) {
	r, err := j.conn.Prepare("SELECT * FROM " + j.t.results + " WHERE job_id = ? ORDER BY id").Bind(job).All(ctx)
	if err != nil {
		return nil, err
	}
	n := len(r.Results)
	if n != 0 && n != len(domains) {
		return nil, fmt.Errorf("domain-search: job %s has %d results, want 0 or %d: the insert is one statement", job, n, len(domains))
	}
	return Results{Results: n, Presence: workloads.PresenceOf(n > 0, Found)}, nil
}
