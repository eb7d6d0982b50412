package domainsearch

import (
	"context"
	"fmt"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/workloads"
)

// Config is what getActiveConfig showed: the active version, null when
// the tenant has none yet.
type Config struct {
	Version *int64 `json:"version"`
}

// configs is the tenant search config on one variant's table.
type configs struct {
	conn  workloads.Batcher
	table string
}

// set is the admin saving a tenant's config: the old version goes
// inactive and the new one active, in one batch (one transaction), so
// a tenant never has two active configs. Saving a version again (a double
// click) fails on the (tenant, version) primary key, and being one
// transaction, changes nothing: the version saved first stays active.
func (c configs) set(ctx context.Context, a Args) (any, error) {
	b := c.conn
	if a.Version < 1 {
		return nil, fmt.Errorf("domain-search: config of %s: version %d, want at least 1", a.Tenant, a.Version)
	}
	_, err := b.Batch(ctx, []*d1.Statement{
		b.Prepare("UPDATE " + c.table + " SET active = 0 WHERE tenant = ? AND active = 1").Bind(a.Tenant),
		b.Prepare("INSERT INTO "+c.table+" (tenant, version, active, settings) VALUES (?, ?, 1, ?)").
			Bind(a.Tenant, a.Version, fmt.Sprintf(`{"tlds":%d}`, a.Version)),
	})
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

// active is getActiveConfig(tenant).
func (c configs) active(ctx context.Context, tenant string) (any, error) {
	r, err := c.conn.Prepare("SELECT * FROM " + c.table + " WHERE tenant = ? AND active = 1").Bind(tenant).All(ctx)
	if err != nil {
		return nil, err
	}
	switch len(r.Results) {
	case 0:
		return Config{}, nil
	case 1:
		v, ok := r.Results[0].Int("version")
		if !ok {
			return nil, fmt.Errorf("domain-search: config row %v has no integer version", r.Results[0])
		}
		return Config{Version: &v}, nil
	}
	return nil, fmt.Errorf("domain-search: tenant %s has %d active configs, want at most 1", tenant, len(r.Results))
}
