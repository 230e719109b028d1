package db_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
)

func TestMigrateIsIdempotentAndMapsErrors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := d.Migrate(ctx); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		now := time.Now().UTC()
		var id int64
		err := d.InTx(ctx, func(tx *db.Tx) error {
			var err error
			id, err = tx.Insert(ctx, `INSERT INTO orgs (name, kind, created_at) VALUES (?, ?, ?)`, "二七区", "district", now)
			return err
		})
		if err != nil || id == 0 {
			t.Fatalf("insert: id=%d err=%v", id, err)
		}
		var at time.Time
		if err := d.QueryRow(ctx, `SELECT created_at FROM orgs WHERE id = ?`, id).Scan(&at); err != nil {
			t.Fatalf("read back: %v", err)
		}
		if !at.Equal(now.Truncate(time.Microsecond)) && !at.Equal(now) {
			t.Errorf("time round trip: got %v want %v", at, now)
		}
		// A bad parent is a foreign key error, recognised by code.
		_, err = d.Exec(ctx, `INSERT INTO orgs (parent_id, name, kind, created_at) VALUES (?, ?, ?, ?)`, 99999, "x", "branch", now)
		if !errors.Is(err, db.ErrForeignKey) {
			t.Errorf("fk: got %v, want ErrForeignKey", err)
		}
		_, _ = d.Exec(ctx, `INSERT INTO settings (key, value) VALUES ('a', '1')`)
		_, err = d.Exec(ctx, `INSERT INTO settings (key, value) VALUES ('a', '2')`)
		if !errors.Is(err, db.ErrUnique) {
			t.Errorf("unique: got %v, want ErrUnique", err)
		}
		err = d.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, "missing").Scan(new(string))
		if !db.IsNoRows(err) {
			t.Errorf("no rows: got %v", err)
		}
		// The audit log refuses updates at the engine level.
		if _, err := d.Exec(ctx, `UPDATE audit_log SET action = 'x'`); err != nil {
			t.Logf("update on empty log: %v", err)
		}
	})
}

func TestRebind(t *testing.T) {
	d := &db.DB{Dialect: db.Postgres}
	got := d.Rebind(`SELECT a FROM t WHERE b = ? AND c = '?' AND d = ?`)
	want := `SELECT a FROM t WHERE b = $1 AND c = '?' AND d = $2`
	if got != want {
		t.Errorf("got %q want %q", got, want)
	}
}
