package audit_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
)

// record appends n entries, each in its own transaction, and returns them
// oldest first as the log holds them.
func record(t *testing.T, d *db.DB, n int) []audit.Entry {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		a := audit.Actor{UserID: int64(i + 1), Name: fmt.Sprintf("用户%d", i), IP: "10.0.0.1"}
		if err := audit.RecordNow(ctx, d, a, "test.write", fmt.Sprintf("t:%d", i), audit.Change{After: map[string]int{"n": i}}, audit.OK); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	return all(t, d)
}

func all(t *testing.T, d *db.DB) []audit.Entry {
	t.Helper()
	es, err := audit.List(context.Background(), d, audit.Filter{Limit: 1000})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	// List is newest first; reverse.
	for i, j := 0, len(es)-1; i < j; i, j = i+1, j-1 {
		es[i], es[j] = es[j], es[i]
	}
	return es
}

func verify(t *testing.T, d *db.DB) audit.VerifyResult {
	t.Helper()
	res, err := audit.Verify(context.Background(), d)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return res
}

// dropTriggers removes the append-only guard, as an attacker with database
// access would, so the test can tamper with the log.
func dropTriggers(t *testing.T, d *db.DB) {
	t.Helper()
	stmts := []string{`DROP TRIGGER audit_log_no_update`, `DROP TRIGGER audit_log_no_delete`}
	if d.Dialect == db.Postgres {
		stmts = []string{`DROP TRIGGER audit_log_no_change ON audit_log`}
	}
	for _, s := range stmts {
		if _, err := d.Exec(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestChainLinks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		es := record(t, d, 5)
		if len(es) != 5 {
			t.Fatalf("entries = %d, want 5", len(es))
		}
		prev := ""
		for i, e := range es {
			if e.PrevHash != prev {
				t.Errorf("entry %d prev_hash = %q, want %q", i, e.PrevHash, prev)
			}
			if len(e.Hash) != 64 {
				t.Errorf("entry %d hash %q is not SHA-256 hex", i, e.Hash)
			}
			if e.Result != audit.OK || e.IP != "10.0.0.1" || e.ActorID != int64(i+1) {
				t.Errorf("entry %d = %+v", i, e)
			}
			prev = e.Hash
		}
		if res := verify(t, d); !res.OK() || res.Entries != 5 {
			t.Fatalf("verify intact log = %+v, want OK with 5 entries", res)
		}
	})
}

func TestVerifyEmptyLog(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		if res := verify(t, d); !res.OK() || res.Entries != 0 {
			t.Fatalf("verify empty = %+v", res)
		}
	})
}

func TestVerifyDetectsTampering(t *testing.T) {
	cases := []struct {
		name    string
		tamper  func(t *testing.T, d *db.DB, es []audit.Entry)
		badIdx  int    // index of the entry Verify must name
		problem string // a fragment of its Chinese message
	}{
		{"edited detail", func(t *testing.T, d *db.DB, es []audit.Entry) {
			mustExec(t, d, `UPDATE audit_log SET detail = ? WHERE id = ?`, `{"after":{"n":999}}`, es[2].ID)
		}, 2, "篡改"},
		{"edited actor", func(t *testing.T, d *db.DB, es []audit.Entry) {
			mustExec(t, d, `UPDATE audit_log SET actor_name = ? WHERE id = ?`, "别人", es[0].ID)
		}, 0, "篡改"},
		{"edited result", func(t *testing.T, d *db.DB, es []audit.Entry) {
			mustExec(t, d, `UPDATE audit_log SET result = ? WHERE id = ?`, audit.OK+"!", es[4].ID)
		}, 4, "篡改"},
		{"deleted middle entry", func(t *testing.T, d *db.DB, es []audit.Entry) {
			mustExec(t, d, `DELETE FROM audit_log WHERE id = ?`, es[2].ID)
		}, 3, "删除"},
		{"deleted first entry", func(t *testing.T, d *db.DB, es []audit.Entry) {
			mustExec(t, d, `DELETE FROM audit_log WHERE id = ?`, es[0].ID)
		}, 1, "删除"},
		{"deleted last entry", func(t *testing.T, d *db.DB, es []audit.Entry) {
			mustExec(t, d, `DELETE FROM audit_log WHERE id = ?`, es[4].ID)
		}, 4, "末尾"},
		{"deleted last two entries", func(t *testing.T, d *db.DB, es []audit.Entry) {
			mustExec(t, d, `DELETE FROM audit_log WHERE id >= ?`, es[3].ID)
		}, 4, "末尾"},
		{"rehashed edit without relinking", func(t *testing.T, d *db.DB, es []audit.Entry) {
			// An attacker who recomputes the edited entry's own hash still
			// breaks its successor's link.
			mustExec(t, d, `UPDATE audit_log SET detail = 'x', hash = ? WHERE id = ?`, strings.Repeat("0", 64), es[1].ID)
		}, 1, "篡改"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				es := record(t, d, 5)
				dropTriggers(t, d)
				tc.tamper(t, d, es)
				res := verify(t, d)
				if res.OK() {
					t.Fatalf("verify after %s = OK, want a problem", tc.name)
				}
				if res.BadID != es[tc.badIdx].ID {
					t.Errorf("BadID = %d, want %d (%s)", res.BadID, es[tc.badIdx].ID, res.Problem)
				}
				if !strings.Contains(res.Problem, tc.problem) {
					t.Errorf("Problem = %q, want it to mention %q", res.Problem, tc.problem)
				}
			})
		})
	}
}

