// Package rest is a d1.Transport over Cloudflare's D1 REST API, through
// cloudflare-go v6: for schema setup, final reads on the primary, and
// turning read replication on and off on a real account — or on
// `d1check emulate`, which serves the same API.
//
// REST has no sessions ("Sessions API is only available via the D1 Worker
// Binding"): every request, session or plain, is served by the primary and
// returns no bookmark, so a d1.Session over this transport never holds one.
// Session traffic under test goes through the driver Worker
// (targets/worker); this transport is for the harness's own statements.
//
// Retries are off (option.WithMaxRetries(0)): cloudflare-go retries
// 408/409/429/5xx by default, which would send a non-idempotent write twice
// behind the history's back. A 5xx, 429 or network failure is a
// *d1.TransportError (outcome unknown); a SQL error (HTTP 400, code 7500) is
// the *d1.Error the binding would have thrown, "D1_ERROR: " prefix restored.
package rest
