package workloads

import (
	"math/rand/v2"
	"strings"
)

// NewRand is client's own random source: derived from the run's seed and
// the client id only, so a client's intended ops never depend on timing or
// on other clients.
func NewRand(seed int64, client int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), uint64(client)*0x9e3779b97f4a7c15+1))
}

// Email names a user of the given variant. The variant is part of the
// address, so a key is one entity in one variant's tables: a checker that
// partitions by key never mixes two variants, even in a mixed run.
func Email(name, variant string) string {
	return strings.ToLower(name + "." + variant + "@x.test")
}

// TablePrefix starts the name of every table a workload creates. The
// runner drops such tables before a run, so a run against a database that
// earlier runs used still starts from empty tables; a table without the
// prefix (the application's own) is never dropped.
const TablePrefix = "d1check_"

// Table names a variant's own copy of a table, so variants running side by
// side never touch each other's rows (a unique index in one and none in
// another cannot share a table).
func Table(base, variant string) string {
	return TablePrefix + base + "_" + strings.ReplaceAll(variant, "-", "_")
}

// Generation says which generation of hot keys op number seq of a client
// belongs to, and its slot in it. Hot keys are named after their
// generation, so every client that reaches a generation meets the same
// fresh keys at about the same time: the runner keeps clients within a few
// ops of each other, which turns "same generation" into "same moment".
func Generation(seq, period int) (gen, slot int) {
	return seq / period, seq % period
}