func mustExec(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	r, err := d.Exec(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		t.Fatalf("%s: no row affected", q)
	}
}

func TestAppendOnlyTriggers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		es := record(t, d, 3)
		ctx := context.Background()
		if _, err := d.Exec(ctx, `UPDATE audit_log SET detail = 'x' WHERE id = ?`, es[1].ID); err == nil {
			t.Error("UPDATE audit_log succeeded, want refused by trigger")
		}
		if _, err := d.Exec(ctx, `DELETE FROM audit_log WHERE id = ?`, es[2].ID); err == nil {
			t.Error("DELETE FROM audit_log succeeded, want refused by trigger")
		}
		if _, err := d.Exec(ctx, `DELETE FROM audit_log`); err == nil {
			t.Error("DELETE of the whole log succeeded, want refused by trigger")
		}
		if got := all(t, d); len(got) != 3 || got[1].Detail != es[1].Detail {
			t.Errorf("log changed despite triggers: %+v", got)
		}
		if res := verify(t, d); !res.OK() {
			t.Errorf("verify = %+v", res)
		}
	})
}

func TestConcurrentRecordKeepsOneChain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		const workers, each = 8, 15
		ctx := context.Background()
		var wg sync.WaitGroup
		errc := make(chan error, workers*each)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < each; i++ {
					err := d.InTx(ctx, func(tx *db.Tx) error {
						return audit.Record(ctx, tx, audit.Actor{Name: fmt.Sprintf("w%d", w)}, "test.concurrent", fmt.Sprint(i), nil, "")
					})
					if err != nil {
						errc <- err
					}
				}
			}(w)
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Fatalf("concurrent record: %v", err)
		}
		es := all(t, d)
		if len(es) != workers*each {
			t.Fatalf("entries = %d, want %d", len(es), workers*each)
		}
		seen := map[string]bool{}
		for i, e := range es {
			if seen[e.PrevHash] {
				t.Fatalf("entry %d shares prev_hash with another: the chain forked", e.ID)
			}
			seen[e.PrevHash] = true
			if i > 0 && e.PrevHash != es[i-1].Hash {
				t.Fatalf("entry %d does not link to %d", e.ID, es[i-1].ID)
			}
		}
		if res := verify(t, d); !res.OK() || res.Entries != workers*each {
			t.Fatalf("verify = %+v", res)
		}
	})
}

func TestListFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		type rec struct{ actor, action string }
		recs := []rec{
			{"张三(zhangsan)", "login"},
			{"李四(lisi)", "member.create"},
			{"张三(zhangsan)", "member.update"},
			{"王五(wangwu)", "members.export"}, // not under "member."
			{"李四(lisi)", "member.import"},
			{"张三(zhangsan)", "login"},
		}
		for _, r := range recs {
			if err := audit.RecordNow(ctx, d, audit.Actor{Name: r.actor}, r.action, "", nil, audit.OK); err != nil {
				t.Fatal(err)
			}
			time.Sleep(3 * time.Millisecond) // distinct timestamps
		}
		es := all(t, d)
		actions := func(f audit.Filter) []string {
			got, err := audit.List(ctx, d, f)
			if err != nil {
				t.Fatalf("list %+v: %v", f, err)
			}
			var out []string
			for _, e := range got {
				out = append(out, e.Action)
			}
			return out
		}
		cases := []struct {
			name string
			f    audit.Filter
			want []string // newest first
		}{
			{"all", audit.Filter{}, []string{"login", "member.import", "members.export", "member.update", "member.create", "login"}},
			{"actor part of name", audit.Filter{Actor: "张三"}, []string{"login", "member.update", "login"}},
			{"actor username", audit.Filter{Actor: "lisi"}, []string{"member.import", "member.create"}},
			{"actor unknown", audit.Filter{Actor: "赵六"}, nil},
			{"action exact", audit.Filter{Action: "login"}, []string{"login", "login"}},
			{"action exact is not a prefix", audit.Filter{Action: "member"}, nil},
			{"action prefix", audit.Filter{Action: "member."}, []string{"member.import", "member.update", "member.create"}},
			{"actor and action", audit.Filter{Actor: "张三", Action: "member."}, []string{"member.update"}},
			{"from", audit.Filter{From: es[4].At}, []string{"login", "member.import"}},
			{"to (exclusive)", audit.Filter{To: es[1].At}, []string{"login"}},
			{"from–to", audit.Filter{From: es[1].At, To: es[4].At}, []string{"members.export", "member.update", "member.create"}},
			{"from–to in another zone", audit.Filter{From: es[1].At.In(time.FixedZone("CST", 8*3600)), To: es[4].At.In(time.FixedZone("CST", 8*3600))}, []string{"members.export", "member.update", "member.create"}},
			{"limit", audit.Filter{Limit: 2}, []string{"login", "member.import"}},
			{"limit offset", audit.Filter{Limit: 2, Offset: 2}, []string{"members.export", "member.update"}},
		}
		for _, tc := range cases {
			got := actions(tc.f)
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
			}
		}
	})
}
