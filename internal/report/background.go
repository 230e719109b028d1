package report

import (
	"context"
	"time"

	"xuejiangping/internal/errs"
)

// bigMarks is how many pending marks make a change big whatever they
// touch: each mark costs a refresh of its units.
const bigMarks = 2000

// bigChange says whether the pending marks would take too long to refresh
// within a page view. Only large trees qualify (AsyncAbove orgs): there, a
// mark on the top org or one of its children (a whole city), a mark for
// every round ('*': members or orgs moved) or a pile of marks means
// refreshing tens of thousands of units. Smaller installations always
// refresh at once, so their figures are never behind.
func (s *Service) bigChange(ctx context.Context) (bool, error) {
	if s.AsyncAbove <= 0 {
		return false, nil
	}
	// The marks first: usually there are none, and then the tree's size
	// does not matter.
	var marks, wide int
	err := s.DB.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN d.round_key = '*' OR o.id IS NULL OR o.parent_id IS NULL
			OR o.parent_id IN (SELECT id FROM orgs WHERE parent_id IS NULL) THEN 1 ELSE 0 END), 0)
		FROM report_dirty d LEFT JOIN orgs o ON o.id = d.org_id`).Scan(&marks, &wide)
	if err != nil {
		return false, errs.Wrap(err, "pending marks")
	}
	if wide == 0 && marks < bigMarks {
		return false, nil
	}
	// Counting stops at AsyncAbove: only "at least that many" matters.
	var orgs int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM orgs LIMIT ?) x`, s.AsyncAbove).Scan(&orgs); err != nil {
		return false, errs.Wrap(err, "count orgs")
	}
	return orgs >= s.AsyncAbove, nil
}

// refreshInBackground takes the pending marks in on its own goroutine,
// once at a time; dashboards meanwhile read the last figures. The caller
// holds factsMu, so the refresh starts when the caller is done. If the
// process stops midway the transaction rolls back and the marks stay for
// the next refresh.
func (s *Service) refreshInBackground() {
	if !s.refreshing.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer s.refreshing.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
		defer cancel()
		if err := s.RefreshNow(ctx); err != nil && s.Log != nil {
			s.Log.Error("background refresh of the dashboards failed", "err", err)
		}
	}()
}

// RefreshNow takes every pending change in, however big (the background
// refresh, and tests).
func (s *Service) RefreshNow(ctx context.Context) error {
	s.factsMu.Lock()
	defer s.factsMu.Unlock()
	built, err := s.builtRounds(ctx)
	if err != nil {
		return err
	}
	_, err = s.refreshDirty(ctx, built)
	return err
}

// Refreshing says whether a background refresh is under way.
func (s *Service) Refreshing() bool { return s.refreshing.Load() }
