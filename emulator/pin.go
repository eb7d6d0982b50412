package emulator

import (
	"sync"

	"modernc.org/libc"
)

// pinAllocatorPages keeps one block of each of the C allocator's shared
// size classes allocated for the life of the process.
//
// Why: SQLite here is Go transpiled from C, and its malloc
// (modernc.org/memory) carves blocks of up to 16 KiB out of 64 KiB pages
// it maps with mmap, one page per size class, and unmaps a page as soon
// as its last block is freed. A B-tree page split (balance_nonroot)
// allocates a scratch buffer of several KiB and frees it at once; when
// nothing else of that size is alive, every split mapped a fresh page,
// faulted it in and unmapped it: about a quarter of the CPU time of a
// single-row INSERT replicated to six replicas (BenchmarkInsertPrimary,
// profiled). One block held in each class keeps its page mapped, so the
// scratch buffer is reused instead. It costs one mapped page per class,
// about 0.7 MiB of address space, little of it resident.
var pinAllocatorPages = sync.OnceFunc(func() {
	tls := libc.NewTLS()
	defer tls.Close()
	for log := 4; log <= 14; log++ {
		libc.Xmalloc(tls, 1<<(log-1)+1) // a block of class 2^log; never freed
	}
})
