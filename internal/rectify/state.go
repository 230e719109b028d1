// Package rectify holds problems found in meetings and their rectification
// (整改): the state machine a rectification follows, its categories and
// when it is overdue. The rules here are pure: no storage, no clock.
package rectify

import (
	"strings"
	"time"

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
	CodeInvalidValue      = "rectify_invalid_value"      // an unknown status or category
	CodeIllegalTransition = "rectify_illegal_transition" // the state machine has no such move
	CodeForbidden         = "rectify_forbidden"          // the move exists but not for this actor
	CodeNoEvidence        = "rectify_no_evidence"        // 已整改 without evidence
	CodeNoReason          = "rectify_no_reason"          // a rejection without a reason
)

// Status is where a rectification stands.
type Status string

// The statuses, in the order a rectification passes through them.
const (
	StatusPending    Status = "pending"     // 待整改
	StatusInProgress Status = "in_progress" // 整改中
	StatusDone       Status = "done"        // 已整改: the owner reports it fixed, with evidence
	StatusVerified   Status = "verified"    // 已验收: someone other than the owner confirmed it
)

var statuses = enum[Status]{what: msg.T("rectify.statuses.what"), items: []item[Status]{
	{StatusPending, msg.T("rectify.statuses.statusPending")},
	{StatusInProgress, msg.T("rectify.statuses.statusInProgress")},
	{StatusDone, msg.T("rectify.statuses.statusDone")},
	{StatusVerified, msg.T("rectify.statuses.statusVerified")},
}}

// Statuses returns every status in order.
func Statuses() []Status { return statuses.values() }

// Label returns the Chinese name.
func (s Status) Label() string { return statuses.label(s) }

// ParseStatus accepts a code or a Chinese label; anything else is refused.
func ParseStatus(s string) (Status, error) { return statuses.parse(s) }

// Closed reports whether the owner's work is finished (已整改 or 已验收):
// a closed rectification is never overdue.
func (s Status) Closed() bool { return s == StatusDone || s == StatusVerified }

// Category is the kind of problem a rectification addresses.
type Category string

// The categories.
const (
	CategoryCapability Category = "capability" // 能力短板
	CategoryConduct    Category = "conduct"    // 作风问题
	CategoryBusiness   Category = "business"   // 业务问题
	CategoryOther      Category = "other"      // 其他
)

var categories = enum[Category]{what: msg.T("rectify.categories.what"), items: []item[Category]{
	{CategoryCapability, msg.T("rectify.categories.categoryCapability")},
	{CategoryConduct, msg.T("rectify.categories.categoryConduct")},
	{CategoryBusiness, msg.T("rectify.categories.categoryBusiness")},
	{CategoryOther, msg.T("rectify.categories.categoryOther")},
}}

// Categories returns every category in display order.
func Categories() []Category { return categories.values() }

// Label returns the Chinese name.
func (c Category) Label() string { return categories.label(c) }

// ParseCategory accepts a code or a Chinese label; anything else is refused.
func ParseCategory(s string) (Category, error) { return categories.parse(s) }

// Move describes who asks for a change and what they supply with it.
type Move struct {
	Actor int64 // the member making the change
	Owner int64 // the rectification's owner (责任人)
	// Verifier says the actor may verify rectifications of this unit: its
	// secretary, or whoever the secretary appointed. Scope (is this unit the
	// actor's at all?) is checked before Transition is called.
	Verifier bool
	Evidence string // what was done; required, or HasFile, to reach 已整改
	HasFile  bool   // an evidence file is attached
	Reason   string // why the verifier sends it back; required to reject
}

// The moves that exist. A verifier may do the owner's moves on their
// behalf (a recorder or secretary entering what the owner reported), but
// nobody passes judgement on their own work: verifying and sending back are
// for a verifier who is not the owner.
var moves = map[[2]Status]func(Move) error{
	{StatusPending, StatusInProgress}: func(m Move) error { return ownerOrVerifier(m) },
	{StatusInProgress, StatusDone}:    submit,
	{StatusDone, StatusVerified}:      func(m Move) error { return independentVerifier(m, msg.T("rectify.verbVerify")) },
	{StatusDone, StatusInProgress}:    reject,
}

