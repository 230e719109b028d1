package web

import (
	"context"

	"xuejiangping/internal/errs"
)

type formErrKey struct{}

func contextWithFormError(ctx context.Context, e *errs.Error) context.Context {
	return context.WithValue(ctx, formErrKey{}, e)
}

func formErrorFrom(ctx context.Context) *errs.Error {
	e, _ := ctx.Value(formErrKey{}).(*errs.Error)
	return e
}
