package meeting

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// write loads the meeting inside a transaction, checks the right the
// action needs, enforces the lock on finalised minutes, runs fn and
// records the action. Once the minutes are final, a change is an
// amendment: it needs a reason, and the reason goes into the audit log.
func (s *Service) write(ctx context.Context, p *auth.Principal, id int64, need func(access) bool, action, reason string, fn func(tx *db.Tx, m *Meeting) (any, error)) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		m, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		a := accessTo(p, m)
		if !a.read {
			return errs.NotFoundf(msg.T("noun.meeting"))
		}
		if !need(a) {
			return errs.Forbid()
		}
		if m.Finalized() {
			if strings.TrimSpace(reason) == "" {
				return errs.E(errs.Conflict, "finalized", msg.T("meeting.finalized2"))
			}
			action = "meeting.amend." + strings.TrimPrefix(action, "meeting.")
		}
		detail, err := fn(tx, m)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE meetings SET updated_at = ? WHERE id = ?`, tx.Now, id); err != nil {
			return errs.Wrap(err, "touch meeting")
		}
		return audit.Record(ctx, tx, p.Actor(), action, fmt.Sprintf("meeting:%d", id), audit.Change{After: detail, Reason: reason}, audit.OK)
	})
}

func inUnit(m *Meeting, memberID int64) bool {
	for _, a := range m.Members {
		if a.ID == memberID {
			return true
		}
	}
	return false
}

// SelfStudy marks a material read by the principal (会前完整自学). It is a
// declaration, not a measurement: no time on the page is recorded.
func (s *Service) SelfStudy(ctx context.Context, p *auth.Principal, id, materialID int64) error {
	return s.write(ctx, p, id, func(a access) bool { return a.member }, "meeting.selfstudy", "", func(tx *db.Tx, m *Meeting) (any, error) {
		found := false
		for _, mat := range m.Materials {
			found = found || mat.ID == materialID
		}
		if !found {
			return nil, errs.NotFoundf(msg.T("meeting.noun.material"))
		}
		_, err := tx.Exec(ctx, `INSERT INTO selfstudy (material_id, member_id, read_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, materialID, p.MemberID, tx.Now)
		return map[string]any{"material_id": materialID}, errs.Wrap(err, "selfstudy")
	})
}

// SignInInput is a sign-in: a code from the QR (the member signs
// themself), or a member id (the recorder signs someone in by hand, or
// records a leave with its reason).
type SignInInput struct {
	Code     string `json:"code"`
	MemberID int64  `json:"member_id"`
	Leave    bool   `json:"leave"`
	Reason   string `json:"reason"`
	Amend    string `json:"amend_reason"`
}

// SignIn records attendance.
func (s *Service) SignIn(ctx context.Context, p *auth.Principal, id int64, in SignInInput, secretKey []byte) error {
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Leave && (in.Reason == "" || utf8.RuneCountInString(in.Reason) > 200) {
		return errs.E(errs.Invalid, "leave_reason", msg.T("meeting.leave_reason"))
	}
	self := in.Code != "" || (in.MemberID == 0 && in.Leave) || (in.MemberID != 0 && in.MemberID == p.MemberID && in.Leave)
	need := func(a access) bool { return a.recorder }
	if self {
		need = func(a access) bool { return a.member }
	}
	return s.write(ctx, p, id, need, "meeting.signin", in.Amend, func(tx *db.Tx, m *Meeting) (any, error) {
		target, status, method := in.MemberID, "present", "manual"
		switch {
		case in.Code != "":
			if err := Verify(signKey(secretKey, m.secret), m.ID, strings.TrimSpace(in.Code), s.Now()); err != nil {
				return nil, err
			}
			target, method = p.MemberID, "qr"
		case self:
			target = p.MemberID
		}
		if in.Leave {
			status, method = "leave", "leave"
		}
		if target == 0 || !inUnit(m, target) {
			return nil, errs.E(errs.Invalid, "not_member", msg.T("meeting.not_member"))
		}
		if in.Leave && self && m.PlannedAt.Before(s.Now()) && in.Code == "" && !m.Finalized() {
			// A member may ask for leave until the meeting starts; after
			// that the recorder records it.
			return nil, errs.E(errs.Unprocessable, "leave_too_late", msg.T("meeting.leave_too_late"))
		}
		_, err := tx.Exec(ctx, `INSERT INTO attendance (meeting_id, member_id, status, method, reason, at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (meeting_id, member_id) DO UPDATE SET status = excluded.status, method = excluded.method, reason = excluded.reason, at = excluded.at, recorded_by = excluded.recorded_by`,
			m.ID, target, status, method, in.Reason, tx.Now, p.UserID)
		return map[string]any{"member_id": target, "status": status, "method": method}, errs.Wrap(err, "attendance")
	})
}

