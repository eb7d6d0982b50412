// Package server serves an emulator over HTTP, so that everything that
// speaks to real D1 over the network can speak to the emulator unchanged:
//
//   - d1check's driver protocol (driverproto): POST /query with
//     x-d1-bookmark, and x-d1check-region to say which region's replica a
//     session reads from; GET /status with each instance's applied bookmark,
//     so a test can watch replication from outside. The client in
//     targets/worker speaks it to this server and to the Worker alike.
//   - the D1 REST API's query endpoints, POST
//     /client/v4/accounts/{account_id}/d1/database/{database_id}/query and
//     /raw, served by the primary as on Cloudflare (REST has no sessions),
//     in Cloudflare's envelope, so cloudflare-go pointed at this server with
//     option.WithBaseURL works unchanged; and GET/PUT/PATCH of the database
//     itself, for read_replication.mode.
//
// Turning read replication off ("disabled") makes every session request go
// to the primary, as on a D1 database without replicas; bookmarks still
// flow.
package server
