package live

import (
	"context"
	"errors"
	"time"

	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// Lease timing when several instances serve contests: the owner renews well
// before expiry, so one missed renewal (a slow database, a GC pause) does not
// hand the contest over, while a dead owner is replaced within a few seconds.
const (
	DefaultLeaseTTL   = 3 * time.Second
	DefaultLeaseRenew = time.Second
)

// Lease is who owns a contest's commands, and until when.
type Lease struct {
	Owner   string
	Expires time.Time
}

// AcquireLease takes, renews or takes over the contest's lease for owner:
// it succeeds when nobody holds it, when owner already holds it (renewal) or
// when the holder let it expire (takeover), and then holds it until now+ttl.
// It reports false, without error, when another instance holds a live lease.
//
// The row is read with a lock (PostgreSQL) or inside an immediate
// transaction (SQLite), so a takeover and the old owner's append of events
// are serialised: whichever comes second sees the other's effect.
func (s *Store) AcquireLease(ctx context.Context, id int64, owner string, now time.Time, ttl time.Duration) (bool, error) {
	if owner == "" {
		return false, errors.New("live: empty lease owner")
	}
	got := false
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var cur string
		var exp time.Time
		err := tx.QueryRow(ctx, `SELECT owner, expires_at FROM contest_leases WHERE contest_id = ?`+tx.ForUpdate(), id).Scan(&cur, &exp)
		switch {
		case db.IsNoRows(err):
			_, err = tx.Exec(ctx, `INSERT INTO contest_leases (contest_id, owner, expires_at) VALUES (?, ?, ?)`, id, owner, now.Add(ttl).UTC())
		case err != nil:
			return err
		case cur != owner && now.Before(exp):
			return nil // held by a live owner
		default:
			_, err = tx.Exec(ctx, `UPDATE contest_leases SET owner = ?, expires_at = ? WHERE contest_id = ?`, owner, now.Add(ttl).UTC(), id)
		}
		got = err == nil
		return err
	})
	if errors.Is(err, db.ErrForeignKey) {
		return false, errs.NotFoundf(msg.T("live.noun.contest"))
	}
	if errors.Is(err, db.ErrUnique) {
		// Another instance inserted the first lease row at the same moment.
		return false, nil
	}
	if err != nil {
		return false, errs.Wrap(err, "acquire lease")
	}
	return got, nil
}

// ReleaseLease gives up owner's lease on the contest, so that another
// instance takes over at its next renewal instead of waiting for expiry.
func (s *Store) ReleaseLease(ctx context.Context, id int64, owner string) error {
	_, err := s.db.Exec(ctx, `DELETE FROM contest_leases WHERE contest_id = ? AND owner = ?`, id, owner)
	return errs.Wrap(err, "release lease")
}

// ReleaseLeases gives up every lease owner holds (a graceful shutdown).
func (s *Store) ReleaseLeases(ctx context.Context, owner string) error {
	_, err := s.db.Exec(ctx, `DELETE FROM contest_leases WHERE owner = ?`, owner)
	return errs.Wrap(err, "release leases")
}

// LeaseOf reads the contest's lease; ok is false when nobody holds one.
func (s *Store) LeaseOf(ctx context.Context, id int64) (l Lease, ok bool, err error) {
	err = s.db.QueryRow(ctx, `SELECT owner, expires_at FROM contest_leases WHERE contest_id = ?`, id).Scan(&l.Owner, &l.Expires)
	if db.IsNoRows(err) {
		return l, false, nil
	}
	return l, err == nil, errs.Wrap(err, "lease")
}

// checkLease is appendEvents' guard: the lease row must exist and name
// owner. The row is locked for the rest of the transaction, so a takeover
// waits for this append to commit (and then reads it from the log), or has
// already committed and this append is refused. Expiry is not checked here:
// an expired lease nobody has taken over yet harms no one, and refusing it
// would only stall a contest whose renewal ran late.
func checkLease(ctx context.Context, tx *db.Tx, id int64, owner string) error {
	var cur string
	err := tx.QueryRow(ctx, `SELECT owner FROM contest_leases WHERE contest_id = ?`+tx.ForUpdate(), id).Scan(&cur)
	if db.IsNoRows(err) || (err == nil && cur != owner) {
		return ErrNotOwner
	}
	return err
}
