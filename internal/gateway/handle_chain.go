package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/ledger"
)

// Bounds of the chain routes' input.
const (
	// MaxTxBodyBytes bounds the body of POST /api/v1/chain/txs: a
	// transaction of ledger.MaxTxBytes in base64 with room for the JSON
	// around it.
	MaxTxBodyBytes int64 = 64 << 10
	// maxFaucetBody bounds the body of POST /api/v1/chain/faucet.
	maxFaucetBody int64 = 4 << 10
	// maxChainID bounds a path parameter naming an account, a provider,
	// an escrow or a job.
	maxChainID = 128
	// MaxTxPerPage bounds ?perPage= of an account's transactions.
	MaxTxPerPage = 100
	// defaultTxPerPage is ?perPage= when it is absent.
	defaultTxPerPage = 20
	// maxTxPage bounds ?page=.
	maxTxPage = 100_000
)

// errNoChain answers every chain route on a gateway without a chain.
var errNoChain = errors.New("this gateway runs without a chain")

// chainRoutes registers the routes under /api/v1/chain. On a gateway
// without a chain each answers 404.
//
//	GET  /api/v1/chain                                   api.ChainInfo
//	GET  /api/v1/chain/accounts/{address}                ledger.AccountView
//	GET  /api/v1/chain/accounts/{address}/txs?page=&perPage=  api.TxPage
//	GET  /api/v1/chain/providers                         []ledger.ProviderView
//	GET  /api/v1/chain/providers/{id}                    ledger.ProviderView (address or peer ID)
//	GET  /api/v1/chain/escrows/{id}                      ledger.Escrow
//	GET  /api/v1/chain/jobs/{job}                        ledger.Escrow paying for the job
//	GET  /api/v1/chain/market                            ledger.Market
//	GET  /api/v1/chain/params                            ledger.Params
//	GET  /api/v1/chain/supply                            ledger.SupplyView
//	GET  /api/v1/chain/invariants                        ledger.Report
//	GET  /api/v1/chain/blocks?from=&to=                  []api.BlockHeader
//	POST /api/v1/chain/txs                               api.TxRequest -> api.TxResult
//	POST /api/v1/chain/faucet                            api.FaucetRequest -> api.TxResult
//
// A transaction the ledger refuses is 400 tx_rejected, its message the
// ledger's reason and its details the ledger's code.
func (s *Server) chainRoutes() {
	s.handle("GET /api/v1/chain", s.withChain(s.chainInfo))
	s.handle("GET /api/v1/chain/accounts/{address}", s.withChain(s.chainAccount))
	s.handle("GET /api/v1/chain/accounts/{address}/txs", s.withChain(s.chainAccountTxs))
	s.handle("GET /api/v1/chain/providers", s.withChain(s.chainQuery(ledger.QueryProviders)))
	s.handle("GET /api/v1/chain/providers/{id}", s.withChain(s.chainQueryID(ledger.QueryProvider, "id")))
	s.handle("GET /api/v1/chain/escrows/{id}", s.withChain(s.chainQueryID(ledger.QueryEscrow, "id")))
	s.handle("GET /api/v1/chain/jobs/{job}", s.withChain(s.chainQueryID(ledger.QueryJob, "job")))
	s.handle("GET /api/v1/chain/market", s.withChain(s.chainQuery(ledger.QueryMarket)))
	s.handle("GET /api/v1/chain/params", s.withChain(s.chainQuery(ledger.QueryParams)))
	s.handle("GET /api/v1/chain/supply", s.withChain(s.chainQuery(ledger.QuerySupply)))
	s.handle("GET /api/v1/chain/invariants", s.withChain(s.chainQuery(ledger.QueryInvariants)))
	s.handle("GET /api/v1/chain/blocks", s.withChain(s.chainBlocks))
	s.handle("POST /api/v1/chain/txs", s.withChain(s.broadcastTx))
	s.handle("POST /api/v1/chain/faucet", s.withChain(s.faucet))
}

