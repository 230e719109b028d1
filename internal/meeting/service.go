package meeting

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/org"
	"xuejiangping/internal/round"
	"xuejiangping/internal/study"
)

// Service stores meetings and everything recorded in them.
type Service struct {
	DB     *db.DB
	Rounds *round.Service
	Now    func() time.Time
}

// NewService returns a Service.
func NewService(d *db.DB, r *round.Service) *Service {
	return &Service{DB: d, Rounds: r, Now: time.Now}
}

// Meeting is one 学讲评 meeting with everything recorded in it: the record
// from which the minutes, the compliance status and every report derive.
type Meeting struct {
	ID          int64      `json:"id"`
	OrgID       int64      `json:"org_id"`
	OrgName     string     `json:"org_name"`
	RoundKey    string     `json:"round_key"`
	RoundLabel  string     `json:"round_label"`
	PlannedAt   time.Time  `json:"planned_at"`
	Place       string     `json:"place"`
	Topic       string     `json:"topic"`
	HostID      int64      `json:"host_id,omitempty"`
	RecorderID  int64      `json:"recorder_id,omitempty"`
	LeadID      int64      `json:"lead_reader_id,omitempty"`
	Summary     string     `json:"summary"`
	HeldAt      *time.Time `json:"held_at,omitempty"`
	FinalizedAt *time.Time `json:"finalized_at,omitempty"`

	Members   []Attendee   `json:"members"`
	Materials []Material   `json:"materials"`
	Speeches  []Speech     `json:"speeches"`
	Reviews   []Review     `json:"reviews"`
	Problems  []Problem    `json:"problems"`
	Rotation  []Assignment `json:"rotation"`

	Required []study.Category `json:"required_categories"`
	Missing  []study.Category `json:"missing_categories"`

	Present        int     `json:"present"`
	OnLeave        int     `json:"on_leave"`
	AttendanceRate float64 `json:"attendance_rate"`

	orgPath string
	secret  string
}

// Finalized reports whether the minutes are locked.
func (m *Meeting) Finalized() bool { return m.FinalizedAt != nil }

// Name of a member of the unit (for templates).
func (m *Meeting) Name(id int64) string {
	for _, a := range m.Members {
		if a.ID == id {
			return a.Name
		}
	}
	if id == 0 {
		return ""
	}
	return fmt.Sprintf("#%d", id)
}

// Attendee is a member of the unit and their attendance.
type Attendee struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Position  string `json:"position"`
	Status    string `json:"status"` // "", present, leave
	Method    string `json:"method"` // qr, manual, leave
	Reason    string `json:"reason,omitempty"`
	StudyDone int    `json:"selfstudy_done"` // materials marked read
}

// Material is a material assigned for the meeting.
type Material struct {
	ID            int64          `json:"id"`
	Title         string         `json:"title"`
	Category      study.Category `json:"category"`
	CategoryLabel string         `json:"category_label"`
	Note          string         `json:"note"`
	ReadBy        []int64        `json:"read_by"`
}

// ReadByMember reports whether member id marked it read.
func (m Material) ReadByMember(id int64) bool {
	for _, x := range m.ReadBy {
		if x == id {
			return true
		}
	}
	return false
}

// Speech is one member's 讲.
type Speech struct {
	ID       int64        `json:"id"`
	MemberID int64        `json:"member_id"`
	Kinds    []SpeechKind `json:"kinds"`
	Problem  string       `json:"problem"`
	Content  string       `json:"content"`
	IsCase   bool         `json:"is_case"`
}

// KindLabels joins the kinds' Chinese names.
func (s Speech) KindLabels() string {
	var l []string
	for _, k := range s.Kinds {
		l = append(l, k.Label())
	}
	return strings.Join(l, "、")
}

// Review is one 评.
type Review struct {
	ID         int64      `json:"id"`
	Kind       ReviewKind `json:"kind"`
	ReviewerID int64      `json:"reviewer_id"`
	RevieweeID int64      `json:"reviewee_id"`
	Rating     Rating     `json:"rating"`
	Comment    string     `json:"comment"`
}

