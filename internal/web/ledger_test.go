package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestLedgerPaged: the district's ledger (hundreds of rectifications in
// the demo history) comes 100 rows a page, with the whole list's count,
// and the pager keeps the filters.
func TestLedgerPaged(t *testing.T) {
	h := newHarness(t)
	tok := h.login("admin", demoPW)
	rows := regexp.MustCompile(`<a href="/rectifications/\d+">`)
	first := h.do("GET", "/rectifications?category=business", tok, nil)
	first.expect(t, http.StatusOK, "ledger")
	body := string(first.Body)
	if n := len(rows.FindAllString(body, -1)); n != 100 {
		t.Fatalf("first page has %d rows, want 100", n)
	}
	if !strings.Contains(body, "第 1/") || !strings.Contains(body, `href="/rectifications?category=business&amp;page=2"`) {
		t.Fatalf("no pager keeping the filter on the first page")
	}
	second := string(h.do("GET", "/rectifications?category=business&page=2", tok, nil).Body)
	if !strings.Contains(second, "第 2/") || rows.FindString(second) == rows.FindString(body) {
		t.Errorf("second page is not the next rows")
	}
}
