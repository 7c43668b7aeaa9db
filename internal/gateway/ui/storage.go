package ui

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/opensky-network/opensky/internal/api"
)

// The storage pages show the signed-in account's objects on the storage
// network: what is stored, how it is spread over providers, and whether
// enough of it is live to be read. They never show plaintext: objects are
// sealed on the owner's machine with a key wrapped to the owner's account,
// and only the owner's wallet unwraps it, which a browser does not hold.

// Storage is the part of the storage network the pages show: the
// gateway's Storage satisfies it. Owner is the account whose objects are
// meant ("" on a gateway without sign-in, which sees every object); an
// object of another owner is the error WithNotFound names, like a
// missing one.
type Storage interface {
	Objects(ctx context.Context, owner string) ([]api.StoredObject, error)
	Object(ctx context.Context, cid, owner string) (*api.StoredObject, error)
	// AuditObject challenges every shard of the object now and returns
	// each shard's outcome.
	AuditObject(ctx context.Context, cid, owner string) ([]api.AuditResult, error)
}

// WithStorage shows the storage network's objects on the storage pages.
// A nil Storage means a gateway without the storage network.
func WithStorage(s Storage) Option {
	return func(h *Handler) { h.storage = s }
}

// maxListedObjects bounds the storage list page.
const maxListedObjects = 500

// maxCIDLen bounds a CID in a page's path, as the API does.
const maxCIDLen = 128

// objectRow is one object on the storage list.
type objectRow struct {
	api.StoredObject
	Health healthView
}

// storageListView is the content of the storage list.
type storageListView struct {
	Enabled bool // the gateway runs the storage network
	Objects []objectRow
	Capped  bool // the list stops at maxListedObjects
}

// storageList shows the visitor's stored objects, newest first, or says
// how to store one.
func (h *Handler) storageList(w http.ResponseWriter, r *http.Request) {
	v := storageListView{Enabled: h.storage != nil}
	if h.storage != nil {
		objs, err := h.storage.Objects(r.Context(), h.listOwner(r))
		if err != nil {
			h.failBackend(w, r, "your stored objects", err)
			return
		}
		slices.SortStableFunc(objs, func(a, b api.StoredObject) int { return b.CreatedAt.Compare(a.CreatedAt) })
		if len(objs) > maxListedObjects {
			objs, v.Capped = objs[:maxListedObjects], true
		}
		for i, o := range objs {
			v.Objects = append(v.Objects, objectRow{StoredObject: o, Health: newHealthView("health-"+strconv.Itoa(i), o)})
		}
	}
	h.render(w, r, http.StatusOK, "storage", view{Title: "Storage", Nav: "storage", Data: v})
}

// objectURL is the path of a stored object's page.
func objectURL(cid string) string {
	return "/storage/" + url.PathEscape(cid)
}

// plausibleCID reports whether s can be an object's CID: short, and of
// the characters of a multibase string. Anything else is not looked up.
func plausibleCID(s string) bool {
	if s == "" || len(s) > maxCIDLen {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// healthView is how an object's health is shown: a meter and words, so
// that the colour is never the only sign.
type healthView struct {
	Meter template.HTML
	Class string // health-ok, health-warn or health-bad
	Text  string // "2/3 live"
	State string // "all live", "degraded", "not readable"
}

// newHealthView describes o's health; id is unique in the page.
func newHealthView(id string, o api.StoredObject) healthView {
	h := o.Health
	v := healthView{Text: strconv.Itoa(h.Live) + "/" + strconv.Itoa(h.Total) + " live"}
	switch {
	case !h.Readable:
		v.Class, v.State = "health-bad", "not readable"
	case h.Live < h.Total:
		v.Class, v.State = "health-warn", "degraded"
	default:
		v.Class, v.State = "health-ok", "all live"
	}
	v.Meter = healthMeter(id, h, dataShards(o.Redundancy), v.Class)
	return v
}

// shardClass is the CSS class that colours a shard's state badge.
func shardClass(state string) string {
	switch state {
	case "ok":
		return "phase phase-ok"
	case "lost":
		return "phase phase-bad"
	case "failing":
		return "phase phase-warn"
	}
	return "phase phase-off"
}
