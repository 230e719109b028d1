package live

import (
	"reflect"
	"testing"
)

// The ping fast path must agree with the strict decoder on everything it
// accepts; what it does not accept, the strict decoder judges.
func TestDecodePingAgreesWithStrict(t *testing.T) {
	for _, s := range []string{
		`{"type":"ping","c":12345.678}`, `{"type":"ping","c":0}`, `{"type":"ping","c":-1.5e3}`,
		`{"type":"ping","c":1E-2}`, `{"type":"ping","c":01}`, `{"type":"ping","c":1.}`, `{"type":"ping","c":.5}`,
		`{"type":"ping","c":1e999}`, `{"type":"ping","c":"1"}`, `{"type":"ping","c":1} `, `{"type":"ping","c":1,"n":2}`,
		`{"type":"ping","c":}`, `{"type":"ping","c":-}`, `{"type":"ping","c":1e}`, `{"type":"ping","c":Infinity}`,
	} {
		checkPingAgrees(t, []byte(s))
	}
}

func checkPingAgrees(t *testing.T, b []byte) {
	t.Helper()
	c, ok := decodePing(b)
	if !ok {
		return
	}
	want, err := decodeStrict(b)
	if err != nil {
		t.Fatalf("%s: fast path accepted (c=%v), strict decoder refused: %v", b, c, err)
	}
	if got := (Inbound{Type: "ping", C: c}); !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: fast path %+v, strict %+v", b, got, want)
	}
}

func FuzzDecodePing(f *testing.F) {
	for _, s := range []string{`{"type":"ping","c":1}`, `{"type":"ping","c":-0.5e-3}`, `{"type":"ping","c":1e400}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkPingAgrees(t, b) })
}
