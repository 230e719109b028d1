package supervise

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/xml"
	"fmt"
	"strings"
	"time"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// ExemplarKind is what was picked as a model.
type ExemplarKind string

// The kinds of exemplar.
const (
	KindMeeting ExemplarKind = "meeting" // a whole meeting
	KindSpeech  ExemplarKind = "speech"  // one member's speech
	KindCase    ExemplarKind = "case"    // a speech told as a case (案例说法)
)

// Label is the kind's Chinese name.
func (k ExemplarKind) Label() string {
	switch k {
	case KindMeeting:
		return msg.T("supervise.label.kindMeeting")
	case KindSpeech:
		return msg.T("supervise.label.kindSpeech")
	case KindCase:
		return msg.T("supervise.label.kindCase")
	}
	return string(k)
}

// ExemplarKinds lists the kinds in display order.
func ExemplarKinds() []ExemplarKind { return []ExemplarKind{KindMeeting, KindSpeech, KindCase} }

// Exemplar is a meeting, speech or case the task force picked, with its
// citation; published ones are the 先锋二七 column.
type Exemplar struct {
	ID          int64        `json:"id"`
	Kind        ExemplarKind `json:"kind"`
	KindLabel   string       `json:"kind_label"`
	MeetingID   int64        `json:"meeting_id"`
	SpeechID    int64        `json:"speech_id,omitempty"`
	OrgID       int64        `json:"org_id"`
	OrgName     string       `json:"org_name"`
	Topic       string       `json:"meeting_topic"`
	RoundKey    string       `json:"round_key"`
	Speaker     string       `json:"speaker,omitempty"`
	Speech      string       `json:"speech,omitempty"`
	Title       string       `json:"title"`
	Citation    string       `json:"citation"`
	Published   bool         `json:"published"`
	PublishedAt *time.Time   `json:"published_at,omitempty"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
}

// ExemplarInput marks something exemplary.
type ExemplarInput struct {
	Kind      string `json:"kind"`       // meeting | speech | case; "" with a speech: judged from the record
	MeetingID int64  `json:"meeting_id"` // for kind meeting
	SpeechID  int64  `json:"speech_id"`  // for kind speech or case
	Title     string `json:"title"`
	Citation  string `json:"citation"`
	Publish   bool   `json:"publish"` // straight to the column
}

// MarkExemplar records an exemplar (the task force only). Only what a
// unit has finalised can be held up as a model; a case must be a speech
// the unit recorded as 案例说法.
func (s *Service) MarkExemplar(ctx context.Context, p *auth.Principal, in ExemplarInput) (int64, error) {
	if err := requireTaskForce(p); err != nil {
		return 0, err
	}
	var fe fieldErrs
	var ok bool
	kind := ExemplarKind(in.Kind)
	if in.Kind == "" && in.SpeechID != 0 {
		kind = KindSpeech // a case, if the unit recorded it as one (below)
	}
	switch kind {
	case KindMeeting, KindSpeech, KindCase:
	default:
		fe.add("kind", msg.T("supervise.badKind"))
	}
	if in.Title, ok = text(in.Title, 1, 60); !ok {
		fe.add("title", msg.T("supervise.badTitle"))
	}
	if in.Citation, ok = text(in.Citation, 1, 1000); !ok {
		fe.add("citation", msg.T("supervise.badCitation"))
	}
	if err := fe.err("invalid_exemplar"); err != nil {
		return 0, err
	}
	meetingID, speechID, isCase, err := s.exemplarTarget(ctx, kind, in)
	if err != nil {
		return 0, err
	}
	if in.Kind == "" && isCase {
		kind = KindCase
	}
	m, err := s.meetingRef(ctx, s.DB, meetingID)
	if err != nil {
		return 0, err
	}
	if !m.Finalized {
		return 0, errs.E(errs.Unprocessable, "not_finalized", msg.T("supervise.not_finalized"))
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if kind == KindMeeting {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM exemplars WHERE kind = 'meeting' AND meeting_id = ?`, meetingID).Scan(&n); err != nil {
				return errs.Wrap(err, "exemplar check")
			}
			if n > 0 {
				return errs.E(errs.Conflict, "exemplar_exists", msg.T("supervise.exemplar_exists"))
			}
		}
		var pub any
		if in.Publish {
			pub = tx.Now
		}
		var sp any
		if speechID != 0 {
			sp = speechID
		}
		var err error
		id, err = tx.Insert(ctx, `INSERT INTO exemplars (kind, meeting_id, speech_id, org_id, title, citation, published, published_at, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, string(kind), meetingID, sp, m.OrgID, in.Title, in.Citation, in.Publish, pub, p.UserID, tx.Now, tx.Now)
		if isUnique(err) {
			return errs.E(errs.Conflict, "exemplar_exists", msg.T("supervise.exemplar_exists2"))
		}
		if err != nil {
			return errs.Wrap(err, "exemplar")
		}
		return audit.Record(ctx, tx, p.Actor(), "exemplar.create", fmt.Sprintf("exemplar:%d", id), in, audit.OK)
	})
	return id, err
}

// exemplarTarget resolves the meeting (and speech) an input points at,
// and whether the speech was told as a case.
func (s *Service) exemplarTarget(ctx context.Context, kind ExemplarKind, in ExemplarInput) (int64, int64, bool, error) {
	if kind == KindMeeting {
		if in.MeetingID == 0 {
			return 0, 0, false, errs.E(errs.Invalid, "no_meeting", msg.T("supervise.no_meeting")).WithFields([]errs.FieldError{{Field: "meeting_id", Reason: msg.T("supervise.field.meeting_id")}})
		}
		return in.MeetingID, 0, false, nil
	}
	var meetingID int64
	var isCase bool
	err := s.DB.QueryRow(ctx, `SELECT meeting_id, is_case FROM speeches WHERE id = ?`, in.SpeechID).Scan(&meetingID, &isCase)
	if db.IsNoRows(err) {
		return 0, 0, false, errs.E(errs.Invalid, "no_speech", msg.T("supervise.no_speech")).WithFields([]errs.FieldError{{Field: "speech_id", Reason: msg.T("supervise.field.speech_id")}})
	}
	if err != nil {
		return 0, 0, false, errs.Wrap(err, "speech")
	}
	if kind == KindCase && !isCase {
		return 0, 0, false, errs.E(errs.Unprocessable, "not_case", msg.T("supervise.not_case"))
	}
	return meetingID, in.SpeechID, isCase, nil
}

// SetPublished puts an exemplar in the column (and the feed) or takes it
// out again.
func (s *Service) SetPublished(ctx context.Context, p *auth.Principal, id int64, publish bool) error {
	if err := requireTaskForce(p); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		q := `UPDATE exemplars SET published = ?, updated_at = ?`
		args := []any{publish, tx.Now}
		if publish {
			q += `, published_at = ?`
			args = append(args, tx.Now)
		}
		r, err := tx.Exec(ctx, q+` WHERE id = ?`, append(args, id)...)
		if err != nil {
			return errs.Wrap(err, "publish exemplar")
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return errs.NotFoundf(msg.T("supervise.noun.exemplar"))
		}
		action := "exemplar.withdraw"
		if publish {
			action = "exemplar.publish"
		}
		return audit.Record(ctx, tx, p.Actor(), action, fmt.Sprintf("exemplar:%d", id), nil, audit.OK)
	})
}

const exemplarSelect = `SELECT e.id, e.kind, e.meeting_id, COALESCE(e.speech_id, 0), e.org_id, o.name, m.topic, m.round_key,
	COALESCE(mb.name, ''), COALESCE(sp.content, ''), e.title, e.citation, e.published, e.published_at, e.created_at, e.updated_at
	FROM exemplars e JOIN orgs o ON o.id = e.org_id JOIN meetings m ON m.id = e.meeting_id
	LEFT JOIN speeches sp ON sp.id = e.speech_id LEFT JOIN members mb ON mb.id = sp.member_id`

func scanExemplars(rows *sql.Rows) ([]Exemplar, error) {
	defer rows.Close()
	var out []Exemplar
	for rows.Next() {
		var e Exemplar
		var pub sql.NullTime
		if err := rows.Scan(&e.ID, &e.Kind, &e.MeetingID, &e.SpeechID, &e.OrgID, &e.OrgName, &e.Topic, &e.RoundKey,
			&e.Speaker, &e.Speech, &e.Title, &e.Citation, &e.Published, &pub, &e.CreatedAt, &e.UpdatedAt); err != nil {
			return nil, errs.Wrap(err, "exemplar scan")
		}
		if pub.Valid {
			e.PublishedAt = &pub.Time
		}
		e.KindLabel = e.Kind.Label()
		out = append(out, e)
	}
	return out, errs.Wrap(rows.Err(), "exemplar rows")
}

// Column lists the 先锋二七 column, newest first: what the task force
// published, which every user reads; the task force also sees the ones it
// has not published (drafts=true).
func (s *Service) Column(ctx context.Context, p *auth.Principal, drafts bool) ([]Exemplar, error) {
	if p == nil {
		return nil, errs.Forbid()
	}
	where := `e.published = TRUE`
	if drafts && TaskForce(p) {
		where = `1 = 1`
	}
	rows, err := s.DB.Query(ctx, exemplarSelect+` WHERE `+where+` ORDER BY COALESCE(e.published_at, e.created_at) DESC, e.id DESC LIMIT 500`)
	if err != nil {
		return nil, errs.Wrap(err, "column")
	}
	return scanExemplars(rows)
}

// Exemplar returns one exemplar: a published one to any user, any one to
// the task force.
func (s *Service) Exemplar(ctx context.Context, p *auth.Principal, id int64) (Exemplar, error) {
	rows, err := s.DB.Query(ctx, exemplarSelect+` WHERE e.id = ?`, id)
	if err != nil {
		return Exemplar{}, errs.Wrap(err, "exemplar")
	}
	list, err := scanExemplars(rows)
	if err != nil {
		return Exemplar{}, err
	}
	if len(list) == 0 || (!list[0].Published && !TaskForce(p)) {
		return Exemplar{}, errs.NotFoundf(msg.T("supervise.noun.exemplar"))
	}
	return list[0], nil
}

// Feed is what the public Atom feed carries: the published exemplars
// (newest first, at most limit) and when the column last changed (a
// withdrawal changes it too).
func (s *Service) Feed(ctx context.Context, limit int) ([]Exemplar, time.Time, error) {
	rows, err := s.DB.Query(ctx, exemplarSelect+` WHERE e.published = TRUE ORDER BY e.published_at DESC, e.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, time.Time{}, errs.Wrap(err, "feed")
	}
	list, err := scanExemplars(rows)
	if err != nil {
		return nil, time.Time{}, err
	}
	updated := feedEpoch
	for _, e := range list {
		if e.UpdatedAt.After(updated) {
			updated = e.UpdatedAt
		}
	}
	// Not MAX(): an aggregate comes back as text on SQLite.
	var last time.Time
	err = s.DB.QueryRow(ctx, `SELECT updated_at FROM exemplars ORDER BY updated_at DESC LIMIT 1`).Scan(&last)
	if err != nil && !db.IsNoRows(err) {
		return nil, time.Time{}, errs.Wrap(err, "feed updated")
	}
	if last.After(updated) {
		updated = last.UTC()
	}
	return list, updated, nil
}

