package ui

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/storage"
)

// auditTimeout bounds an audit run from an object's page: every shard's
// provider is challenged, and one that does not answer fails.
const auditTimeout = 2 * time.Minute

// objectView is the content of a stored object's page.
type objectView struct {
	Object *api.StoredObject
	Health healthView
	// Layout is the object's k+m, when its redundancy parses; ShardBytes
	// is what each provider keeps and StoredBytes all of them together.
	Layout      *storage.Layout
	ShardBytes  int64
	StoredBytes int64
	Token       string // the audit form's CSRF token
	// Audit is the outcome of the audit the visitor just ran, if any;
	// AuditFailed says it could not run at all.
	Audit       *auditView
	AuditFailed bool
	// BrowserOpen: the object is small enough for the page to download
	// and decrypt it (at most MaxOpen bytes); SaveAs is the name its
	// plaintext is saved under.
	BrowserOpen bool
	MaxOpen     int64
	SaveAs      string
}

// auditView is the outcome of one audit.
type auditView struct {
	Results []api.AuditResult
	Passed  int
}

// storageObject shows one stored object.
func (h *Handler) storageObject(w http.ResponseWriter, r *http.Request) {
	o, ok := h.findObject(w, r, r.PathValue("cid"))
	if !ok {
		return
	}
	h.renderObject(w, r, http.StatusOK, o, nil, false)
}

// storageAudit runs an audit of one object from its page's form, and
// shows the page again with every shard's result.
func (h *Handler) storageAudit(w http.ResponseWriter, r *http.Request) {
	cid := r.PathValue("cid")
	if !h.sessionForm(w, r, objectURL(cid)) {
		return
	}
	if _, ok := h.findObject(w, r, cid); !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), auditTimeout)
	res, err := h.storage.AuditObject(ctx, cid, h.listOwner(r))
	cancel()
	if h.isNotFound(err) {
		h.objectNotFound(w, r, cid) // removed meanwhile
		return
	}
	var audit *auditView
	if err != nil {
		h.log.Warn("audit from the web interface failed", "cid", cid, "err", err)
	} else {
		audit = &auditView{Results: res}
		for _, x := range res {
			if x.Passed {
				audit.Passed++
			}
		}
		h.log.Info("audit from the web interface", "cid", cid, "passed", audit.Passed, "shards", len(res))
	}
	// Read the object again: the audit updated its shards' records.
	o, ok := h.findObject(w, r, cid)
	if !ok {
		return
	}
	status := http.StatusOK
	if err != nil {
		status = http.StatusServiceUnavailable
	}
	h.renderObject(w, r, status, o, audit, err != nil)
}

// renderObject draws an object's page.
func (h *Handler) renderObject(w http.ResponseWriter, r *http.Request, status int, o *api.StoredObject, audit *auditView, auditFailed bool) {
	v := objectView{
		Object:      o,
		Health:      newHealthView("health", *o),
		Token:       h.forms.mint(time.Now()),
		Audit:       audit,
		AuditFailed: auditFailed,
		BrowserOpen: o.Size <= MaxBrowserDownload,
		MaxOpen:     MaxBrowserDownload,
		SaveAs:      saveAs(o),
	}
	if l, err := storage.ParseLayout(o.Redundancy); err == nil {
		v.Layout = &l
		v.ShardBytes = l.ShardSize(o.CipherLen)
		v.StoredBytes = v.ShardBytes * int64(l.Shards())
	}
	title := "Object " + shortID(o.CID)
	if o.Name != "" {
		title = o.Name + " (" + shortID(o.CID) + ")"
	}
	h.render(w, r, status, "storage_object", view{Title: title, Nav: "storage", Data: v})
}

// findObject reads the visitor's object cid, or answers the request with
// a 404 page (no storage network, an unknown object or another
// account's) or an error page and reports false.
func (h *Handler) findObject(w http.ResponseWriter, r *http.Request, cid string) (*api.StoredObject, bool) {
	if h.storage == nil || !plausibleCID(cid) {
		h.objectNotFound(w, r, cid)
		return nil, false
	}
	o, err := h.storage.Object(r.Context(), cid, h.listOwner(r))
	if h.isNotFound(err) {
		h.objectNotFound(w, r, cid)
		return nil, false
	}
	if err != nil {
		h.failBackend(w, r, "the stored object", err)
		return nil, false
	}
	return o, true
}

// objectNotFound answers with the 404 page of an object. Another
// account's object looks exactly like a missing one.
func (h *Handler) objectNotFound(w http.ResponseWriter, r *http.Request, cid string) {
	h.renderError(w, r, http.StatusNotFound, "Object not found",
		"There is no stored object "+strconv.Quote(clip(cid, maxCIDLen))+" of yours on this gateway.")
}

// saveAs is the file name an object's plaintext is saved under: its name
// without directories (a directory's, stored as a tar archive, with
// .tar), else its CID.
func saveAs(o *api.StoredObject) string {
	name := strings.TrimSpace(o.Name)
	dir := strings.HasSuffix(name, "/")
	name = strings.TrimRight(name, "/")
	if i := strings.LastIndexAny(name, "/\\"); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`"<>|:*?`, r) {
			return '_'
		}
		return r
	}, name)
	if name == "" || name == "." || name == ".." {
		name = o.CID
	}
	if dir {
		name += ".tar"
	}
	return name
}
