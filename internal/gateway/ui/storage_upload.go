package ui

import (
	"context"
	"encoding/hex"
	"fmt"
	"net/http"

	"github.com/opensky-network/opensky/internal/gateway/auth"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/ledger"
)

// The upload page stores a file the way `opensky storage put` does, with
// the sealing done by the page's script (static/seal.js): a fresh random
// key is made in the browser, the file is sealed with it a chunk at a
// time, the key is wrapped to the signed-in account's public key, and
// the ciphertext and the wrapped key go to POST /api/v1/storage with the
// session cookie and the page's API write token (apiwrite.go). The key
// itself never leaves the page: it is shown once, to save, so that the
// object can be opened in a browser later, where no wallet unwraps it.

// Bounds of what the pages seal and open in the browser.
const (
	// MaxBrowserUpload is the largest file the upload page seals: the
	// ciphertext waits in the browser's blob storage until it is sent.
	MaxBrowserUpload int64 = 1 << 30
	// MaxBrowserDownload is the largest object an object's page opens:
	// the plaintext is assembled in the browser before it is saved.
	MaxBrowserDownload int64 = 512 << 20
)

// uploadView is the content of the upload page.
type uploadView struct {
	Enabled bool // the gateway runs the storage network
	// SignIn: the gateway signs no one in, so the page does not know
	// whose account to wrap the key to.
	SignIn bool
	// OwnerKey is the signed-in account's public key in hex, the key
	// the object key is wrapped to; Account its address.
	OwnerKey string
	Account  string
	// APIToken is the page's API write token (apiwrite.go).
	APIToken  string
	MaxBytes  int64
	Durations []durationChoice
	Payment   dealView
}

// durationChoice is one choice of how long to keep an object.
type durationChoice struct {
	Value string // as POST /api/v1/storage takes it
	Label string
}

// uploadDurations are the durations the upload page offers.
var uploadDurations = []durationChoice{
	{"", "until I remove it"},
	{"168h", "7 days"},
	{"720h", "30 days"},
	{"2160h", "90 days"},
	{"8760h", "365 days"},
}

// dealView is what the upload page says about paying for storage.
type dealView struct {
	// Charged: the network charges for storage, so the upload must name
	// a storage deal the account opened.
	Charged bool
	Listed  bool
	Deals   []dealChoice
	Problem string
}

// dealChoice is one storage deal the upload page offers.
type dealChoice struct {
	ID      string
	Amount  int64
	Periods int64
	Blocks  int64 // per period
}

// Label is the option's text.
func (d dealChoice) Label() string {
	return fmt.Sprintf("%s: %s for %d period%s of %s blocks", shortID(d.ID), ledger.FormatUSD(d.Amount), d.Periods, plural(d.Periods), groupDigits(d.Blocks))
}

// storageNew draws the upload page.
func (h *Handler) storageNew(w http.ResponseWriter, r *http.Request) {
	v := uploadView{Enabled: h.storage != nil, MaxBytes: MaxBrowserUpload, Durations: uploadDurations}
	acct, ok := auth.AccountFrom(r.Context())
	switch {
	case !v.Enabled:
	case h.sessions == nil || !ok:
		v.SignIn = true
	default:
		pub, err := identity.ParseAddress(acct)
		if err != nil {
			h.log.Error("signed-in account is no address", "account", acct, "err", err)
			h.renderError(w, r, http.StatusInternalServerError, "Internal error", "Your account's key could not be read; the gateway log has the details.")
			return
		}
		v.Account, v.OwnerKey, v.APIToken = acct, hex.EncodeToString(pub[:]), pageAPIWriteToken(r)
		v.Payment = h.dealsFor(r.Context(), acct)
	}
	h.render(w, r, http.StatusOK, "storage_new", view{Title: "Upload a file", Nav: "storage", Data: v})
}

// dealsFor lists acct's storage deals that can pay for an upload on this
// gateway: open, with its arbiter, holding no object yet.
func (h *Handler) dealsFor(ctx context.Context, acct string) dealView {
	var v dealView
	if h.chain == nil {
		return v
	}
	info, err := h.chain.ChainInfo(ctx)
	if err != nil {
		h.log.Warn("upload page: chain info failed", "err", err)
		v.Charged, v.Problem = true, "The chain did not answer: your storage deals could not be listed. Reload the page in a moment."
		return v
	}
	if info.Arbiter == "" {
		return v
	}
	v.Charged = true
	var deals []ledger.Deal
	if err := chainQuery(ctx, h.chain, ledger.QueryDealsByOwner+acct, &deals); err != nil {
		h.log.Warn("upload page: deals failed", "account", acct, "err", err)
		v.Problem = "Your storage deals could not be read from the chain. Reload the page in a moment."
		return v
	}
	v.Listed = true
	for _, d := range deals {
		if d.Owner == acct && d.State == ledger.DealOpen && d.Arbiter == info.Arbiter && d.Object == "" {
			v.Deals = append(v.Deals, dealChoice{ID: d.ID, Amount: d.Amount, Periods: d.Periods, Blocks: d.PeriodBlocks})
		}
	}
	return v
}