// Problem is a problem raised in the meeting and its rectification.
type Problem struct {
	ID       int64  `json:"id"`
	Problem  string `json:"problem"`
	Category string `json:"category"`
	OwnerID  int64  `json:"owner_id"`
	Measure  string `json:"measure"`
	Deadline string `json:"deadline"`
	Status   string `json:"status"`
}

// access is what a principal may do with a meeting.
type access struct {
	read     bool // see it
	manage   bool // plan, finalise, anything for anyone
	recorder bool // sign in and enter for others
	member   bool // a member of the unit: own study, sign-in, speech, reviews
}

func accessTo(p *auth.Principal, m *Meeting) access {
	a := access{}
	a.manage = p.Covers(m.orgPath, auth.Admin, auth.Secretary, auth.GroupLeader)
	a.member = p.MemberID != 0 && p.MemberOrgID == m.OrgID
	a.recorder = a.manage || (p.MemberID != 0 && p.MemberID == m.RecorderID)
	a.read = a.manage || a.member || p.Covers(m.orgPath, auth.Readers...)
	return a
}

func newSecret() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// load reads a meeting and everything recorded in it.
func (s *Service) load(ctx context.Context, q db.Querier, id int64) (*Meeting, error) {
	m := &Meeting{ID: id}
	var host, rec, lead sql.NullInt64
	var held, fin sql.NullTime
	err := q.QueryRow(ctx, `SELECT mt.org_id, o.name, o.path, mt.round_key, mt.planned_at, mt.place, mt.topic, mt.host_id, mt.recorder_id, mt.lead_reader_id,
		mt.summary, mt.held_at, mt.finalized_at, mt.secret FROM meetings mt JOIN orgs o ON o.id = mt.org_id WHERE mt.id = ?`, id).
		Scan(&m.OrgID, &m.OrgName, &m.orgPath, &m.RoundKey, &m.PlannedAt, &m.Place, &m.Topic, &host, &rec, &lead, &m.Summary, &held, &fin, &m.secret)
	if db.IsNoRows(err) {
		return nil, errs.NotFoundf(msg.T("noun.meeting"))
	}
	if err != nil {
		return nil, errs.Wrap(err, "load meeting")
	}
	m.HostID, m.RecorderID, m.LeadID = host.Int64, rec.Int64, lead.Int64
	if held.Valid {
		m.HeldAt = &held.Time
	}
	if fin.Valid {
		m.FinalizedAt = &fin.Time
	}
	if r, _, err := s.Rounds.ByKey(ctx, m.RoundKey); err == nil {
		m.RoundLabel = r.Label()
	}
	steps := []func(context.Context, db.Querier, *Meeting) error{
		loadMembers, loadMaterials, loadSpeeches, loadReviews, loadProblems, s.loadRequired,
	}
	for _, step := range steps {
		if err := step(ctx, q, m); err != nil {
			return nil, err
		}
	}
	m.derive()
	return m, nil
}

// derive computes what follows from the record: attendance figures, the
// review rotation over those present, the categories still missing.
func (m *Meeting) derive() {
	var present []int64
	for i, a := range m.Members {
		switch a.Status {
		case "present":
			m.Present++
			present = append(present, a.ID)
		case "leave":
			m.OnLeave++
		}
		for _, mat := range m.Materials {
			if mat.ReadByMember(a.ID) {
				m.Members[i].StudyDone++
			}
		}
	}
	m.AttendanceRate = AttendanceRate(m.Present, len(m.Members))
	m.Rotation = Rotation(present, 2)
	var covered []study.Category
	for _, mat := range m.Materials {
		covered = append(covered, mat.Category)
	}
	m.Missing = study.MissingCategories(m.Required, covered)
}