// signKey mixes the server's key with the meeting's own secret, so a code
// is only valid for one meeting on one installation.
func signKey(server []byte, meeting string) []byte {
	return append(append([]byte{}, server...), meeting...)
}

// SignInCode is the code the QR shows now.
func (s *Service) SignInCode(ctx context.Context, p *auth.Principal, id int64, secretKey []byte) (string, time.Time, error) {
	m, err := s.Get(ctx, p, id)
	if err != nil {
		return "", time.Time{}, err
	}
	if _, rec, _ := Can(p, m); !rec {
		return "", time.Time{}, errs.Forbid()
	}
	if m.Finalized() {
		return "", time.Time{}, errs.E(errs.Conflict, "finalized", msg.T("meeting.finalized3"))
	}
	now := s.Now()
	return Code(signKey(secretKey, m.secret), m.ID, now), NextChange(now), nil
}

// SpeechInput is one member's speech.
type SpeechInput struct {
	MemberID int64    `json:"member_id"` // 0: oneself
	Kinds    []string `json:"kinds"`
	Problem  string   `json:"problem"`
	Content  string   `json:"content"`
	IsCase   bool     `json:"is_case"`
	Amend    string   `json:"amend_reason"`
}

// SaveSpeech writes (or rewrites) a member's speech: the member drafts their
// own before the meeting; the recorder can enter it for them.
func (s *Service) SaveSpeech(ctx context.Context, p *auth.Principal, id int64, in SpeechInput) error {
	if in.MemberID == 0 {
		in.MemberID = p.MemberID
	}
	var kinds []string
	for _, k := range in.Kinds {
		if strings.TrimSpace(k) == "" {
			continue
		}
		sk, err := ParseSpeechKind(k)
		if err != nil {
			return err
		}
		kinds = append(kinds, string(sk))
	}
	in.Content, in.Problem = strings.TrimSpace(in.Content), strings.TrimSpace(in.Problem)
	switch {
	case len(kinds) == 0:
		return errs.E(errs.Invalid, "no_kind", msg.T("meeting.no_kind"))
	case in.Content == "":
		return errs.E(errs.Invalid, "no_content", msg.T("meeting.no_content"))
	case utf8.RuneCountInString(in.Content) > 5000:
		return errs.E(errs.Invalid, "too_long", msg.T("meeting.too_long"))
	case utf8.RuneCountInString(in.Problem) > 500:
		return errs.E(errs.Invalid, "too_long", msg.T("meeting.too_long2"))
	}
	self := in.MemberID == p.MemberID
	need := func(a access) bool { return a.recorder || (self && a.member) }
	return s.write(ctx, p, id, need, "meeting.speech", in.Amend, func(tx *db.Tx, m *Meeting) (any, error) {
		if !inUnit(m, in.MemberID) {
			return nil, errs.E(errs.Invalid, "not_member", msg.T("meeting.not_member"))
		}
		_, err := tx.Exec(ctx, `INSERT INTO speeches (meeting_id, member_id, kinds, problem, content, is_case, entered_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (meeting_id, member_id) DO UPDATE SET kinds = excluded.kinds, problem = excluded.problem, content = excluded.content, is_case = excluded.is_case, entered_by = excluded.entered_by, updated_at = excluded.updated_at`,
			m.ID, in.MemberID, strings.Join(kinds, ","), in.Problem, in.Content, in.IsCase, p.UserID, tx.Now, tx.Now)
		return map[string]any{"member_id": in.MemberID, "kinds": kinds, "is_case": in.IsCase, "chars": utf8.RuneCountInString(in.Content)}, errs.Wrap(err, "speech")
	})
}

// ReviewInput is one review.
type ReviewInput struct {
	Kind       string `json:"kind"`
	ReviewerID int64  `json:"reviewer_id"` // 0: oneself
	RevieweeID int64  `json:"reviewee_id"` // self review: ignored
	Rating     string `json:"rating"`
	Comment    string `json:"comment"`
	Amend      string `json:"amend_reason"`
}

// SaveReview writes a review. A member writes their self review and the
// peer reviews the rotation assigns them; the secretary (or group leader)
// writes the overall reviews; the recorder may enter any of them.
func (s *Service) SaveReview(ctx context.Context, p *auth.Principal, id int64, in ReviewInput) error {
	kind, err := ParseReviewKind(in.Kind)
	if err != nil {
		return err
	}
	rating, err := ParseRating(in.Rating)
	if err != nil {
		return err
	}
	in.Comment = strings.TrimSpace(in.Comment)
	if in.Comment == "" || utf8.RuneCountInString(in.Comment) > 2000 {
		return errs.E(errs.Invalid, "no_comment", msg.T("meeting.no_comment"))
	}
	if in.ReviewerID == 0 {
		in.ReviewerID = p.MemberID
	}
	if kind == ReviewSelf {
		in.RevieweeID = in.ReviewerID
	}
	need := func(a access) bool { return a.recorder || a.member }
	return s.write(ctx, p, id, need, "meeting.review", in.Amend, func(tx *db.Tx, m *Meeting) (any, error) {
		if err := checkReview(p, m, kind, in); err != nil {
			return nil, err
		}
		_, err := tx.Exec(ctx, `INSERT INTO reviews (meeting_id, kind, reviewer_id, reviewee_id, rating, comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (meeting_id, kind, reviewer_id, reviewee_id) DO UPDATE SET rating = excluded.rating, comment = excluded.comment`,
			m.ID, string(kind), in.ReviewerID, in.RevieweeID, string(rating), in.Comment, tx.Now)
		return map[string]any{"kind": kind, "reviewer_id": in.ReviewerID, "reviewee_id": in.RevieweeID, "rating": rating}, errs.Wrap(err, "review")
	})
}

