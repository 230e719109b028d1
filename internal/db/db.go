// Package db opens the platform's database — an embedded SQLite file or a
// PostgreSQL server — applies the one migration set, and offers a thin layer
// over database/sql so that domain packages write plain SQL once, with `?`
// placeholders, for both engines.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Dialect names the engine behind a DB.
type Dialect int

const (
	SQLite Dialect = iota
	Postgres
)

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// DB is the platform's handle on its database.
type DB struct {
	sql     *sql.DB
	Dialect Dialect
	path    string // SQLite file, for backups
	rebinds sync.Map
}

// Open connects to dsn: a postgres:// or postgresql:// URL, or else the path
// of an SQLite file (created if missing). It applies the migrations.
func Open(ctx context.Context, dsn string) (*DB, error) {
	d, err := open(dsn)
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func open(dsn string) (*DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		s, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		s.SetMaxOpenConns(20)
		s.SetMaxIdleConns(10)
		s.SetConnMaxIdleTime(5 * time.Minute)
		return &DB{sql: s, Dialect: Postgres}, nil
	}
	if dir := filepath.Dir(dsn); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create data dir: %w", err)
		}
	}
	// busy_timeout first so that the other pragmas never fail with SQLITE_BUSY;
	// immediate transactions so that two writers queue on the lock instead of
	// failing when a read transaction tries to upgrade; WAL so that readers
	// never wait for the writer.
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	q.Set("_time_format", "sqlite")
	s, err := sql.Open("sqlite", "file:"+dsn+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	s.SetMaxOpenConns(8)
	s.SetMaxIdleConns(8)
	return &DB{sql: s, Dialect: SQLite, path: dsn}, nil
}

// Close releases the pool.
func (d *DB) Close() error { return d.sql.Close() }

// SQL exposes the pool for the rare caller that needs it (backups, metrics).
func (d *DB) SQL() *sql.DB { return d.sql }

// Path is the SQLite file ("" for PostgreSQL).
func (d *DB) Path() string { return d.path }

// Ping checks the connection.
func (d *DB) Ping(ctx context.Context) error { return d.sql.PingContext(ctx) }

// Rebind turns `?` placeholders into `$1…` for PostgreSQL. Queries are
// constants in the code, so the rewrite is cached.
func (d *DB) Rebind(q string) string {
	if d.Dialect != Postgres {
		return q
	}
	if v, ok := d.rebinds.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	inStr := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c == '\'' {
			inStr = !inStr
		}
		if c == '?' && !inStr {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(c)
	}
	out := b.String()
	d.rebinds.Store(q, out)
	return out
}

// Exec runs a statement outside a transaction.
func (d *DB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	r, err := d.sql.ExecContext(ctx, d.Rebind(q), args...)
	return r, mapErr(err)
}

// Query runs a query outside a transaction.
func (d *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	r, err := d.sql.QueryContext(ctx, d.Rebind(q), args...)
	return r, mapErr(err)
}

// QueryRow runs a single-row query outside a transaction.
func (d *DB) QueryRow(ctx context.Context, q string, args ...any) *Row {
	return &Row{d.sql.QueryRowContext(ctx, d.Rebind(q), args...)}
}

// Row wraps sql.Row so that "no rows" and driver errors come back mapped.
type Row struct{ r *sql.Row }

// Scan is sql.Row.Scan with errors mapped (sql.ErrNoRows stays recognisable).
func (r *Row) Scan(dest ...any) error { return mapErr(r.r.Scan(dest...)) }

// Tx is a transaction that carries the dialect and the moment it started, so
// that every row written in it shares one "now".
type Tx struct {
	tx    *sql.Tx
	db    *DB
	Now   time.Time
	after []func()
}

// InTx runs fn in a transaction, committing if it returns nil. Functions
// registered with tx.AfterCommit run only once the commit succeeded, which is
// where events are published.
func (d *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	t, err := d.sql.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err)
	}
	tx := &Tx{tx: t, db: d, Now: time.Now().UTC()}
	if err := fn(tx); err != nil {
		_ = t.Rollback()
		return err
	}
	if err := t.Commit(); err != nil {
		return mapErr(err)
	}
	for _, f := range tx.after {
		f()
	}
	return nil
}

// AfterCommit registers f to run after a successful commit.
func (tx *Tx) AfterCommit(f func()) { tx.after = append(tx.after, f) }

// Dialect of the underlying database.
func (tx *Tx) Dialect() Dialect { return tx.db.Dialect }

// Exec runs a statement in the transaction.
func (tx *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	r, err := tx.tx.ExecContext(ctx, tx.db.Rebind(q), args...)
	return r, mapErr(err)
}

// Query runs a query in the transaction.
func (tx *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	r, err := tx.tx.QueryContext(ctx, tx.db.Rebind(q), args...)
	return r, mapErr(err)
}

// QueryRow runs a single-row query in the transaction.
func (tx *Tx) QueryRow(ctx context.Context, q string, args ...any) *Row {
	return &Row{tx.tx.QueryRowContext(ctx, tx.db.Rebind(q), args...)}
}

// Insert runs an INSERT and returns the new row's id; both engines accept
// RETURNING.
func (tx *Tx) Insert(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, q+" RETURNING id", args...).Scan(&id)
	return id, err
}

// ForUpdate is the row-lock suffix: SQLite has none, and needs none, because
// its write transactions are already serialised (they begin IMMEDIATE).
func (tx *Tx) ForUpdate() string {
	if tx.db.Dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// Querier is what read helpers accept: a DB or a Tx.
type Querier interface {
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, q string, args ...any) *Row
}

// IsNoRows reports whether err means "no row".
func IsNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
