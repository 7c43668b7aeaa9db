package api

import (
	"fmt"
	"net/http"
	"strings"
)

// APIError is a non-2xx response from the gateway: its status and the
// decoded error body.
type APIError struct {
	Status int
	Body   Error
}

// Error prints the message, then each detail and the hint on lines of
// their own.
func (e *APIError) Error() string {
	var b strings.Builder
	msg := e.Body.Message
	if msg == "" {
		msg = fmt.Sprintf("the gateway answered %d %s", e.Status, http.StatusText(e.Status))
	}
	b.WriteString(msg)
	for _, d := range e.Body.Details {
		b.WriteString("\n  ")
		if d.Path != "" {
			b.WriteString(d.Path)
			b.WriteString(": ")
		}
		b.WriteString(d.Message)
	}
	if e.Body.Hint != "" {
		b.WriteString("\nhint: ")
		b.WriteString(e.Body.Hint)
	}
	return b.String()
}

// UnreachableError means no HTTP exchange with the gateway took place:
// nothing listens at the address, the name does not resolve, the
// connection broke.
type UnreachableError struct {
	URL string
	Err error
}

// Error says which gateway could not be reached and how to point the CLI
// at the right one.
func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach the OpenSky gateway at %s: is `opensky up` running? set --api or OPENSKY_API (%v)", e.URL, e.Err)
}

// Unwrap returns the transport error.
func (e *UnreachableError) Unwrap() error {
	return e.Err
}
