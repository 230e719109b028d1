// Package audit keeps the append-only, hash-chained audit log: every login,
// export and write, recorded in the same transaction as the change itself so
// that a change without its entry cannot exist.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// Actor is who did something, and from where.
type Actor struct {
	UserID int64
	Name   string
	IP     string
}

// System is the actor for changes the platform makes on its own.
var System = Actor{Name: "系统"}

// Results.
const (
	OK     = "ok"
	Failed = "failed"
)

// Entry is one line of the log.
type Entry struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	ActorID   int64     `json:"actor_id,omitempty"`
	ActorName string    `json:"actor_name"`
	Action    string    `json:"action"`
	Target    string    `json:"target"`
	Detail    string    `json:"detail"`
	Result    string    `json:"result"`
	IP        string    `json:"ip"`
	PrevHash  string    `json:"prev_hash"`
	Hash      string    `json:"hash"`
}

// Change describes a write: what it was before and after. Either may be nil.
type Change struct {
	Before any    `json:"before,omitempty"`
	After  any    `json:"after,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// Detail renders v (a Change or any value) as the JSON kept in the log.
func Detail(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(b)
}

// Record appends an entry inside tx. The chain head is read and moved in the
// same transaction, so concurrent writers queue on it instead of forking
// the chain.
func Record(ctx context.Context, tx *db.Tx, a Actor, action, target string, detail any, result string) error {
	var lastID int64
	var lastHash string
	err := tx.QueryRow(ctx, `SELECT last_id, last_hash FROM audit_head WHERE id = 1`+tx.ForUpdate()).Scan(&lastID, &lastHash)
	if err != nil {
		return errs.Wrap(err, "audit head")
	}
	if result == "" {
		result = OK
	}
	e := Entry{
		At: tx.Now.Truncate(time.Microsecond), ActorID: a.UserID, ActorName: a.Name,
		Action: action, Target: target, Detail: Detail(detail), Result: result, IP: a.IP,
		PrevHash: lastHash,
	}
	// The hash does not cover the id (unknown before the insert); the order
	// is kept by each entry naming its predecessor's hash instead.
	e.Hash = hashOf(e)
	id, err := tx.Insert(ctx, `INSERT INTO audit_log (at, actor_id, actor_name, action, target, detail, result, ip, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.At, nullID(e.ActorID), e.ActorName, e.Action, e.Target, e.Detail, e.Result, e.IP, e.PrevHash, e.Hash)
	if err != nil {
		return errs.Wrap(err, "audit insert")
	}
	if _, err := tx.Exec(ctx, `UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1`, id, e.Hash); err != nil {
		return errs.Wrap(err, "audit head move")
	}
	return nil
}

// RecordNow is Record in a transaction of its own, for events that change
// nothing else (a failed login, an export).
func RecordNow(ctx context.Context, d *db.DB, a Actor, action, target string, detail any, result string) error {
	return d.InTx(ctx, func(tx *db.Tx) error {
		return Record(ctx, tx, a, action, target, detail, result)
	})
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// hashOf is SHA-256 over the previous hash and every field, each written
// with its length so that no two entries can serialise alike.
func hashOf(e Entry) string {
	h := sha256.New()
	for _, f := range []string{
		e.PrevHash, e.At.UTC().Format(time.RFC3339Nano),
		strconv.FormatInt(e.ActorID, 10), e.ActorName, e.Action, e.Target, e.Detail, e.Result, e.IP,
	} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Filter narrows List.
type Filter struct {
	Actor  string // a part of the actor's name
	Action string // exact action, or a prefix ending in "."
	From   time.Time
	To     time.Time
	Limit  int
	Offset int
}

// List returns entries newest first.
func List(ctx context.Context, q db.Querier, f Filter) ([]Entry, error) {
	var where []string
	var args []any
	if f.Actor != "" {
		where = append(where, `actor_name LIKE ? ESCAPE '\'`)
		args = append(args, "%"+likeEscape(f.Actor)+"%")
	}
	if f.Action != "" {
		if strings.HasSuffix(f.Action, ".") {
			where = append(where, "action LIKE ?")
			args = append(args, f.Action+"%")
		} else {
			where = append(where, "action = ?")
			args = append(args, f.Action)
		}
	}
	if !f.From.IsZero() {
		where = append(where, "at >= ?")
		args = append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		where = append(where, "at < ?")
		args = append(args, f.To.UTC())
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	sqlq := `SELECT id, at, COALESCE(actor_id, 0), actor_name, action, target, detail, result, ip, prev_hash, hash FROM audit_log`
	if len(where) > 0 {
		sqlq += " WHERE " + strings.Join(where, " AND ")
	}
	sqlq += fmt.Sprintf(" ORDER BY id DESC LIMIT %d OFFSET %d", f.Limit, f.Offset)
	rows, err := q.Query(ctx, sqlq, args...)
	if err != nil {
		return nil, errs.Wrap(err, "audit list")
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.Action, &e.Target, &e.Detail, &e.Result, &e.IP, &e.PrevHash, &e.Hash); err != nil {
			return nil, errs.Wrap(err, "audit scan")
		}
		out = append(out, e)
	}
	return out, errs.Wrap(rows.Err(), "audit rows")
}

// VerifyResult is what Verify found.
type VerifyResult struct {
	Entries int
	BadID   int64  // first entry that does not fit the chain (0 if none)
	Problem string // in Chinese
}

// OK reports an intact chain.
func (r VerifyResult) OK() bool { return r.Problem == "" }

// Verify walks the whole chain: each entry's hash must be recomputable and
// must name the previous entry's hash; the head must name the last entry.
// An edited entry breaks its own hash; a deleted one breaks its successor's
// link (or the head, if it was the last).
func Verify(ctx context.Context, d *db.DB) (VerifyResult, error) {
	var res VerifyResult
	rows, err := d.Query(ctx, `SELECT id, at, COALESCE(actor_id, 0), actor_name, action, target, detail, result, ip, prev_hash, hash FROM audit_log ORDER BY id`)
	if err != nil {
		return res, err
	}
	defer rows.Close()
	prev := ""
	var lastID int64
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.Action, &e.Target, &e.Detail, &e.Result, &e.IP, &e.PrevHash, &e.Hash); err != nil {
			return res, err
		}
		res.Entries++
		if res.Problem != "" {
			continue
		}
		switch {
		case e.PrevHash != prev:
			res.BadID, res.Problem = e.ID, msg.T("audit.chain.broken", e.ID)
		case hashOf(e) != e.Hash:
			res.BadID, res.Problem = e.ID, msg.T("audit.chain.tampered", e.ID)
		}
		prev, lastID = e.Hash, e.ID
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	if res.Problem != "" {
		return res, nil
	}
	var headID int64
	var headHash string
	if err := d.QueryRow(ctx, `SELECT last_id, last_hash FROM audit_head WHERE id = 1`).Scan(&headID, &headHash); err != nil {
		return res, err
	}
	if headID != lastID || headHash != prev {
		res.BadID, res.Problem = headID, msg.T("audit.chain.truncated", headID, lastID)
	}
	return res, nil
}

// likeEscape makes % and _ in a search match themselves.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}
