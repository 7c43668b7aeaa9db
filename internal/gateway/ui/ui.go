package ui

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/spec"
)

// Backend is what the pages read: the gateway's Backend satisfies it.
type Backend interface {
	GetJob(ctx context.Context, id string) (*api.Job, error)
	ListJobs(ctx context.Context, opts api.ListOptions) ([]api.Job, error)
	// WaitJob blocks until the job's Version exceeds after (or it is
	// terminal, or ctx ends) and returns the record.
	WaitJob(ctx context.Context, id string, after uint64) (*api.Job, error)
	JobOutputs(ctx context.Context, id string) ([]api.OutputFile, error)
	Providers(ctx context.Context) ([]api.Provider, error)
}

// Submitter is the optional part of a Backend that takes jobs: with it the
// submit page accepts jobs, without it the page says it cannot. The
// gateway's Backend satisfies it.
type Submitter interface {
	// PutBlob stores at most max bytes from r and returns its reference.
	PutBlob(ctx context.Context, r io.Reader, max int64) (api.Blob, error)
	// SubmitJob accepts a job whose references are blobs. A
	// *spec.ValidationError means bad input.
	SubmitJob(ctx context.Context, s spec.Job) (*api.Job, error)
}

// LogSource is the optional part of a Backend that has the tasks' output:
// with it a job page shows its logs and follows them live. The gateway's
// Backend satisfies it.
type LogSource interface {
	JobLogs(ctx context.Context, id string) (*api.Logs, error)
}

// Chain is the part of the chain the pages show: the gateway's Chain
// satisfies it.
type Chain interface {
	ChainInfo(ctx context.Context) (api.ChainInfo, error)
	ChainQuery(ctx context.Context, path string) (json.RawMessage, error)
}

// Option configures a Handler.
type Option func(*Handler)

// WithChain shows the chain on the dashboard, the providers page and the
// chain page. A nil Chain means a gateway without a chain.
func WithChain(c Chain) Option {
	return func(h *Handler) { h.chain = c }
}

// WithLogger sets the logger for failures the pages hide behind a
// generic message.
func WithLogger(l *slog.Logger) Option {
	return func(h *Handler) {
		if l != nil {
			h.log = l
		}
	}
}

// WithNotFound names the error (tested with errors.Is) the Backend returns
// for an unknown job; such a job gets a 404 page.
func WithNotFound(target error) Option {
	return func(h *Handler) { h.notFound = target }
}

// WithPaymentRequired names the error (tested with errors.Is) SubmitJob
// returns when the network charges for jobs and the job has no escrow;
// the submit page then explains that paid jobs go through the CLI.
func WithPaymentRequired(target error) Option {
	return func(h *Handler) { h.paymentRequired = target }
}

// WithMaxModule bounds the module a visitor uploads with the submit form
// (DefaultMaxModule when unset or not positive).
func WithMaxModule(n int64) Option {
	return func(h *Handler) {
		if n > 0 {
			h.maxModule = n
		}
	}
}

// WithStreamContext sets how the context of an event stream is derived
// from its request, so that a server shutting down can end its streams.
// By default a stream ends when the client goes away.
func WithStreamContext(f func(*http.Request) (context.Context, context.CancelFunc)) Option {
	return func(h *Handler) {
		if f != nil {
			h.streamCtx = f
		}
	}
}

// Handler serves the web UI. It is safe for concurrent use.
type Handler struct {
	b               Backend
	chain           Chain
	storage         Storage // nil: a gateway without the storage network
	log             *slog.Logger
	notFound        error
	paymentRequired error
	sessions        Sessions // nil: no sign-in, every visitor sees everything
	maxModule       int64
	forms           *formTokens
	streamCtx       func(*http.Request) (context.Context, context.CancelFunc)
	pages           *pages
	mux             *http.ServeMux
	history         *sampler // the dashboard's figures over time (history.go)
}

// New returns the web UI over b.
func New(b Backend, opts ...Option) *Handler {
	h := &Handler{
		b:   b,
		log: slog.New(slog.DiscardHandler),
		streamCtx: func(r *http.Request) (context.Context, context.CancelFunc) {
			return context.WithCancel(r.Context())
		},
		maxModule: DefaultMaxModule,
		forms:     newFormTokens(),
		history:   newSampler(DefaultHistoryEvery, DefaultHistoryPoints),
		pages:     mustParsePages(),
		mux:       http.NewServeMux(),
	}
	for _, o := range opts {
		o(h)
	}
	h.mux.HandleFunc("GET /{$}", h.dashboard)
	h.mux.HandleFunc("GET /jobs", h.jobs)
	h.mux.HandleFunc("GET /jobs/{id}", h.job)
	h.mux.HandleFunc("GET /jobs/{id}/events", h.jobEvents)
	h.mux.HandleFunc("GET /jobs/{id}/logs", h.jobLogEvents)
	h.mux.HandleFunc("GET /submit", h.submitForm)
	h.mux.HandleFunc("POST /submit", h.submitPost)
	h.mux.HandleFunc("GET /submit/estimate", h.estimateJSON)
	h.mux.HandleFunc("GET /providers", h.providers)
	h.mux.HandleFunc("GET /providers/{peer}", h.providerPage)
	h.mux.HandleFunc("GET /chain", h.chainPage)
	h.mux.HandleFunc("GET /wallet", h.wallet)
	h.mux.HandleFunc("GET /storage", h.storageList)
	h.mux.HandleFunc("GET /storage/new", h.storageNew)
	h.mux.HandleFunc("GET /storage/{cid}", h.storageObject)
	h.mux.HandleFunc("POST /storage/{cid}/audit", h.storageAudit)
	h.mux.HandleFunc("GET /signin", h.signinForm)
	h.mux.HandleFunc("POST /signin", h.signinPost)
	h.mux.HandleFunc("POST /signout", h.signoutPost)
	h.mux.Handle("GET /static/", staticHandler())
	h.mux.HandleFunc("/", h.noPage)
	return h
}

// ServeHTTP serves the pages; with WithSessions, only to a signed-in
// visitor, except the sign-in page itself.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.requireSession(w, r) {
		return
	}
	h.mux.ServeHTTP(w, r)
}

// noPage answers what no page matched: 405 for a method other than GET
// and HEAD (only /submit, an object's audit and the session forms take a
// POST), 404 otherwise.
func (h *Handler) noPage(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		h.renderError(w, r, http.StatusMethodNotAllowed, "Method not allowed",
			"The web interface only answers GET requests, and POST on its forms; the API lives under /api/v1.")
		return
	}
	h.renderError(w, r, http.StatusNotFound, "Page not found",
		"There is no page at "+r.URL.Path+".")
}

// isNotFound reports whether err is the Backend's "no such job".
func (h *Handler) isNotFound(err error) bool {
	return h.notFound != nil && errors.Is(err, h.notFound)
}

// isPaymentRequired reports whether err is the Backend's "this network
// charges for jobs".
func (h *Handler) isPaymentRequired(err error) bool {
	return h.paymentRequired != nil && errors.Is(err, h.paymentRequired)
}

// failBackend renders the page for an error of the Backend or the chain:
// the detail goes to the log, the visitor sees what failed.
func (h *Handler) failBackend(w http.ResponseWriter, r *http.Request, what string, err error) {
	h.log.Warn("page failed", "path", r.URL.Path, "what", what, "err", err)
	h.renderError(w, r, http.StatusServiceUnavailable, "Something did not answer",
		"The gateway could not load "+what+". Try again in a moment; the gateway log has the details.")
}
