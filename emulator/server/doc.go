// Package server serves an emulator over HTTP, so that everything that
// speaks to real D1 over the network can speak to the emulator unchanged:
//
//   - d1check's driver protocol (driverproto): POST /query with
//     x-d1-bookmark, and x-d1check-region to say which region's replica a
//     session reads from; GET /status with each instance's applied bookmark,
//     so a test can watch replication from outside. The client in
//     targets/worker speaks it to this server and to the Worker alike.
//   - workerd's D1 binding protocol: POST /query and /execute with a
//     resultsFormat parameter (which the driver protocol never has), one
//     statement or a batch, the session's constraint or bookmark in
//     x-cf-d1-session-commit-token (absent: plain env.DB, the primary) and
//     the bookmark to keep in the answer's; the region in x-d1check-region,
//     which workerd's per-region services inject. So the real binding code
//     of a Worker on workerd runs against replicas (package workerd;
//     docs/binding-protocol.md).
//   - the D1 REST API's query endpoints, POST
//     /client/v4/accounts/{account_id}/d1/database/{database_id}/query and
//     /raw, served by the primary as on Cloudflare (REST has no sessions),
//     in Cloudflare's envelope, so cloudflare-go pointed at this server with
//     option.WithBaseURL works unchanged; and GET/PUT/PATCH of the database
//     itself, for read_replication.mode.
//
// All three share one listener. Options.Trace records every query the
// driver and binding protocols answer: region, session or plain, bookmark
// in and out, the serving instance and its position, time.
//
// Turning read replication off ("disabled") makes every session request go
// to the primary, as on a D1 database without replicas; bookmarks still
// flow.
package server
