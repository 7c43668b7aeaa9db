// Package ui is the gateway's web interface: server-rendered pages
// (html/template) over the gateway's Backend and, when there are, its
// Chain and its Storage, with the stylesheet, script and templates
// embedded in the binary.
// Charts are SVG drawn by the server; a job page follows its job live over
// Server-Sent Events. There is no front-end build step.
//
// Pages:
//
//	GET /                  dashboard: providers, capacity, storage, jobs by phase, charts over time, chain summary
//	GET /submit            the submit form (?template=pi|wordcount|matmul pre-fills it); on a
//	                       paying network, the signed-in account's escrows to pay from
//	POST /submit           multipart: a wasm module and the job's fields; 303 to the job
//	GET /submit/estimate   JSON: the worst-case price of the job the query describes
//	GET /jobs?phase=       jobs, optionally of one phase
//	GET /jobs/{id}         a job: timeline, tasks, verification, payment, outputs
//	GET /jobs/{id}/events  text/event-stream: the job's phase and version on every change
//	GET /jobs/{id}/logs    text/event-stream: the job's output as the tasks write it
//	GET /providers         providers with resources, prices and, with a chain, stake and reputation
//	GET /providers/{peer}  one provider: resources, prices, labels and, with a chain, stake, reputation and earnings
//	GET /wallet            the signed-in account's balance, escrows, deals, stake, payments over block heights and transactions (?page=)
//	GET /chain             the chain's status, supply and market
//	GET /storage           the visitor's stored objects and their health (with WithStorage)
//	GET /storage/new       upload a file, sealed in the browser (storage_upload.go, static/seal.js)
//	GET /storage/{cid}     one object: layout, deal, health, every shard; download and decrypt it in the browser
//	POST /storage/{cid}/audit
//	                       challenges every shard now; the object's page with each result
//	GET /static/...        embedded stylesheet and script
//	GET /signin            with WithSessions: the sign-in page (paste an API token)
//	POST /signin           checks the token and keeps it in the session cookie
//	POST /signout          forgets the session cookie
//
// With WithSessions every page but the sign-in page and the static files
// needs a signed-in visitor (the gateway puts the account of the session
// cookie in the request's context) and shows only that account's jobs and
// stored objects.
//
// Output downloads link to the API's /api/v1/jobs/{id}/outputs/{shard}/{path}.
// Stored objects are sealed and opened in the page: the upload page makes
// a content key, seals the file with it as internal/storage/seal does,
// wraps the key to the signed-in account and stores the ciphertext with
// POST /api/v1/storage (apiwrite.go says how the page's script may); the
// key is shown once to save, and an object's page opens the object with it.
// No key reaches the gateway unwrapped.
// Every error is an HTML page with a status and a message. The submit,
// audit, sign-in and sign-out forms are guarded against cross-site
// forgery by an Origin/Referer check and a signed per-render token
// (csrf.go).
package ui
