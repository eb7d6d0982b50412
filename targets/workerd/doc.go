// Package workerd is d1check's workerd target: the driver Worker (worker/,
// bundled into driver/index.js by scripts/bundle-worker.sh and embedded in
// the binary) running on real workerd, its env.DB the real D1 binding
// answered by an embedded replicated emulator.
//
// So every Go workload, demo and gate scenario can go through the binding's
// own JavaScript (withSession parsing, keep-the-newest bookmarks, bind()
// rules, error wrapping) against replicas with lag, faults included: the
// emulator is d1check's, so the nemesis acts on it as on the embedded
// target. The driver serves each region on its own socket; a client in
// region R talks to R's socket, whose binding tells the emulator it is R,
// so R's replica serves its sessions. The driver's plain mode uses env.DB
// itself, so the binding decides that no session header is sent.
package workerd
