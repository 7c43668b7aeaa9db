package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"path"
	"strconv"
	"time"

	"github.com/opensky-network/opensky/internal/spec"
)

// DefaultMaxModule bounds the module uploaded with the submit form.
const DefaultMaxModule int64 = 48 << 20

// formOverhead is what the submit form may carry beside the module: the
// fields and inline inputs, and the multipart framing.
const formOverhead int64 = 4 << 20

// formMemory is how much of a multipart form is held in memory; the rest
// of a large module waits in a temporary file until it is stored.
const formMemory int64 = 8 << 20

// submitView is the content of the submit page.
type submitView struct {
	Form      jobForm
	Problems  *formProblems
	Token     string
	Templates []jobTemplate
	// TemplatesJSON pre-fills the form in the browser when a template is
	// picked (static/submit.js).
	TemplatesJSON string
	Template      *jobTemplate // the template the form was filled from
	Estimate      priceEstimate
	Modes         []spec.Verification
	MaxModule     int64
	CanSubmit     bool // the Backend takes jobs
	HasChain      bool
	// Payment is what the form says about paying for the job
	// (submit_escrow.go).
	Payment paymentView
}

// submitForm draws the submit form; ?template= pre-fills it from an
// example, and the other fields of the query fill it as typed.
func (h *Handler) submitForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := readJobForm(q)
	var tpl *jobTemplate
	if t, ok := findTemplate(f.Template); ok {
		tpl = &t
		f = t.Form
		f.Template = t.ID
	}
	h.renderSubmit(w, r, http.StatusOK, f, nil, tpl)
}

// renderSubmit draws the form with f's values and its problems.
func (h *Handler) renderSubmit(w http.ResponseWriter, r *http.Request, status int, f jobForm, ps *formProblems, tpl *jobTemplate) {
	tj, err := json.Marshal(jobTemplates)
	if err != nil {
		panic(err) // static data of plain strings always encodes
	}
	_, canSubmit := h.b.(Submitter)
	if ps == nil {
		ps = &formProblems{}
	}
	est := h.estimateFor(r.Context(), f)
	pay := h.paymentFor(r, f.Escrow)
	pay.Fit = pay.fitFor(est)
	h.render(w, r, status, "submit", view{Title: "Submit a job", Nav: "submit", Data: submitView{
		Form:          f,
		Problems:      ps,
		Token:         h.forms.mint(time.Now()),
		Templates:     jobTemplates,
		TemplatesJSON: string(tj),
		Template:      tpl,
		Estimate:      est,
		Modes:         verificationModes,
		MaxModule:     h.maxModule,
		CanSubmit:     canSubmit,
		HasChain:      h.chain != nil,
		Payment:       pay,
	}})
}

// submitPost takes the submit form: it checks where the request comes
// from and the form's token before reading anything else, stores the
// uploaded module, builds and validates the spec, and submits it. A form
// with problems is drawn again with each problem beside its field.
func (h *Handler) submitPost(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		h.renderError(w, r, http.StatusForbidden, "Form refused",
			"This form can only be sent from this gateway's own submit page. Open /submit and send it from there.")
		return
	}
	sub, ok := h.b.(Submitter)
	if !ok {
		h.renderError(w, r, http.StatusNotImplemented, "Submitting is not available",
			"This gateway does not take jobs from the web interface.")
		return
	}
	limit := h.maxModule + formOverhead
	if r.ContentLength > limit {
		h.tooLarge(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseMultipartForm(formMemory); err != nil {
		if tooLarge(err) {
			h.tooLarge(w, r)
			return
		}
		h.renderError(w, r, http.StatusBadRequest, "Form unreadable",
			"The form could not be read: send it from the submit page, with its file upload.")
		return
	}
	defer func() { _ = r.MultipartForm.RemoveAll() }()
	if !h.forms.valid(r.PostFormValue(tokenField), time.Now()) {
		h.renderError(w, r, http.StatusForbidden, "Form expired or forged",
			"The form's security token is missing, wrong or stale. Reload the submit page and send the form again.")
		return
	}
	f := readJobForm(r.PostForm)
	if fh := moduleUpload(r.MultipartForm); fh != nil {
		if fh.Size > h.maxModule {
			h.tooLarge(w, r)
			return
		}
		ref, err := h.storeModule(r, sub, fh)
		if tooLarge(err) {
			h.tooLarge(w, r)
			return
		}
		if err != nil {
			h.failBackend(w, r, "the uploaded module", err)
			return
		}
		f.Module, f.ModuleName = ref, path.Base(fh.Filename)
	}
	j, ps := f.toSpec()
	if !ps.empty() {
		h.renderSubmit(w, r, http.StatusUnprocessableEntity, f, ps, nil)
		return
	}
	rec, err := sub.SubmitJob(r.Context(), j)
	var ve *spec.ValidationError
	switch {
	case err == nil:
		http.Redirect(w, r, jobURL(rec.ID), http.StatusSeeOther)
	case errors.As(err, &ve):
		ps := &formProblems{}
		for _, p := range ve.Problems {
			field, ok := problemField(p.Path, inputRowsOf(f))
			if !ok && p.Path != "" {
				ps.add("", p.String())
				continue
			}
			ps.add(field, p.Message)
		}
		h.renderSubmit(w, r, http.StatusUnprocessableEntity, f, ps, nil)
	case h.isPaymentRequired(err):
		// The reason is about the visitor's own escrow and job, as the
		// API's 402 says it.
		h.log.Info("web submit refused: payment required", "err", err)
		ps := &formProblems{}
		ps.add(fieldEscrow, "This job cannot be paid: "+err.Error()+".")
		h.renderSubmit(w, r, http.StatusPaymentRequired, f, ps, nil)
	default:
		h.failBackend(w, r, "the job", err)
	}
}

// moduleUpload is the form's module file, nil when none was chosen.
func moduleUpload(mf *multipart.Form) *multipart.FileHeader {
	if mf == nil {
		return nil
	}
	for _, fh := range mf.File["module"] {
		if fh.Filename != "" || fh.Size > 0 {
			return fh
		}
	}
	return nil
}

// storeModule stores an uploaded module as a blob.
func (h *Handler) storeModule(r *http.Request, sub Submitter, fh *multipart.FileHeader) (string, error) {
	file, err := fh.Open()
	if err != nil {
		return "", fmt.Errorf("open upload: %w", err)
	}
	defer file.Close()
	b, err := sub.PutBlob(r.Context(), file, h.maxModule)
	if err != nil {
		return "", fmt.Errorf("store module: %w", err)
	}
	return b.Hash, nil
}

// inputRowsOf maps the inputs of f's spec to their rows, as toSpec does.
func inputRowsOf(f jobForm) []int {
	var rows []int
	for i, in := range f.Inputs {
		if in.Name != "" || in.Content != "" {
			rows = append(rows, i)
		}
	}
	return rows
}

// tooLarge reports whether err is a body over its limit.
func tooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe) || errors.Is(err, multipart.ErrMessageTooLarge)
}

// tooLarge answers a form over the upload limit.
func (h *Handler) tooLarge(w http.ResponseWriter, r *http.Request) {
	h.renderError(w, r, http.StatusRequestEntityTooLarge, "Upload too large",
		"The module may be at most "+formatBytes(h.maxModule)+" (the form "+strconv.FormatInt((h.maxModule+formOverhead)>>20, 10)+" MiB in all). "+
			"Upload a smaller module, or submit with the CLI.")
}
