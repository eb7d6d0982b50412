// Package worker is the Go client of d1check's driver protocol
// (driverproto): one d1.Transport for every driver — the
// TypeScript Worker in worker/ on local workerd (`wrangler dev`) or on
// Cloudflare, and the emulator's HTTP server (`d1check emulate`).
//
// Its errors follow d1.Transport's contract, which decides how the runner
// records an operation:
//   - an error D1 reported (the driver answered {"error":"D1_…"}) is a
//     *d1.Error, parsed back with d1.ParseError so that it tests the same
//     on every target;
//   - everything else — a timeout, a refused or dropped connection, a
//     response that is not the driver protocol, an exception in the Worker —
//     is a *d1.TransportError: the request may or may not have run, so a
//     write that fails this way is recorded as info, never as a guess.
//
// Ping checks, before any traffic, that the URL answers, that it is a
// d1check driver and that the secret is accepted, with a message that says
// what to check: a run that never reached the database must fail before it
// starts, not produce a verdict.
package worker