func loadMembers(ctx context.Context, q db.Querier, m *Meeting) error {
	// The unit's members, plus anyone recorded at the meeting who has since
	// moved to another unit. Two index lookups joined by UNION ALL: an OR
	// across the outer join made SQLite scan every member of the district
	// (≈100 ms at 12,000 members; the budget is 50 ms for the whole page).
	rows, err := q.Query(ctx, `SELECT mb.id, mb.name, mb.position, COALESCE(a.status, ''), COALESCE(a.method, ''), COALESCE(a.reason, '')
		FROM members mb LEFT JOIN attendance a ON a.member_id = mb.id AND a.meeting_id = ?
		WHERE mb.org_id = ?
		UNION ALL
		SELECT mb.id, mb.name, mb.position, a.status, a.method, a.reason
		FROM attendance a JOIN members mb ON mb.id = a.member_id
		WHERE a.meeting_id = ? AND mb.org_id <> ?
		ORDER BY 1`, m.ID, m.OrgID, m.ID, m.OrgID)
	if err != nil {
		return errs.Wrap(err, "meeting members")
	}
	defer rows.Close()
	for rows.Next() {
		var a Attendee
		if err := rows.Scan(&a.ID, &a.Name, &a.Position, &a.Status, &a.Method, &a.Reason); err != nil {
			return errs.Wrap(err, "member scan")
		}
		m.Members = append(m.Members, a)
	}
	return errs.Wrap(rows.Err(), "member rows")
}

func loadMaterials(ctx context.Context, q db.Querier, m *Meeting) error {
	rows, err := q.Query(ctx, `SELECT mm.id, mm.title, mm.category, mm.note, COALESCE(ss.member_id, 0)
		FROM meeting_materials mm LEFT JOIN selfstudy ss ON ss.material_id = mm.id WHERE mm.meeting_id = ? ORDER BY mm.id`, m.ID)
	if err != nil {
		return errs.Wrap(err, "materials")
	}
	defer rows.Close()
	for rows.Next() {
		var mat Material
		var reader int64
		if err := rows.Scan(&mat.ID, &mat.Title, &mat.Category, &mat.Note, &reader); err != nil {
			return errs.Wrap(err, "material scan")
		}
		if n := len(m.Materials); n > 0 && m.Materials[n-1].ID == mat.ID {
			if reader != 0 {
				m.Materials[n-1].ReadBy = append(m.Materials[n-1].ReadBy, reader)
			}
			continue
		}
		mat.CategoryLabel = mat.Category.Label()
		if reader != 0 {
			mat.ReadBy = []int64{reader}
		}
		m.Materials = append(m.Materials, mat)
	}
	return errs.Wrap(rows.Err(), "material rows")
}

func loadSpeeches(ctx context.Context, q db.Querier, m *Meeting) error {
	rows, err := q.Query(ctx, `SELECT id, member_id, kinds, problem, content, is_case FROM speeches WHERE meeting_id = ? ORDER BY id`, m.ID)
	if err != nil {
		return errs.Wrap(err, "speeches")
	}
	defer rows.Close()
	for rows.Next() {
		var sp Speech
		var kinds string
		if err := rows.Scan(&sp.ID, &sp.MemberID, &kinds, &sp.Problem, &sp.Content, &sp.IsCase); err != nil {
			return errs.Wrap(err, "speech scan")
		}
		for _, k := range strings.Split(kinds, ",") {
			if k != "" {
				sp.Kinds = append(sp.Kinds, SpeechKind(k))
			}
		}
		m.Speeches = append(m.Speeches, sp)
	}
	return errs.Wrap(rows.Err(), "speech rows")
}

func loadReviews(ctx context.Context, q db.Querier, m *Meeting) error {
	rows, err := q.Query(ctx, `SELECT id, kind, reviewer_id, reviewee_id, rating, comment FROM reviews WHERE meeting_id = ? ORDER BY id`, m.ID)
	if err != nil {
		return errs.Wrap(err, "reviews")
	}
	defer rows.Close()
	for rows.Next() {
		var r Review
		if err := rows.Scan(&r.ID, &r.Kind, &r.ReviewerID, &r.RevieweeID, &r.Rating, &r.Comment); err != nil {
			return errs.Wrap(err, "review scan")
		}
		m.Reviews = append(m.Reviews, r)
	}
	return errs.Wrap(rows.Err(), "review rows")
}

