package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The team event API on both databases: a referee's entry with a bad
// value is refused with a Chinese reason and stores nothing; a good one
// returns the standings; a correction keeps the old value in the audit
// log; someone who is not a referee is refused.
func TestContestTeamEventAPI(t *testing.T) {
	for _, eng := range engines() {
		t.Run(string(eng), func(t *testing.T) {
			h := newHarnessOn(t, eng)
			admin := h.login("admin", demoPW)
			r := h.do("POST", "/teamevents", admin, url.Values{"name": {"接口测试拓展"}})
			var id int64
			if _, err := fmt.Sscanf(r.Header.Get("Location"), "/teamevents/%d", &id); err != nil {
				t.Fatalf("create: %s", r)
			}
			for _, n := range []string{"甲队", "乙队"} {
				h.do("POST", fmt.Sprintf("/teamevents/%d/teams", id), admin, url.Values{"name": {n}}).expect(t, http.StatusSeeOther, "team")
			}
			h.do("POST", fmt.Sprintf("/teamevents/%d/referees", id), admin, url.Values{"username": {"zhuanban"}}).expect(t, http.StatusSeeOther, "referee")
			ref := h.login("zhuanban", demoPW)
			api := fmt.Sprintf("/api/v1/teamevents/%d/results", id)
			count := func() int64 { return h.idOrZero(`SELECT COUNT(*) FROM team_event_results WHERE event_id = ?`, id) }

			for _, bad := range []string{
				`{"project":"kart","team":"t1","value":"快"}`,
				`{"project":"kart","team":"t9","value":"61.5"}`,
				`{"project":"nosuch","team":"t1","value":"1"}`,
				`{"project":"chess","team":"t1","value":"0"}`,
				`{"project":"kart","team":"t1","value":"61.5","extra":1}`,
			} {
				r := h.do("POST", api, ref, bad)
				r.expect(t, http.StatusBadRequest, bad)
				r.apiErr(t)
			}
			if n := count(); n != 0 {
				t.Fatalf("bad entries stored %d results", n)
			}
			h.do("POST", api, h.login("dangyuan", demoPW), `{"project":"kart","team":"t1","value":"61.5"}`).expect(t, http.StatusForbidden, "not a referee")

			r = h.do("POST", api, ref, `{"project":"kart","team":"t1","value":"1:01.5"}`)
			r.expect(t, http.StatusOK, "entry")
			h.do("POST", api, ref, `{"project":"kart","team":"t2","value":"59"}`).expect(t, http.StatusOK, "entry 2")
			r = h.do("POST", api, ref, `{"project":"kart","team":"t2","value":"62"}`) // a correction
			r.expect(t, http.StatusOK, "correction")
			var board struct {
				Standings []struct {
					Team   string `json:"team"`
					Points int    `json:"points"`
				} `json:"standings"`
				Projects []struct {
					ID         string `json:"id"`
					Placements []struct {
						Team  string `json:"team"`
						Shown string `json:"shown"`
					} `json:"placements"`
				} `json:"projects"`
			}
			r.json(t, &board)
			if board.Standings[0].Team != "t1" || board.Standings[0].Points != 10 || board.Standings[1].Points != 8 {
				t.Errorf("standings after the correction: %+v", board.Standings)
			}
			kart := board.Projects[len(board.Projects)-1]
			if kart.ID != "kart" || kart.Placements[0].Shown != "1:01.5" {
				t.Errorf("kart ranking %+v", kart)
			}
			var detail string
			if err := h.app.DB.QueryRow(t.Context(), `SELECT detail FROM audit_log WHERE action = 'teamevent.result' ORDER BY id DESC LIMIT 1`).Scan(&detail); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(detail, `"before":{"value":59000}`) || !strings.Contains(detail, `"after":{"value":62000}`) {
				t.Errorf("correction audit detail %s", detail)
			}
			pub := h.do("GET", fmt.Sprintf("/teamevents/%d/screen", id), "", nil)
			pub.expect(t, http.StatusOK, "public screen")
			if !strings.Contains(string(pub.Body), "甲队") || !strings.Contains(string(pub.Body), `data-refresh="3000"`) {
				t.Error("screen lacks the teams or its refresh")
			}
		})
	}
}