// withChain answers 404 in place of h when the gateway has no chain.
func (s *Server) withChain(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.chain == nil {
			writeError(w, http.StatusNotFound, api.Error{
				Code:    codeNotFound,
				Message: errNoChain.Error() + ": " + r.URL.Path + " is not served",
				Hint:    "jobs on this network are free; start a network with a chain, or point --api (OPENSKY_API) at a gateway that has one",
			})
			return
		}
		h(w, r)
	}
}

// failChain writes the response for an error from the chain. The ledger's
// verdicts and the gateway's own errors keep their meaning; anything else
// is the chain node failing to answer, which is worth a warning.
func (s *Server) failChain(w http.ResponseWriter, r *http.Request, err error) {
	var te *ledger.TxError
	if status, _ := errorResponse(err); status == http.StatusInternalServerError && !errors.As(err, &te) {
		s.log.Warn("chain request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		err = fmt.Errorf("the chain did not answer: %w", ErrUnavailable)
	}
	s.fail(w, r, err)
}

// chainInfo describes the chain and how to pay this gateway's jobs.
func (s *Server) chainInfo(w http.ResponseWriter, r *http.Request) {
	info, err := s.chain.ChainInfo(r.Context())
	if err != nil {
		s.failChain(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, info)
}

// chainQuery answers a ledger query path that takes no parameter.
func (s *Server) chainQuery(path string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.answerQuery(w, r, path)
	}
}

// chainQueryID answers a ledger query path followed by the path
// parameter param.
func (s *Server) chainQueryID(prefix, param string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := chainParam(r, param)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.answerQuery(w, r, prefix+id)
	}
}

