package meetingtest

import (
	"testing"
	"time"

	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/round"
)

// Shanghai is the programme's zone; the tests' fixed instants are read in it.
var Shanghai = func() *time.Location { l, _ := time.LoadLocation(round.DefaultZone); return l }()

// At reads "2006-01-02 15:04" in Shanghai.
func At(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, Shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

// WantKind fails unless err is an errs.Error of kind, and returns it.
func WantKind(t testing.TB, err error, kind errs.Kind, what string) *errs.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want kind %d", what, kind)
	}
	e := errs.As(err)
	if e.Kind != kind {
		t.Fatalf("%s: kind %d (%s), want %d", what, e.Kind, e.Message, kind)
	}
	return e
}

// MustOK fails on err.
func MustOK(t testing.TB, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// Count runs a COUNT query.
func Count(t testing.TB, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(ctx, q, args...).Scan(&n); err != nil {
		t.Fatalf("count %q: %v", q, err)
	}
	return n
}
