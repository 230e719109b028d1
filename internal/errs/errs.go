// Package errs is the one error shape of the platform: a kind that the
// delivery layers map to a status, a stable code for machines, and a message
// that is safe to show a user (in Chinese). Domain packages return these;
// they never speak HTTP.
package errs

import (
	"errors"
	"fmt"

	"xuejiangping/internal/msg"
)

// Kind classifies an error for the delivery layers.
type Kind int

const (
	Internal      Kind = iota // a bug or a broken dependency; the message is generic
	Invalid                   // bad input (400)
	Unauthorized              // not logged in (401)
	Forbidden                 // logged in but not allowed (403)
	NotFound                  // no such thing, or not visible to the caller (404)
	Conflict                  // a duplicate or a state that forbids the change (409)
	Unprocessable             // well-formed but breaks a rule (422)
	Locked                    // an account or record is locked (423)
	TooMany                   // rate limited (429)
)

// FieldError names one bad field (or spreadsheet cell) and why.
type FieldError struct {
	Row    int    `json:"row,omitempty"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// Error is the platform's error value.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Fields  []FieldError
	Err     error // the cause, never shown to users
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an error of the given kind.
func E(kind Kind, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message}
}

// Ef is E with a formatted message.
func Ef(kind Kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// WithFields attaches field errors.
func (e *Error) WithFields(f []FieldError) *Error {
	e.Fields = f
	return e
}

// Wrap turns an unexpected error into an Internal one, keeping the cause for logs.
func Wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	var e *Error
	var c Coded
	if errors.As(err, &e) || errors.As(err, &c) {
		return err
	}
	return &Error{Kind: Internal, Code: "internal", Message: msg.T("error.internal"), Err: fmt.Errorf("%s: %w", what, err)}
}

// KindOf reports the kind of err (Internal for foreign errors).
func KindOf(err error) Kind {
	return As(err).Kind
}

// Coded is implemented by the small error types of pure rule packages
// (round, meeting, rectify, quiz), which keep no dependency on delivery but
// still say what kind of failure they are.
type Coded interface {
	error
	Coded() (kind Kind, code string)
}

// As extracts the platform error, turning foreign errors into Internal.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var c Coded
	if errors.As(err, &c) {
		k, code := c.Coded()
		return &Error{Kind: k, Code: code, Message: c.Error(), Err: err}
	}
	return &Error{Kind: Internal, Code: "internal", Message: msg.T("error.internal"), Err: err}
}

// Is reports whether err is a platform error with that code.
func Is(err error, code string) bool {
	return err != nil && As(err).Code == code
}

// Common constructors.
func NotFoundf(what string) *Error {
	return E(NotFound, "not_found", msg.T("error.notFoundWhat", what))
}

// Forbid is the refusal of an action the caller's role does not allow.
func Forbid() *Error { return E(Forbidden, "forbidden", msg.T("error.forbidden")) }

func Invalidf(code, format string, args ...any) *Error {
	return Ef(Invalid, code, format, args...)
}