func checkReview(p *auth.Principal, m *Meeting, kind ReviewKind, in ReviewInput) error {
	a := accessTo(p, m)
	if in.ReviewerID == 0 || !inUnit(m, in.ReviewerID) || !inUnit(m, in.RevieweeID) {
		return errs.E(errs.Invalid, "not_member", msg.T("meeting.not_member2"))
	}
	ownReview := in.ReviewerID == p.MemberID
	switch kind {
	case ReviewPeer:
		if in.ReviewerID == in.RevieweeID {
			return errs.E(errs.Invalid, "self_peer", msg.T("meeting.self_peer"))
		}
		if !a.recorder && !assigned(m.Rotation, in.ReviewerID, in.RevieweeID) {
			return errs.E(errs.Unprocessable, "not_assigned", msg.T("meeting.not_assigned"))
		}
	case ReviewOverall:
		if !a.manage {
			return errs.E(errs.Forbidden, "forbidden", msg.T("meeting.forbidden"))
		}
	}
	if !ownReview && !a.recorder {
		return errs.Forbid()
	}
	return nil
}

func assigned(rot []Assignment, reviewer, reviewee int64) bool {
	for _, x := range rot {
		if x.Reviewer == reviewer && x.Reviewee == reviewee {
			return true
		}
	}
	return false
}

// Finalize locks the minutes. The meeting counts as held at its first
// sign-in (or its planned time, if every sign-in was by hand afterwards).
func (s *Service) Finalize(ctx context.Context, p *auth.Principal, id int64, summary string) error {
	summary = strings.TrimSpace(summary)
	if utf8.RuneCountInString(summary) > 5000 {
		return errs.E(errs.Invalid, "too_long", msg.T("meeting.too_long3"))
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		m, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		a := accessTo(p, m)
		if !a.read {
			return errs.NotFoundf(msg.T("noun.meeting"))
		}
		if !a.manage {
			return errs.Forbid()
		}
		if m.Finalized() {
			return errs.E(errs.Conflict, "finalized", msg.T("meeting.finalized4"))
		}
		spoken := 0
		for _, sp := range m.Speeches {
			for _, at := range m.Members {
				if at.ID == sp.MemberID && at.Status == "present" {
					spoken++
				}
			}
		}
		if err := CanFinalize(m.Present, spoken); err != nil {
			return err
		}
		held := m.PlannedAt
		var first *time.Time
		if err := tx.QueryRow(ctx, `SELECT MIN(at) FROM attendance WHERE meeting_id = ? AND status = 'present' AND method = 'qr'`, id).Scan(scanAnyTime{&first}); err != nil {
			return errs.Wrap(err, "first sign-in")
		}
		if first != nil {
			held = *first
		} else if held.After(s.Now()) {
			// With no QR sign-in, the planned time is the record of when the
			// meeting took place; it cannot lie in the future.
			return errs.E(errs.Unprocessable, "not_yet", msg.T("meeting.not_yet"))
		}
		if _, err := tx.Exec(ctx, `UPDATE meetings SET summary = ?, held_at = ?, finalized_at = ?, finalized_by = ?, updated_at = ? WHERE id = ?`,
			summary, held.UTC(), tx.Now, p.UserID, tx.Now, id); err != nil {
			return errs.Wrap(err, "finalize")
		}
		return audit.Record(ctx, tx, p.Actor(), "meeting.finalize", fmt.Sprintf("meeting:%d", id),
			map[string]any{"present": m.Present, "speeches": spoken, "held_at": held.UTC()}, audit.OK)
	})
}

// scanAnyTime reads an aggregate over a timestamp column, which SQLite
// returns as text.
type scanAnyTime struct{ dst **time.Time }

func (s scanAnyTime) Scan(v any) error {
	switch t := v.(type) {
	case nil:
		*s.dst = nil
	case time.Time:
		*s.dst = &t
	case string:
		for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano} {
			if x, err := time.Parse(layout, t); err == nil {
				*s.dst = &x
				return nil
			}
		}
		return errors.New("unreadable time " + t)
	case []byte:
		return s.Scan(string(t))
	}
	return nil
}
