// Package settings keeps the few programme-wide settings the admin
// changes at run time (the programme's start date, the tolerance window,
// whether points are on), in the settings table.
package settings

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
)

// Keys.
const (
	ProgrammeStart = "programme.start"     // YYYY-MM-DD
	Tolerance      = "programme.tolerance" // days either side of the due date
	PointsEnabled  = "points.enabled"      // "1" or "0"
)

// Get reads a setting, returning def when it is not set.
func Get(ctx context.Context, q db.Querier, key, def string) (string, error) {
	var v string
	err := q.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return def, nil
	}
	if err != nil {
		return "", errs.Wrap(err, "setting "+key)
	}
	return v, nil
}

// Int reads an integer setting.
func Int(ctx context.Context, q db.Querier, key string, def int) (int, error) {
	v, err := Get(ctx, q, key, strconv.Itoa(def))
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return def, nil
	}
	return n, nil
}

// Bool reads a flag.
func Bool(ctx context.Context, q db.Querier, key string) (bool, error) {
	v, err := Get(ctx, q, key, "0")
	return v == "1", err
}

// Set writes a setting inside tx (upsert, accepted by both engines).
func Set(ctx context.Context, tx *db.Tx, key, value string) error {
	_, err := tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return errs.Wrap(err, "set "+key)
}
