package rectify

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	owner     = int64(11)
	secretary = int64(22)
	bystander = int64(33)
)

// Moves with everything supplied, so only the state machine and the
// actor's rights decide.
var (
	byOwner     = Move{Actor: owner, Owner: owner, Evidence: "已组织专题培训", Reason: "证据不足"}
	byVerifier  = Move{Actor: secretary, Owner: owner, Verifier: true, Evidence: "已组织专题培训", Reason: "证据不足"}
	byBystander = Move{Actor: bystander, Owner: owner, Evidence: "已组织专题培训", Reason: "证据不足"}
	// The secretary owns this one: they may work on it but not judge it.
	bySecretaryOwner = Move{Actor: secretary, Owner: secretary, Verifier: true, Evidence: "已整改", Reason: "不行"}
)

func codeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err != nil {
		return "not a rectify.Error"
	}
	return ""
}

// TestTransitionEveryPair covers all 16 pairs of states for each kind of
// actor. "" means allowed.
func TestTransitionEveryPair(t *testing.T) {
	const (
		ok  = ""
		ill = CodeIllegalTransition
		no  = CodeForbidden
	)
	P, I, D, V := StatusPending, StatusInProgress, StatusDone, StatusVerified
	tests := []struct {
		from, to                                    Status
		verifier, owner, secretaryOwner, bystanderC string
	}{
		{P, P, ill, ill, ill, ill},
		{P, I, ok, ok, ok, no},
		{P, D, ill, ill, ill, ill},
		{P, V, ill, ill, ill, ill},
		{I, P, ill, ill, ill, ill},
		{I, I, ill, ill, ill, ill},
		{I, D, ok, ok, ok, no},
		{I, V, ill, ill, ill, ill},
		{D, P, ill, ill, ill, ill},
		{D, I, ok, no, no, no}, // sent back by the verifier
		{D, D, ill, ill, ill, ill},
		{D, V, ok, no, no, no}, // verified: never by the owner
		{V, P, ill, ill, ill, ill},
		{V, I, ill, ill, ill, ill},
		{V, D, ill, ill, ill, ill},
		{V, V, ill, ill, ill, ill},
	}
	if len(tests) != len(Statuses())*len(Statuses()) {
		t.Fatalf("table has %d rows, want every pair", len(tests))
	}
	for _, tt := range tests {
		for _, actor := range []struct {
			name string
			m    Move
			want string
		}{
			{"verifier", byVerifier, tt.verifier},
			{"owner", byOwner, tt.owner},
			{"secretary who owns it", bySecretaryOwner, tt.secretaryOwner},
			{"bystander", byBystander, tt.bystanderC},
		} {
			err := Transition(tt.from, tt.to, actor.m)
			if got := codeOf(err); got != actor.want {
				t.Errorf("%s → %s by %s: %v (code %q), want %q", tt.from, tt.to, actor.name, err, got, actor.want)
			}
			if err != nil && !hasHan(err.Error()) {
				t.Errorf("%s → %s by %s: message %q is not Chinese", tt.from, tt.to, actor.name, err)
			}
		}
	}
}

func hasHan(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff })
}

