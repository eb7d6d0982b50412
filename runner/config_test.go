package runner

import (
	"context"
	"strings"
	"testing"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/workloads"
	"github.com/d1check/d1check/workloads/users"
)

func validConfig() Config {
	return Config{
		Workload: users.Workload{},
		Target:   func(string) (*d1.Database, error) { panic("bad input must be refused before the target is used") },
		Clients:  4, Ops: 10, Seed: 1,
		Keys:      workloads.KeySpace{Count: 5, Hot: 0.2, HotKeys: 1},
		Variants:  []string{workloads.Atomic},
		Bookmarks: BookmarksNone,
	}
}

// TestBadInput: each mistake is a clear error before anything runs (the
// target panics if it is touched).
func TestBadInput(t *testing.T) {
	cases := map[string]func(*Config){
		"clients is 0, want at least 1":          func(c *Config) { c.Clients = 0 },
		"keys.hot is 1.5, want a share in [0,1]": func(c *Config) { c.Keys.Hot = 1.5 },
		"keys.hot is -0.5":                       func(c *Config) { c.Keys.Hot = -0.5 },
		`unknown variant "atomik"`:               func(c *Config) { c.Variants = []string{"atomic", "atomik"} },
		"no variant given":                       func(c *Config) { c.Variants = nil },
		`bookmarks is "keep"`:                    func(c *Config) { c.Bookmarks = "keep" },
		"neither ops nor duration":               func(c *Config) { c.Ops = 0 },
		"ops is -1":                              func(c *Config) { c.Ops = -1 },
		"no workload":                            func(c *Config) { c.Workload = nil },
		"no target":                              func(c *Config) { c.Target = nil },
		"keys.count is 0":                        func(c *Config) { c.Keys.Count = 0 },
	}
	for want, mutate := range cases {
		c := validConfig()
		mutate(&c)
		_, err := Run(context.Background(), c)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: Run error = %v", want, err)
		}
	}
	if c := validConfig(); c.Validate() != nil {
		err := c.Validate()
		t.Errorf("valid config refused: %v", err)
	}
}

func TestOpsSplit(t *testing.T) {
	c := validConfig()
	c.Clients, c.Ops = 4, 10
	total := 0
	for i := 0; i < 4; i++ {
		total += c.opsFor(i)
	}
	if total != 10 || c.opsFor(0) != 3 || c.opsFor(3) != 2 {
		t.Errorf("split of 10 over 4: total %d, first %d, last %d", total, c.opsFor(0), c.opsFor(3))
	}
	c.Ops, c.Duration = 0, 1
	if c.opsFor(0) != -1 {
		t.Error("a duration-bound client has a limit")
	}
}