// Transition checks a change of status from → to by m and returns nil if it
// may happen, or an error with a Chinese message saying why not. It checks,
// in order: known statuses, a move the state machine has, the actor's right
// to make it, then what the move requires (evidence, a reason).
func Transition(from, to Status, m Move) error {
	for _, s := range []Status{from, to} {
		if statuses.index(s) < 0 {
			return &Error{CodeInvalidValue, msg.T("rectify.badStatus", s)}
		}
	}
	check, ok := moves[[2]Status{from, to}]
	if !ok {
		return illegal(from, to)
	}
	return check(m)
}

// Allowed returns the statuses the machine can move to from s, whoever
// asks; the page uses it to choose which buttons to offer.
func Allowed(from Status) []Status {
	var out []Status
	for _, to := range Statuses() {
		if _, ok := moves[[2]Status{from, to}]; ok {
			out = append(out, to)
		}
	}
	return out
}

func illegal(from, to Status) error {
	switch {
	case from == to:
		return &Error{CodeIllegalTransition, msg.T("rectify.move.same", from.Label())}
	case from == StatusVerified:
		return &Error{CodeIllegalTransition, msg.T("rectify.move.verified")}
	}
	return &Error{CodeIllegalTransition, msg.T("rectify.move.illegal", from.Label(), to.Label())}
}

func ownerOrVerifier(m Move) error {
	if m.Actor != m.Owner && !m.Verifier {
		return &Error{CodeForbidden, msg.T("rectify.move.notOwner")}
	}
	return nil
}

// submit needs evidence: "已整改" is a claim, and the verifier must have
// something to check it against. A file alone is enough.
func submit(m Move) error {
	if err := ownerOrVerifier(m); err != nil {
		return err
	}
	if strings.TrimSpace(m.Evidence) == "" && !m.HasFile {
		return &Error{CodeNoEvidence, msg.T("rectify.move.noEvidence")}
	}
	return nil
}

func reject(m Move) error {
	if err := independentVerifier(m, msg.T("rectify.verbReject")); err != nil {
		return err
	}
	if strings.TrimSpace(m.Reason) == "" {
		return &Error{CodeNoReason, msg.T("rectify.move.noReason")}
	}
	return nil
}

// independentVerifier allows verifying and sending back only to a verifier
// judging someone else's work.
func independentVerifier(m Move, verb string) error {
	if !m.Verifier {
		return &Error{CodeForbidden, msg.T("rectify.move.notVerifier", verb)}
	}
	if m.Actor == m.Owner {
		return &Error{CodeForbidden, msg.T("rectify.move.ownWork", verb)}
	}
	return nil
}

// Overdue reports whether a rectification has missed its deadline: still
// open (not 已整改 or 已验收) on a day after the deadline.
//
// The deadline is a civil date: only its calendar day in its own location
// counts (pass 00:00 of the day in the configured zone), and the whole of
// that day is still in time. So a rectification due 30 November becomes
// overdue at 00:00 on 1 December in that zone. A zero deadline means none
// was set, and nothing without a deadline is overdue.
func Overdue(deadline time.Time, status Status, now time.Time) bool {
	if deadline.IsZero() || status.Closed() {
		return false
	}
	y, m, d := deadline.Date()
	dayAfter := time.Date(y, m, d+1, 0, 0, 0, 0, deadline.Location())
	return !now.Before(dayAfter)
}

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

// parse accepts the code or the Chinese label, ignoring surrounding spaces.
func (e enum[T]) parse(s string) (T, error) {
	s = strings.TrimSpace(s)
	for _, it := range e.items {
		if s == string(it.value) || s == it.label {
			return it.value, nil
		}
	}
	return "", &Error{CodeInvalidValue, msg.T("rectify.badEnum", e.what, s)}
}