func TestTransitionRequirements(t *testing.T) {
	tests := []struct {
		name     string
		from, to Status
		m        Move
		want     string
	}{
		{"done with evidence text", StatusInProgress, StatusDone, Move{Actor: owner, Owner: owner, Evidence: "已完成"}, ""},
		{"done with a file only", StatusInProgress, StatusDone, Move{Actor: owner, Owner: owner, HasFile: true}, ""},
		{"done with neither", StatusInProgress, StatusDone, Move{Actor: owner, Owner: owner}, CodeNoEvidence},
		{"done with blank evidence", StatusInProgress, StatusDone, Move{Actor: owner, Owner: owner, Evidence: " \n\t"}, CodeNoEvidence},
		{"secretary enters it for the owner", StatusInProgress, StatusDone, Move{Actor: secretary, Owner: owner, Verifier: true, Evidence: "已完成"}, ""},
		{"reject with a reason", StatusDone, StatusInProgress, Move{Actor: secretary, Owner: owner, Verifier: true, Reason: "缺少培训记录"}, ""},
		{"reject without a reason", StatusDone, StatusInProgress, Move{Actor: secretary, Owner: owner, Verifier: true}, CodeNoReason},
		{"reject with a blank reason", StatusDone, StatusInProgress, Move{Actor: secretary, Owner: owner, Verifier: true, Reason: "  "}, CodeNoReason},
		{"reject by a non-verifier without reason: refused for the right first", StatusDone, StatusInProgress, Move{Actor: bystander, Owner: owner}, CodeForbidden},
		{"verify needs no reason", StatusDone, StatusVerified, Move{Actor: secretary, Owner: owner, Verifier: true}, ""},
		{"start needs nothing", StatusPending, StatusInProgress, Move{Actor: owner, Owner: owner}, ""},
		{"unknown from", "closed", StatusDone, byVerifier, CodeInvalidValue},
		{"unknown to", StatusDone, "", byVerifier, CodeInvalidValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := codeOf(Transition(tt.from, tt.to, tt.m)); got != tt.want {
				t.Errorf("Transition = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTransitionMessages(t *testing.T) {
	tests := []struct {
		from, to Status
		m        Move
		want     string
	}{
		{StatusVerified, StatusInProgress, byVerifier, "已验收的整改不能再更改状态"},
		{StatusDone, StatusDone, byVerifier, "整改状态已是“已整改”，无需重复操作"},
		{StatusPending, StatusDone, byVerifier, "整改状态不能从“待整改”改为“已整改”"},
		{StatusDone, StatusVerified, bySecretaryOwner, "不能验收自己负责的整改，请由其他验收人办理"},
		{StatusInProgress, StatusDone, Move{Actor: owner, Owner: owner}, "标记为已整改时，请填写整改情况或上传佐证材料"},
	}
	for _, tt := range tests {
		err := Transition(tt.from, tt.to, tt.m)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s → %s: %v, want %q", tt.from, tt.to, err, tt.want)
		}
	}
}

func TestAllowed(t *testing.T) {
	tests := []struct {
		from Status
		want []Status
	}{
		{StatusPending, []Status{StatusInProgress}},
		{StatusInProgress, []Status{StatusDone}},
		{StatusDone, []Status{StatusInProgress, StatusVerified}},
		{StatusVerified, nil},
		{"bogus", nil},
	}
	for _, tt := range tests {
		if got := Allowed(tt.from); !slices.Equal(got, tt.want) {
			t.Errorf("Allowed(%s) = %v, want %v", tt.from, got, tt.want)
		}
	}
}

func TestOverdue(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Date(2025, 11, 30, 0, 0, 0, 0, shanghai)
	in := func(s string) time.Time {
		v, err := time.ParseInLocation(time.DateTime, s, shanghai)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name     string
		deadline time.Time
		status   Status
		now      time.Time
		want     bool
	}{
		{"before the deadline", deadline, StatusInProgress, in("2025-11-20 10:00:00"), false},
		{"on the deadline day", deadline, StatusInProgress, in("2025-11-30 23:59:59"), false},
		{"the next day", deadline, StatusInProgress, in("2025-12-01 00:00:00"), true},
		{"pending and late", deadline, StatusPending, in("2026-01-01 00:00:00"), true},
		{"done late is not overdue", deadline, StatusDone, in("2026-01-01 00:00:00"), false},
		{"verified is not overdue", deadline, StatusVerified, in("2026-01-01 00:00:00"), false},
		{"now in UTC, still the 30th in Shanghai", deadline, StatusPending, time.Date(2025, 11, 30, 15, 59, 59, 0, time.UTC), false},
		{"now in UTC, already 1 December in Shanghai", deadline, StatusPending, time.Date(2025, 11, 30, 16, 0, 0, 0, time.UTC), true},
		{"deadline given at noon: only the day counts", time.Date(2025, 11, 30, 12, 0, 0, 0, shanghai), StatusPending, in("2025-11-30 20:00:00"), false},
		{"deadline at the end of a month of 31 days", time.Date(2025, 12, 31, 0, 0, 0, 0, shanghai), StatusPending, in("2026-01-01 00:00:00"), true},
		{"deadline on 28 February", time.Date(2026, 2, 28, 0, 0, 0, 0, shanghai), StatusPending, in("2026-03-01 00:00:00"), true},
		{"no deadline", time.Time{}, StatusPending, in("2030-01-01 00:00:00"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Overdue(tt.deadline, tt.status, tt.now); got != tt.want {
				t.Errorf("Overdue = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLabelsAndParse(t *testing.T) {
	tests := []struct {
		code, label string
		parse       func(string) (string, error)
	}{
		{"pending", "待整改", parseStatus},
		{"in_progress", "整改中", parseStatus},
		{"done", "已整改", parseStatus},
		{"verified", "已验收", parseStatus},
		{"capability", "能力短板", parseCategory},
		{"conduct", "作风问题", parseCategory},
		{"business", "业务问题", parseCategory},
		{"other", "其他", parseCategory},
	}
	for _, tt := range tests {
		for _, in := range []string{tt.code, tt.label, " " + tt.label} {
			if got, err := tt.parse(in); err != nil || got != tt.code {
				t.Errorf("parse(%q) = %q, %v; want %q", in, got, err, tt.code)
			}
		}
	}
	if Status("done").Label() != "已整改" || Category("other").Label() != "其他" || Status("x").Label() != "x" {
		t.Error("labels disagree")
	}
	for _, bad := range []string{"", "closed", "已完成", "PENDING"} {
		if _, err := ParseStatus(bad); codeOf(err) != CodeInvalidValue {
			t.Errorf("ParseStatus(%q) = %v, want refused", bad, err)
		}
		if _, err := ParseCategory(bad); codeOf(err) != CodeInvalidValue {
			t.Errorf("ParseCategory(%q) = %v, want refused", bad, err)
		}
	}
	if len(Statuses()) != 4 || len(Categories()) != 4 {
		t.Error("want four statuses and four categories")
	}
}

func parseStatus(s string) (string, error)   { v, err := ParseStatus(s); return string(v), err }
func parseCategory(s string) (string, error) { v, err := ParseCategory(s); return string(v), err }
