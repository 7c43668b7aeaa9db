package wire

// Error is the reply a peer sends when it cannot handle a request. Code is
// a short machine-readable word ("bad_request", "unauthenticated",
// "internal", or one a handler chose); Message is for people.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// WireType names Error inside an envelope.
func (Error) WireType() string { return "error/1" }