// feedEpoch is the feed's updated time before anything was published.
var feedEpoch = time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)

// FeedMeta is what the Atom document says about itself.
type FeedMeta struct {
	Title   string // e.g. "先锋二七"
	Author  string // who publishes it
	SelfURL string // this feed's absolute URL
	SiteURL string // the column's absolute URL
	Updated time.Time
}

// The ids stay the same whatever host name serves the feed: a feed reader
// keys entries by id, and a deployment may be reached under several names.
const tagBase = "tag:xuejiangping,2025:"

// EntryID is an exemplar's stable Atom id.
func EntryID(id int64) string { return fmt.Sprintf("%sexemplar/%d", tagBase, id) }

type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle"`
	ID       string      `xml:"id"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Author   atomPerson  `xml:"author"`
	Entries  []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	Title     string       `xml:"title"`
	ID        string       `xml:"id"`
	Updated   string       `xml:"updated"`
	Published string       `xml:"published,omitempty"`
	Link      atomLink     `xml:"link"`
	Author    atomPerson   `xml:"author"`
	Category  atomCategory `xml:"category"`
	Summary   atomText     `xml:"summary"`
	Content   atomText     `xml:"content"`
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// AtomFeed writes the published exemplars as an Atom 1.0 document. Text
// goes in as plain text (type="text"): encoding/xml escapes it, and no
// markup from a citation can reach a feed reader as HTML. The entry
// carries the citation the task force wrote for publication, the unit and
// the speaker; the speech itself stays behind the login.
func AtomFeed(meta FeedMeta, items []Exemplar) ([]byte, error) {
	f := atomFeed{Title: meta.Title, Subtitle: msg.T("supervise.atomFeed.subtitle"), ID: tagBase + "exemplars", Updated: atomTime(meta.Updated),
		Links:  []atomLink{{Rel: "self", Type: "application/atom+xml", Href: meta.SelfURL}, {Rel: "alternate", Type: "text/html", Href: meta.SiteURL}},
		Author: atomPerson{Name: meta.Author}}
	for _, e := range items {
		who := e.OrgName
		if e.Speaker != "" {
			who = e.Speaker + "（" + e.OrgName + "）"
		}
		en := atomEntry{Title: e.Title, ID: EntryID(e.ID), Updated: atomTime(e.UpdatedAt),
			Link:     atomLink{Rel: "alternate", Type: "text/html", Href: fmt.Sprintf("%s/%d", strings.TrimRight(meta.SiteURL, "/"), e.ID)},
			Author:   atomPerson{Name: who},
			Category: atomCategory{Term: string(e.Kind), Label: e.Kind.Label()},
			Summary:  atomText{Type: "text", Body: e.KindLabel + " · " + who},
			Content:  atomText{Type: "text", Body: e.Citation},
		}
		if e.PublishedAt != nil {
			en.Published = atomTime(*e.PublishedAt)
		}
		f.Entries = append(f.Entries, en)
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, errs.Wrap(err, "atom")
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}
