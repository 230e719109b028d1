// Package meeting holds the rules of one 学讲评 meeting (学 · 讲 · 评):
// the must-study categories, speech and review kinds, ratings, the
// peer-review rotation, rotating sign-in codes and what a meeting needs
// before it can be finalised. The files here are pure: no storage, no clock.
package meeting

import (
	"strings"

	"xuejiangping/internal/msg"
)

// Error is a failure with a stable code and a message safe to show a user.
// It stays local to the package; the delivery layers map Code to a response.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Error codes of this package.
const (
	CodeInvalidValue    = "meeting_invalid_value"    // an unknown kind, rating or category
	CodeNoAttendance    = "meeting_no_attendance"    // finalising with nobody signed in
	CodeNoSpeech        = "meeting_no_speech"        // finalising with no speech recorded
	CodeSignInExpired   = "meeting_signin_expired"   // a sign-in code from an older QR
	CodeSignInMalformed = "meeting_signin_malformed" // not a sign-in code at all
)

// CanFinalize reports whether a meeting has what its minutes need: at least
// one member signed in and at least one speech. Minutes without either
// would record a meeting that did not happen.
func CanFinalize(attendanceCount, speechCount int) error {
	if attendanceCount <= 0 {
		return &Error{CodeNoAttendance, msg.T("meeting.finalize.noAttendance")}
	}
	if speechCount <= 0 {
		return &Error{CodeNoSpeech, msg.T("meeting.finalize.noSpeech")}
	}
	return nil
}

// AttendanceRate is attended / expected, where expected is every member of
// the activity unit at the time of the meeting, including those on approved
// leave: leave explains an absence but does not make it attendance, and a
// rate that dropped people on leave could reach 100% with half the unit
// away. Approved leave is shown beside the rate, not folded into it.
// The result is in [0, 1]; it is 0 when nobody was expected, and attendees
// beyond the expected count (a miscount) cannot push it above 1.
func AttendanceRate(attended, expected int) float64 {
	if expected <= 0 || attended <= 0 {
		return 0
	}
	return float64(min(attended, expected)) / float64(expected)
}

// SpeechKind is what a speech is about (讲).
type SpeechKind string

// Speech kinds.
const (
	SpeechUnderstanding SpeechKind = "understanding" // 讲认识理解
	SpeechReflection    SpeechKind = "reflection"    // 讲心得体会
	SpeechExperience    SpeechKind = "experience"    // 讲工作经验
)

var speechKinds = enum[SpeechKind]{
	what: msg.T("meeting.speechKinds.what"),
	items: []item[SpeechKind]{
		{SpeechUnderstanding, msg.T("meeting.speechKinds.speechUnderstanding")},
		{SpeechReflection, msg.T("meeting.speechKinds.speechReflection")},
		{SpeechExperience, msg.T("meeting.speechKinds.speechExperience")},
	},
}

// SpeechKinds returns every speech kind in display order.
func SpeechKinds() []SpeechKind { return speechKinds.values() }

// Label returns the Chinese name.
func (k SpeechKind) Label() string { return speechKinds.label(k) }

// ParseSpeechKind accepts a code or a Chinese label; anything else is refused.
func ParseSpeechKind(s string) (SpeechKind, error) { return speechKinds.parse(s) }

// ReviewKind is who reviews whom (评).
type ReviewKind string

// Review kinds.
const (
	ReviewSelf    ReviewKind = "self"    // 自评思路见解
	ReviewPeer    ReviewKind = "peer"    // 互评方式方法
	ReviewOverall ReviewKind = "overall" // 总评目标方向 (the secretary)
)

var reviewKinds = enum[ReviewKind]{
	what: msg.T("meeting.reviewKinds.what"),
	items: []item[ReviewKind]{
		{ReviewSelf, msg.T("meeting.reviewKinds.reviewSelf")},
		{ReviewPeer, msg.T("meeting.reviewKinds.reviewPeer")},
		{ReviewOverall, msg.T("meeting.reviewKinds.reviewOverall")},
	},
}

// reviewFocus is what each kind of review looks at, as the seed words it.
var reviewFocus = map[ReviewKind]string{
	ReviewSelf:    msg.T("meeting.reviewFocus.reviewSelf"),
	ReviewPeer:    msg.T("meeting.reviewFocus.reviewPeer"),
	ReviewOverall: msg.T("meeting.reviewFocus.reviewOverall"),
}

// ReviewKinds returns every review kind in display order.
func ReviewKinds() []ReviewKind { return reviewKinds.values() }

// Label returns the Chinese name.
func (k ReviewKind) Label() string { return reviewKinds.label(k) }

// Focus returns what the review looks at, e.g. "思路见解" for a self-review.
func (k ReviewKind) Focus() string { return reviewFocus[k] }

// ParseReviewKind accepts a code or a Chinese label; anything else is refused.
func ParseReviewKind(s string) (ReviewKind, error) { return reviewKinds.parse(s) }

// Rating is the grade a review gives.
type Rating string

// Ratings, best first.
const (
	RatingExcellent Rating = "excellent" // 优秀
	RatingGood      Rating = "good"      // 良好
	RatingFair      Rating = "fair"      // 一般
	RatingPoor      Rating = "poor"      // 较差
)

var ratings = enum[Rating]{
	what: msg.T("meeting.ratings.what"),
	items: []item[Rating]{
		{RatingExcellent, msg.T("meeting.ratings.ratingExcellent")},
		{RatingGood, msg.T("meeting.ratings.ratingGood")},
		{RatingFair, msg.T("meeting.ratings.ratingFair")},
		{RatingPoor, msg.T("meeting.ratings.ratingPoor")},
	},
}

// Ratings returns every rating, best first.
func Ratings() []Rating { return ratings.values() }

// Label returns the Chinese name.
func (r Rating) Label() string { return ratings.label(r) }

// ParseRating accepts a code or a Chinese label; anything else is refused.
func ParseRating(s string) (Rating, error) { return ratings.parse(s) }

// enum is the table behind each set of typed codes: one list holds codes,
// labels and order, so a label can never drift from its code.
type enum[T ~string] struct {
	what  string // the Chinese name of the set, for error messages
	items []item[T]
}

type item[T ~string] struct {
	value T
	label string
}

func (e enum[T]) values() []T {
	out := make([]T, len(e.items))
	for i, it := range e.items {
		out[i] = it.value
	}
	return out
}

func (e enum[T]) index(v T) int {
	for i, it := range e.items {
		if it.value == v {
			return i
		}
	}
	return -1
}

// label falls back to the raw code so an unknown value is visible, not blank.
func (e enum[T]) label(v T) string {
	if i := e.index(v); i >= 0 {
		return e.items[i].label
	}
	return string(v)
}

// parse accepts the code (as stored and sent by the API) or the Chinese
// label (as typed in a spreadsheet), ignoring surrounding spaces.
func (e enum[T]) parse(s string) (T, error) {
	s = strings.TrimSpace(s)
	for _, it := range e.items {
		if s == string(it.value) || s == it.label {
			return it.value, nil
		}
	}
	return "", &Error{CodeInvalidValue, msg.T("meeting.badEnum", e.what, s, e.choices())}
}

func (e enum[T]) choices() string {
	labels := make([]string, len(e.items))
	for i, it := range e.items {
		labels[i] = it.label
	}
	return strings.Join(labels, "、")
}
