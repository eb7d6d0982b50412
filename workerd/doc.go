// Package workerd runs Cloudflare's open-source Workers runtime, workerd,
// with a Worker whose D1 bindings are answered by d1check's emulator.
//
// workerd's D1 binding is a wrapped binding: the runtime's JavaScript
// module cloudflare-internal:d1-api (the real withSession() parsing,
// keep-the-newest bookmark rule, bind() type rules and error wrapping)
// over a service called "fetcher". Start writes a workerd config (Cap'n
// Proto text) whose fetcher is an external HTTP service pointing at the
// emulator's server, which speaks the binding protocol
// (docs/binding-protocol.md). So the application's own JavaScript runs
// unmodified while every query it makes is answered by replicated storage
// d1check controls.
//
// One process serves the Worker once per region: each region has its own
// socket and its own D1 service, which injects x-d1check-region into every
// query, so the emulator serves that region's sessions from that region's
// replica, as if the Worker ran at six edge locations.
//
// With the compatibility flag d1_binding_jsrpc the binding calls an RPC
// method instead of sending HTTP; each D1 binding's fetcher is then a small
// forwarding Worker in the same config (forwarder.js) that turns the call
// into the binding protocol's HTTP request.
//
// The process is owned by the Process Start returns: Stop (or the end of
// Start's context) ends it, and only it, on every path.
package workerd