func loadProblems(ctx context.Context, q db.Querier, m *Meeting) error {
	rows, err := q.Query(ctx, `SELECT id, problem, category, owner_id, measure, deadline, status FROM rectifications WHERE meeting_id = ? ORDER BY id`, m.ID)
	if err != nil {
		return errs.Wrap(err, "problems")
	}
	defer rows.Close()
	for rows.Next() {
		var p Problem
		if err := rows.Scan(&p.ID, &p.Problem, &p.Category, &p.OwnerID, &p.Measure, &p.Deadline, &p.Status); err != nil {
			return errs.Wrap(err, "problem scan")
		}
		m.Problems = append(m.Problems, p)
	}
	return errs.Wrap(rows.Err(), "problem rows")
}

// loadRequired gathers the must-study categories that the round's notices
// reaching this unit require.
func (s *Service) loadRequired(ctx context.Context, q db.Querier, m *Meeting) error {
	req, err := RequiredCategories(ctx, q, m.RoundKey, m.orgPath)
	m.Required = req
	return err
}

// RequiredCategories is the union of the categories required by the
// round's notices sent to the unit at path or to an org above it.
func RequiredCategories(ctx context.Context, q db.Querier, roundKey, path string) ([]study.Category, error) {
	rows, err := q.Query(ctx, `SELECT n.categories, o.path FROM notices n JOIN orgs o ON o.id = n.org_id WHERE n.round_key = ?`, roundKey)
	if err != nil {
		return nil, errs.Wrap(err, "required categories")
	}
	defer rows.Close()
	var out []study.Category
	for rows.Next() {
		var cats, npath string
		if err := rows.Scan(&cats, &npath); err != nil {
			return nil, errs.Wrap(err, "required scan")
		}
		if !strings.HasPrefix(path, npath) {
			continue
		}
		for _, c := range strings.Split(cats, ",") {
			if c != "" && !containsCat(out, study.Category(c)) {
				out = append(out, study.Category(c))
			}
		}
	}
	return out, errs.Wrap(rows.Err(), "required rows")
}

func containsCat(list []study.Category, c study.Category) bool {
	for _, x := range list {
		if x == c {
			return true
		}
	}
	return false
}

// Get returns a meeting the principal may see.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (*Meeting, error) {
	m, err := s.load(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if !accessTo(p, m).read {
		return nil, errs.NotFoundf(msg.T("noun.meeting"))
	}
	return m, nil
}

// Can reports the principal's rights on a loaded meeting (for the pages).
func Can(p *auth.Principal, m *Meeting) (manage, recorder, member bool) {
	a := accessTo(p, m)
	return a.manage, a.recorder, a.member
}

// ForUnit finds the unit's meeting for a round (0 if none planned).
func (s *Service) ForUnit(ctx context.Context, unitID int64, roundKey string) (int64, error) {
	var id int64
	err := s.DB.QueryRow(ctx, `SELECT id FROM meetings WHERE org_id = ? AND round_key = ?`, unitID, roundKey).Scan(&id)
	if db.IsNoRows(err) {
		return 0, nil
	}
	return id, errs.Wrap(err, "meeting for unit")
}

// unitOf loads the unit a meeting is planned for and checks it is one.
func unitOf(ctx context.Context, q db.Querier, orgID int64) (org.Unit, error) {
	u, isUnit, err := org.LoadUnit(ctx, q, orgID)
	if err != nil {
		return u, err
	}
	if !isUnit {
		return u, errs.E(errs.Unprocessable, "not_unit", msg.T("meeting.not_unit"))
	}
	return u, nil
}
