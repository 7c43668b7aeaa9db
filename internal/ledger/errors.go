package ledger

import (
	"errors"
	"fmt"
)

// Code is a transaction result code. Zero is success; every other code
// names why the transaction was rejected. Codes are part of the chain's
// format: never renumber them.
type Code uint32

// Result codes.
const (
	CodeOK               Code = 0
	CodeMalformed        Code = 1  // cannot be decoded, not canonical, or too large
	CodeBadSignature     Code = 2  // signature does not match the sender
	CodeWrongChain       Code = 3  // signed for another chain
	CodeBadNonce         Code = 4  // replayed or out of order
	CodeInvalid          Code = 5  // a field is out of range or missing
	CodeInsufficientFund Code = 6  // not enough balance or stake
	CodeUnauthorized     Code = 7  // sender may not do this
	CodeNotFound         Code = 8  // unknown account, provider or escrow
	CodeConflict         Code = 9  // already exists, already settled, wrong state
	CodeOverflow         Code = 10 // an amount would overflow
	CodeInternal         Code = 99 // a broken invariant: never expected
)

var codeNames = map[Code]string{
	CodeOK: "ok", CodeMalformed: "malformed", CodeBadSignature: "bad_signature",
	CodeWrongChain: "wrong_chain", CodeBadNonce: "bad_nonce", CodeInvalid: "invalid",
	CodeInsufficientFund: "insufficient_funds", CodeUnauthorized: "unauthorized",
	CodeNotFound: "not_found", CodeConflict: "conflict", CodeOverflow: "overflow",
	CodeInternal: "internal",
}

func (c Code) String() string {
	if s, ok := codeNames[c]; ok {
		return s
	}
	return fmt.Sprintf("code_%d", uint32(c))
}

// TxError is a rejected transaction: its code and a reason a person can
// act on.
type TxError struct {
	Code   Code
	Reason string
}

func (e *TxError) Error() string { return e.Code.String() + ": " + e.Reason }

// Is matches sentinel TxErrors by code, so errors.Is(err, ErrBadNonce)
// works.
func (e *TxError) Is(target error) bool {
	t, ok := target.(*TxError)
	return ok && t.Reason == "" && t.Code == e.Code
}

func txErr(c Code, format string, args ...any) error {
	return &TxError{Code: c, Reason: fmt.Sprintf(format, args...)}
}

// Sentinels for errors.Is.
var (
	ErrMalformed         = &TxError{Code: CodeMalformed}
	ErrBadSignature      = &TxError{Code: CodeBadSignature}
	ErrWrongChain        = &TxError{Code: CodeWrongChain}
	ErrBadNonce          = &TxError{Code: CodeBadNonce}
	ErrInvalid           = &TxError{Code: CodeInvalid}
	ErrInsufficientFunds = &TxError{Code: CodeInsufficientFund}
	ErrUnauthorized      = &TxError{Code: CodeUnauthorized}
	ErrNotFound          = &TxError{Code: CodeNotFound}
	ErrConflict          = &TxError{Code: CodeConflict}
)

// CodeOf returns the code of err: CodeOK for nil, CodeInternal for an
// error that is not a *TxError.
func CodeOf(err error) Code {
	if err == nil {
		return CodeOK
	}
	var te *TxError
	if errors.As(err, &te) {
		return te.Code
	}
	return CodeInternal
}
