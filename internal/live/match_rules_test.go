package live

import (
	"context"
	"errors"
	"testing"
	"time"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/contest"
	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/errs"
)

// The foul penalty, delay compensation and the device check are set in the
// setup and reach the engine: bad values are refused with the field and
// nothing changes; saved ones are in the match's config (the foul rule on
// every buzzer segment); and with a device bound set, the match refuses to
// start until the buzzers have been checked.
func TestMatchRulesReachTheEngine(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewStore(d)
		id := setupMatch(t, d)
		base := Rules{AnswerMS: 3000, JudgeRule: "majority", TieRule: "first", TieWindowMS: 30, FoulLockOut: true}
		for field, r := range map[string]Rules{
			"foul_points":          {AnswerMS: 3000, JudgeRule: "majority", TieRule: "first", TieWindowMS: 30, FoulPoints: -1},
			"delay_cap_ms":         {AnswerMS: 3000, JudgeRule: "majority", TieRule: "first", TieWindowMS: 30, DelayCompensation: true, DelayCapMS: 501},
			"max_device_spread_ms": {AnswerMS: 3000, JudgeRule: "majority", TieRule: "first", TieWindowMS: 30, MaxDeviceSpreadMS: 1001},
		} {
			err := s.SetRules(ctx, audit.System, id, r)
			e := errs.As(err)
			if err == nil || e.Kind != errs.Invalid || len(e.Fields) == 0 || e.Fields[0].Field != field {
				t.Errorf("%s: err %v", field, err)
			}
		}
		c, err := s.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.FoulPoints != 0 || !c.FoulLockOut || c.DelayCompensation || c.DelayCapMS != 150 || c.MaxDeviceSpreadMS != 0 {
			t.Fatalf("refused rules changed the match, or the defaults are wrong: %+v", c)
		}
		r := base
		r.FoulPoints, r.FoulLockOut, r.DelayCompensation, r.DelayCapMS, r.MaxDeviceSpreadMS = 5, false, true, 100, 40
		if err := s.SetRules(ctx, audit.System, id, r); err != nil {
			t.Fatal(err)
		}
		c, _ = s.Get(ctx, id)
		cfg, err := c.MatchConfig()
		if err != nil {
			t.Fatal(err)
		}
		if !cfg.DelayCompensation || cfg.DelayCap != 100*time.Millisecond || cfg.MaxDeviceSpread != 40*time.Millisecond {
			t.Errorf("config: compensation %v cap %s spread %s", cfg.DelayCompensation, cfg.DelayCap, cfg.MaxDeviceSpread)
		}
		for _, seg := range cfg.Segments {
			if seg.Kind == contest.Buzzer && (seg.Foul == nil || seg.Foul.Points != 5 || seg.Foul.LockOut) {
				t.Errorf("buzzer segment foul rule %+v, want 5 points, no lock-out", seg.Foul)
			}
		}

		clk := &fakeClock{t: time.Now()}
		m := newTestManager(d, clk)
		defer m.Close()
		h, err := m.Hub(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		_, err = h.Do(ctx, contest.Command{Type: contest.CmdStart})
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != "device_check_required" {
			t.Fatalf("start without a device check: %v", err)
		}
	})
}
