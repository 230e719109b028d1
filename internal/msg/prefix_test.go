package msg

import (
	"strings"
	"testing"
)

func TestWithPrefix(t *testing.T) {
	got := WithPrefix("js.contest.")
	if len(got) < 50 {
		t.Fatalf("WithPrefix(js.contest.) gave %d entries, want the contest script's text", len(got))
	}
	for k, v := range got {
		if !strings.HasPrefix(k, "js.contest.") {
			t.Errorf("WithPrefix(js.contest.) holds %q", k)
		}
		if v != zh[k] {
			t.Errorf("%s = %q, want the raw entry %q", k, v, zh[k])
		}
	}
	// Raw format strings, not formatted: the script fills them in.
	if v := got["js.contest.conn.retryIn"]; !strings.Contains(v, "%d") {
		t.Errorf("js.contest.conn.retryIn = %q, want its %%d kept", v)
	}
	if _, ok := got["contest.host"]; ok {
		t.Error("WithPrefix(js.contest.) holds contest.host")
	}
	if n := len(WithPrefix("no.such.prefix.")); n != 0 {
		t.Errorf("WithPrefix(no.such.prefix.) gave %d entries", n)
	}
	// The result is a copy: changing it leaves the catalog alone.
	got["js.contest.conn.ok"] = "x"
	if T("js.contest.conn.ok") == "x" {
		t.Error("changing WithPrefix's result changed the catalog")
	}
}
