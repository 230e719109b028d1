package db

import (
	"database/sql"
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// ErrUnique and ErrForeignKey are what driver errors become, recognised by
// the engines' error codes, never by message text.
var (
	ErrUnique     = errors.New("unique constraint violated")
	ErrForeignKey = errors.New("foreign key constraint violated")
)

// SQLite extended result codes (sqlite3.h).
const (
	sqliteConstraintForeignKey = 787
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintUnique     = 2067
)

type mappedErr struct {
	kind  error
	cause error
}

func (e *mappedErr) Error() string        { return e.kind.Error() + ": " + e.cause.Error() }
func (e *mappedErr) Is(target error) bool { return target == e.kind }
func (e *mappedErr) Unwrap() error        { return e.cause }

func mapErr(err error) error {
	if err == nil || errors.Is(err, sql.ErrNoRows) {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqliteConstraintUnique, sqliteConstraintPrimaryKey:
			return &mappedErr{ErrUnique, err}
		case sqliteConstraintForeignKey:
			return &mappedErr{ErrForeignKey, err}
		}
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return &mappedErr{ErrUnique, err}
		case "23503":
			return &mappedErr{ErrForeignKey, err}
		}
	}
	return err
}
