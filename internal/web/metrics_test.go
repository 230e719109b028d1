package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"xuejiangping/internal/app"
	"xuejiangping/internal/web"
)

// TestMetricsOnlyForTheScraper: /metrics answers loopback and the
// configured networks; any other peer gets 404, whatever header it sends.
func TestMetricsOnlyForTheScraper(t *testing.T) {
	h := newHarness(t, func(c *app.Config) { c.MetricsFrom = "10.1.0.0/16, 192.0.2.7" })
	get := func(peer string, hdr ...string) int {
		req := httptest.NewRequest("GET", "/metrics", nil)
		req.RemoteAddr = peer
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		rec := httptest.NewRecorder()
		h.app.Web.ServeHTTP(rec, req)
		return rec.Code
	}
	for _, tc := range []struct {
		peer string
		hdr  []string
		want int
	}{
		{"127.0.0.1:5000", nil, http.StatusOK},
		{"[::1]:5000", nil, http.StatusOK},
		{"10.1.200.3:5000", nil, http.StatusOK},
		{"192.0.2.7:5000", nil, http.StatusOK},
		{"192.0.2.8:5000", nil, http.StatusNotFound},
		{"10.2.0.1:5000", []string{"X-Forwarded-For", "127.0.0.1"}, http.StatusNotFound},
	} {
		if got := get(tc.peer, tc.hdr...); got != tc.want {
			t.Errorf("peer %s: status %d, want %d", tc.peer, got, tc.want)
		}
	}
	if _, err := web.ParseNetworks("10.0.0.0/8,不是网段"); err == nil {
		t.Error("a bad network was accepted")
	}
}

// /metrics carries the live contests' figures next to the HTTP ones.
func TestMetricsHaveContestFigures(t *testing.T) {
	h := newHarness(t)
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.RemoteAddr = "127.0.0.1:5000"
	rec := httptest.NewRecorder()
	h.app.Web.ServeHTTP(rec, req)
	body := rec.Body.String()
	for _, name := range []string{"xjp_contest_screens ", "xjp_contest_commands_total ", "xjp_contest_screens_dropped_total ", "xjp_contest_hall_pass_seconds_count "} {
		if !strings.Contains(body, name) {
			t.Errorf("/metrics lacks %s", name)
		}
	}
}