// answerQuery writes the ledger's JSON answer to path.
func (s *Server) answerQuery(w http.ResponseWriter, r *http.Request, path string) {
	v, err := s.chain.ChainQuery(r.Context(), path)
	if err != nil {
		s.failChain(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// chainAccount returns an account's balance, nonce and stake; with
// authentication, only the caller's own.
func (s *Server) chainAccount(w http.ResponseWriter, r *http.Request) {
	addr, err := addressParam(r)
	if err == nil {
		err = s.ownAccount(r.Context(), addr)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.answerQuery(w, r, ledger.QueryAccount+addr)
}

// chainAccountTxs lists the transactions that touched an account, newest
// first, a page at a time (?page= from 1, ?perPage= up to MaxTxPerPage);
// with authentication, only the caller's own.
func (s *Server) chainAccountTxs(w http.ResponseWriter, r *http.Request) {
	addr, err := addressParam(r)
	if err == nil {
		err = s.ownAccount(r.Context(), addr)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	page, err := intParam(q.Get("page"), "page", 1, 1, maxTxPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	perPage, err := intParam(q.Get("perPage"), "perPage", defaultTxPerPage, 1, MaxTxPerPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.chain.TxHistory(r.Context(), addr, page, perPage)
	if err != nil {
		s.failChain(w, r, err)
		return
	}
	if p.Txs == nil {
		p.Txs = []api.TxResult{}
	}
	writeJSON(w, http.StatusOK, p)
}

// broadcastTx submits a signed transaction and answers once it is in a
// block.
func (s *Server) broadcastTx(w http.ResponseWriter, r *http.Request) {
	var req api.TxRequest
	if err := readJSONBody(w, r, MaxTxBodyBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	tx, err := checkTx(req.Tx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.chain.BroadcastTx(r.Context(), tx)
	if err != nil {
		s.failTx(w, r, res, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// checkTx refuses, before it reaches the chain, a transaction the ledger
// could not even decode.
func checkTx(tx []byte) ([]byte, error) {
	switch {
	case len(tx) == 0:
		return nil, &badRequest{
			msg:  "the request has no transaction",
			hint: `send {"tx": "<base64 of a signed transaction>"}; the opensky CLI signs them with your wallet`,
		}
	case len(tx) > ledger.MaxTxBytes:
		return nil, fmt.Errorf("transaction of %d bytes is larger than the %d-byte limit: %w", len(tx), ledger.MaxTxBytes, ErrTooLarge)
	}
	if _, err := ledger.DecodeTx(tx); err != nil {
		return nil, err
	}
	return tx, nil
}

// failTx writes a rejected transaction's error; when the transaction made
// it into a block (its nonce is spent) the details say where.
func (s *Server) failTx(w http.ResponseWriter, r *http.Request, res api.TxResult, err error) {
	var te *ledger.TxError
	if !errors.As(err, &te) {
		s.failChain(w, r, err)
		return
	}
	status, body := errorResponse(err)
	if res.Hash != "" {
		body.Details = append(body.Details, api.Problem{Path: "tx.hash", Message: res.Hash})
	}
	if res.Height > 0 {
		body.Details = append(body.Details, api.Problem{Path: "tx.height", Message: strconv.FormatInt(res.Height, 10)})
	}
	s.log.Debug("transaction rejected", "path", r.URL.Path, "status", status, "err", err)
	writeError(w, status, body)
}

// faucet sends a local network's test funds to an account.
func (s *Server) faucet(w http.ResponseWriter, r *http.Request) {
	var req api.FaucetRequest
	if err := readJSONBody(w, r, maxFaucetBody, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	addr, err := canonicalAddress(req.Address)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.chain.Faucet(r.Context(), addr)
	if err != nil {
		s.failTx(w, r, res, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// readJSONBody decodes a JSON body of at most max bytes into v; unknown
// fields and trailing data are refused.
func readJSONBody(w http.ResponseWriter, r *http.Request, max int64, v any) error {
	if r.ContentLength > max {
		return fmt.Errorf("body of %d bytes is larger than the %d-byte limit: %w", r.ContentLength, max, ErrTooLarge)
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) || isAuthError(err) {
			return err
		}
		return badRequestf("cannot read the request body: %v", err)
	}
	return decodeJSONBody(data, v)
}

// decodeJSONBody decodes one JSON object into v.
func decodeJSONBody(data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return badRequestf("the request body is empty: send a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequestf("cannot decode the request body: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequestf("the request body has data after its JSON object")
	}
	return nil
}

// chainParam returns the path parameter name after checking that it can
// only name a ledger object: 1 to maxChainID letters, digits, '-', '_' or
// '.'.
func chainParam(r *http.Request, name string) (string, error) {
	v := r.PathValue(name)
	if v == "" || len(v) > maxChainID {
		return "", badRequestf("%s must be 1 to %d characters", name, maxChainID)
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		if !ok {
			return "", badRequestf("%s %s has a character other than letters, digits, '-', '_' and '.'", name, strconv.QuoteToASCII(v))
		}
	}
	return v, nil
}

// addressParam returns the {address} path parameter, an SS58 address.
func addressParam(r *http.Request) (string, error) {
	addr, err := chainParam(r, "address")
	if err != nil {
		return "", err
	}
	return canonicalAddress(addr)
}

// canonicalAddress refuses anything but an SS58 account address and
// returns it in the chain's form (the Polkadot form of the same key is
// accepted and converted).
func canonicalAddress(addr string) (string, error) {
	if len(addr) > maxChainID {
		return "", badRequestf("address must be at most %d characters", maxChainID)
	}
	canon, err := identity.CanonicalAddress(addr)
	if err != nil {
		return "", &badRequest{
			msg:  fmt.Sprintf("%s is not an account address: %v", strconv.QuoteToASCII(addr), err),
			hint: "use an SS58 address such as 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY; opensky wallet show prints yours",
		}
	}
	return canon, nil
}

// intParam parses an optional integer query parameter within [lo, hi].
func intParam(s, name string, def, lo, hi int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, badRequestf("%s must be an integer from %d to %d, not %s", name, lo, hi, strconv.QuoteToASCII(s))
	}
	return n, nil
}
