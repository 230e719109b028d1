package meeting

import (
	"errors"
	"strings"
	"testing"
)

func TestCanFinalize(t *testing.T) {
	tests := []struct {
		name                 string
		attendance, speeches int
		wantCode             string
	}{
		{"attendance and a speech", 8, 1, ""},
		{"everyone spoke", 8, 8, ""},
		{"one member, one speech", 1, 1, ""},
		{"no attendance", 0, 3, CodeNoAttendance},
		{"no speech", 8, 0, CodeNoSpeech},
		{"nothing at all: attendance first", 0, 0, CodeNoAttendance},
		{"negative counts are nothing", -1, -1, CodeNoAttendance},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CanFinalize(tt.attendance, tt.speeches)
			if got := code(err); got != tt.wantCode {
				t.Errorf("CanFinalize(%d, %d) = %v, want code %q", tt.attendance, tt.speeches, err, tt.wantCode)
			}
			if err != nil && !strings.Contains(err.Error(), "不能定稿") {
				t.Errorf("message %q does not say it cannot be finalised", err)
			}
		})
	}
}

func code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err != nil {
		return "not a meeting.Error"
	}
	return ""
}

func TestAttendanceRate(t *testing.T) {
	tests := []struct {
		attended, expected int
		want               float64
	}{
		{8, 10, 0.8},
		{10, 10, 1},
		{0, 10, 0},
		{7, 8, 0.875},
		{0, 0, 0},
		{3, 0, 0},
		{12, 10, 1}, // a miscount never shows above 100%
		{-1, 10, 0},
	}
	for _, tt := range tests {
		if got := AttendanceRate(tt.attended, tt.expected); got != tt.want {
			t.Errorf("AttendanceRate(%d, %d) = %v, want %v", tt.attended, tt.expected, got, tt.want)
		}
	}
}

func TestLabels(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{SpeechUnderstanding.Label(), "认识理解"},
		{SpeechReflection.Label(), "心得体会"},
		{SpeechExperience.Label(), "工作经验"},
		{ReviewSelf.Label(), "自评"},
		{ReviewPeer.Label(), "互评"},
		{ReviewOverall.Label(), "总评"},
		{ReviewSelf.Focus(), "思路见解"},
		{ReviewPeer.Focus(), "方式方法"},
		{ReviewOverall.Focus(), "目标方向"},
		{RatingExcellent.Label(), "优秀"},
		{RatingGood.Label(), "良好"},
		{RatingFair.Label(), "一般"},
		{RatingPoor.Label(), "较差"},
		{Rating("bogus").Label(), "bogus"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("label %q, want %q", tt.got, tt.want)
		}
	}
	if n := len(SpeechKinds()) + len(ReviewKinds()) + len(Ratings()); n != 10 {
		t.Errorf("3 speech kinds + 3 review kinds + 4 ratings = %d", n)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		parse func(string) (string, error)
		in    string
		want  string // "" means refused
	}{
		{"speech code", parseSpeech, "reflection", "reflection"},
		{"speech label", parseSpeech, "工作经验", "experience"},
		{"speech label with spaces", parseSpeech, " 认识理解 ", "understanding"},
		{"speech with 讲 prefix", parseSpeech, "讲认识理解", ""},
		{"speech unknown", parseSpeech, "chat", ""},
		{"speech empty", parseSpeech, "", ""},
		{"speech upper case", parseSpeech, "REFLECTION", ""},
		{"review code", parseReview, "peer", "peer"},
		{"review label", parseReview, "总评", "overall"},
		{"review unknown", parseReview, "他评", ""},
		{"rating code", parseRating, "good", "good"},
		{"rating label", parseRating, "较差", "poor"},
		{"rating unknown", parseRating, "合格", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.parse(tt.in)
			if got != tt.want {
				t.Errorf("parse(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			if tt.want == "" {
				if code(err) != CodeInvalidValue || !strings.Contains(err.Error(), "未知的") {
					t.Errorf("parse(%q) error = %v, want %s with a Chinese message", tt.in, err, CodeInvalidValue)
				}
			}
		})
	}
}

func parseSpeech(s string) (string, error) { v, err := ParseSpeechKind(s); return string(v), err }
func parseReview(s string) (string, error) { v, err := ParseReviewKind(s); return string(v), err }
func parseRating(s string) (string, error) { v, err := ParseRating(s); return string(v), err }

func TestParseMessageListsChoices(t *testing.T) {
	_, err := ParseRating("合格")
	want := "未知的评议等次“合格”，可选：优秀、良好、一般、较差"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}
