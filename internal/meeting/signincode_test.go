package meeting

import (
	"regexp"
	"testing"
	"time"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

func TestCodeShape(t *testing.T) {
	t0 := time.Date(2025, 10, 16, 9, 0, 0, 0, time.UTC)
	c := Code(secret, 42, t0)
	if !regexp.MustCompile(`^[A-Za-z0-9_-]{12}$`).MatchString(c) {
		t.Fatalf("Code = %q, want 12 URL-safe characters", c)
	}
	tests := []struct {
		name  string
		other string
		same  bool
	}{
		{"same step, later second", Code(secret, 42, t0.Add(29*time.Second)), true},
		{"same instant in another zone", Code(secret, 42, t0.In(time.FixedZone("CST", 8*3600))), true},
		{"next step", Code(secret, 42, t0.Add(30*time.Second)), false},
		{"another meeting", Code(secret, 43, t0), false},
		{"another secret", Code([]byte("another secret, 32 bytes long!!!"), 42, t0), false},
	}
	for _, tt := range tests {
		if (tt.other == c) != tt.same {
			t.Errorf("%s: %q vs %q, want same=%v", tt.name, tt.other, c, tt.same)
		}
	}
}

func TestVerify(t *testing.T) {
	// 09:00:00 starts a step; 09:00:30 starts the next.
	shown := time.Date(2025, 10, 16, 9, 0, 10, 0, time.UTC)
	valid := Code(secret, 42, shown)
	tests := []struct {
		name     string
		meeting  int64
		input    string
		now      time.Time
		wantCode string
	}{
		{"scanned at once", 42, valid, shown, ""},
		{"last second of the same step", 42, valid, shown.Add(19*time.Second + 999*time.Millisecond), ""},
		{"just after the QR changed: grace", 42, valid, shown.Add(20 * time.Second), ""},
		{"end of the grace step", 42, valid, shown.Add(49*time.Second + 999*time.Millisecond), ""},
		{"two steps old", 42, valid, shown.Add(50 * time.Second), CodeSignInExpired},
		{"an hour old", 42, valid, shown.Add(time.Hour), CodeSignInExpired},
		{"a code from the future is refused", 42, valid, shown.Add(-30 * time.Second), CodeSignInExpired},
		{"another meeting's code", 43, valid, shown, CodeSignInExpired},
		{"surrounding spaces ignored", 42, " " + valid + "\n", shown, ""},
		{"empty", 42, "", shown, CodeSignInMalformed},
		{"too short", 42, valid[:11], shown, CodeSignInMalformed},
		{"too long", 42, valid + "A", shown, CodeSignInMalformed},
		{"not base64", 42, "!!!!!!!!!!!!", shown, CodeSignInMalformed},
		{"standard base64 alphabet", 42, "++++////++++", shown, CodeSignInMalformed},
		{"right shape, wrong bits", 42, flip(valid), shown, CodeSignInExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Verify(secret, tt.meeting, tt.input, tt.now)
			if got := code(err); got != tt.wantCode {
				t.Errorf("Verify = %v, want code %q", err, tt.wantCode)
			}
		})
	}
}

// flip changes the first character to another valid one.
func flip(c string) string {
	if c[0] == 'A' {
		return "B" + c[1:]
	}
	return "A" + c[1:]
}

func TestVerifyExpiredMessage(t *testing.T) {
	now := time.Date(2025, 10, 16, 9, 0, 0, 0, time.UTC)
	err := Verify(secret, 1, Code(secret, 1, now.Add(-2*time.Minute)), now)
	if want := "签到码已过期，请扫描屏幕上最新的二维码"; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}

func TestNextChange(t *testing.T) {
	tests := []struct {
		t, want time.Time
	}{
		{time.Date(2025, 10, 16, 9, 0, 0, 0, time.UTC), time.Date(2025, 10, 16, 9, 0, 30, 0, time.UTC)},
		{time.Date(2025, 10, 16, 9, 0, 29, 999, time.UTC), time.Date(2025, 10, 16, 9, 0, 30, 0, time.UTC)},
		{time.Date(2025, 10, 16, 9, 0, 30, 0, time.UTC), time.Date(2025, 10, 16, 9, 1, 0, 0, time.UTC)},
		{time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC), time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		if got := NextChange(tt.t); !got.Equal(tt.want) {
			t.Errorf("NextChange(%v) = %v, want %v", tt.t, got, tt.want)
		}
	}
}

func TestStepBeforeEpoch(t *testing.T) {
	tests := []struct {
		unix int64
		want int64
	}{
		{0, 0}, {29, 0}, {30, 1}, {-1, -1}, {-30, -1}, {-31, -2},
	}
	for _, tt := range tests {
		if got := step(time.Unix(tt.unix, 0)); got != tt.want {
			t.Errorf("step(%d) = %d, want %d", tt.unix, got, tt.want)
		}
	}
}
