package quiz

import (
	"strings"

	"xuejiangping/internal/errs"
)

// Coded tells the delivery layers what kind of failure this is.
func (e *Error) Coded() (errs.Kind, string) {
	switch {
	case strings.Contains(e.Code, "forbidden"):
		return errs.Forbidden, e.Code
	case strings.Contains(e.Code, "invalid"), strings.Contains(e.Code, "malformed"):
		return errs.Invalid, e.Code
	case strings.Contains(e.Code, "conflict"):
		return errs.Conflict, e.Code
	}
	return errs.Unprocessable, e.Code
}
