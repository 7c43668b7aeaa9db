// Package gateway serves the OpenSky HTTP API (/api/v1) over a Backend: job
// submission, listing, watching, logs, outputs, blob uploads and the
// provider view, with JSON errors that carry a code, a message and a hint.
//
// Routes:
//
//	GET  /healthz                                  {"status":"ok"}
//	GET  /metrics                                  Prometheus metrics
//	GET  /api/v1/node                              api.Node
//	GET  /api/v1/providers                         []api.Provider
//	POST /api/v1/blobs                             raw body -> 201 api.Blob
//	POST /api/v1/jobs                              job spec (JSON or YAML) -> 201 api.Job
//	GET  /api/v1/jobs?phase=&limit=                []api.Job
//	GET  /api/v1/jobs/{id}                         api.Job
//	POST /api/v1/jobs/{id}/cancel?reason=          api.Job
//	GET  /api/v1/jobs/{id}/watch                   NDJSON api.Job per change, until terminal
//	GET  /api/v1/jobs/{id}/logs[?follow=true]      api.Logs, or NDJSON api.TaskLog as tasks finish
//	GET  /api/v1/jobs/{id}/outputs                 []api.OutputFile
//	GET  /api/v1/jobs/{id}/outputs/{shard}/{path}  the file's bytes
//
//	GET  /api/v1/openapi.json                      the OpenAPI 3.0 document of this API
//
//	POST   /api/v1/tokens                          api.TokenRequest -> 201 api.NewToken (signed requests only)
//	GET    /api/v1/tokens                          []api.Token of the caller
//	DELETE /api/v1/tokens/{id}                     204; the token stops working
//
// With WithAuth, every route registered through Server.handle requires a
// request signed with the caller's account key or an API token (package
// auth, docs/api-auth.md), except the public ones: /healthz, /metrics,
// the OpenAPI document, node info, the provider list and the chain's
// status. A handler finds the caller with AccountFrom. Each account sees
// only the jobs it submitted (another's is 404, like a missing one) and
// only its own balance and history; requests are rate-limited per account
// (per remote address without credentials). The web interface then asks
// visitors to sign in with an API token, kept in an HttpOnly, SameSite
// cookie that also authenticates API reads (output downloads) and the
// upload page's POST /api/v1/storage when it carries the page's
// X-Opensky-Csrf token (storage_browser.go). A job that names an escrow
// its submitter did not lock is refused with 402 (handle_submit_escrow.go).
//
// With WithUI, every other path is the web interface (internal/gateway/ui):
// dashboard (/), jobs (/jobs, /jobs/{id} with live updates over
// /jobs/{id}/events), providers (/providers) and chain (/chain).
//
// With a chain (WithChain), under /api/v1/chain:
//
//	GET  /api/v1/chain                             api.ChainInfo (chain ID, height, arbiter, fee)
//	GET  /api/v1/chain/accounts/{address}          ledger.AccountView
//	GET  /api/v1/chain/accounts/{address}/txs      api.TxPage, newest first (?page=&perPage=)
//	GET  /api/v1/chain/providers[/{id}]            ledger.ProviderView(s), by address or peer
//	GET  /api/v1/chain/escrows/{id}                ledger.Escrow
//	GET  /api/v1/chain/jobs/{job}                  the escrow that pays for a job
//	GET  /api/v1/chain/market|params|supply        ledger.Market, ledger.Params, ledger.SupplyView
//	GET  /api/v1/chain/invariants                  ledger.Report
//	POST /api/v1/chain/txs                         api.TxRequest (a signed tx) -> api.TxResult
//	POST /api/v1/chain/faucet                      api.FaucetRequest -> api.TxResult (local networks)
//
// Every error is an api.Error. Its code follows the status: bad_request or
// invalid_spec (400, with details naming spec fields), not_found (404),
// payment_required (402: the job's escrow is missing or cannot pay),
// tx_rejected (400, with the ledger's reason and code), method_not_allowed
// (405), conflict (409), too_large (413), unauthorized (401: no valid
// credentials), forbidden (403), rate_limited (429, with Retry-After),
// unavailable (503) and internal (500, whose detail goes to the log, not
// the client).
package gateway
