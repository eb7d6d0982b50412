// Package all registers every workload with package workloads; import it
// for its side effect where workloads are looked up by name.
package all

import (
	_ "github.com/d1check/d1check/workloads/auth"         // registers "auth"
	_ "github.com/d1check/d1check/workloads/catalog"      // registers "catalog"
	_ "github.com/d1check/d1check/workloads/cdn"          // registers "cdn"
	_ "github.com/d1check/d1check/workloads/domainsearch" // registers "domain-search"
	_ "github.com/d1check/d1check/workloads/magiccodes"   // registers "magic-codes"
	_ "github.com/d1check/d1check/workloads/users"        // registers "users"
)
