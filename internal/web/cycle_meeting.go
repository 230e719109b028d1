package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/meeting"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/org"
	"xuejiangping/internal/rectify"
	"xuejiangping/internal/round"
	"xuejiangping/internal/study"
)

type planPage struct {
	Page
	Units      []unitOpt
	Rounds     []roundRow
	OrgID      int64
	RoundKey   string
	Members    []org.MemberBrief
	Categories []study.Category
	Required   []study.Category
	In         meeting.PlanInput
	When       string
}

func (s *Server) planPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.renderPlan(w, r, p, http.StatusOK, meeting.PlanInput{})
}

func (s *Server) renderPlan(w http.ResponseWriter, r *http.Request, p *auth.Principal, status int, in meeting.PlanInput) error {
	ctx := r.Context()
	units, err := s.ledUnits(r, p)
	if err != nil {
		return err
	}
	if len(units) == 0 {
		return errs.Forbid()
	}
	cur, cal, err := s.rounds.Current(ctx)
	if err != nil {
		return err
	}
	pg := planPage{Page: s.page(r, p, "meeting.plan"), Units: units, Categories: study.Categories(), In: in}
	pg.Rounds = []roundRow{toRow(cur, cur.Key()), toRow(round.Next(cal, cur), cur.Key()), toRow(round.Prev(cal, cur), cur.Key())}
	pg.OrgID, pg.RoundKey = in.OrgID, in.RoundKey
	if pg.OrgID == 0 {
		pg.OrgID, _ = parseInt64(r.URL.Query().Get("org"))
	}
	if pg.OrgID == 0 {
		pg.OrgID = units[0].ID
	}
	if pg.RoundKey == "" {
		pg.RoundKey = r.URL.Query().Get("round")
	}
	if pg.RoundKey == "" {
		pg.RoundKey = cur.Key()
	}
	if !in.PlannedAt.IsZero() {
		pg.When = in.PlannedAt.In(zone).Format("2006-01-02T15:04")
	}
	if pg.Members, err = org.UnitMembers(ctx, s.db, pg.OrgID); err != nil {
		return err
	}
	var path string
	if err := s.db.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, pg.OrgID).Scan(&path); err == nil {
		if pg.Required, err = meeting.RequiredCategories(ctx, s.db, pg.RoundKey, path); err != nil {
			return err
		}
	}
	// An empty row for every category not yet covered: a plan refused for a
	// missing category comes back with a row to complete it (no script).
	covered := map[string]bool{}
	for _, m := range pg.In.Materials {
		covered[m.Category] = true
	}
	for _, c := range study.Categories() {
		if !covered[string(c)] {
			pg.In.Materials = append(pg.In.Materials, meeting.MaterialInput{Category: string(c)})
		}
	}
	// A refused plan (planPost → withError) shows why, e.g. which
	// must-study category is missing.
	if e := formErrorFrom(ctx); e != nil {
		pg.Error, pg.FieldErrors = e.Message, e.Fields
	}
	return s.render(w, status, "plan", pg)
}

func planFromForm(r *http.Request) (meeting.PlanInput, error) {
	if err := r.ParseForm(); err != nil {
		return meeting.PlanInput{}, errs.E(errs.Invalid, "bad_form", msg.T("form.unreadable"))
	}
	var in meeting.PlanInput
	var err error
	if in.OrgID, err = formInt(r, "org_id"); err != nil {
		return in, err
	}
	in.RoundKey = r.PostFormValue("round_key")
	if v := r.PostFormValue("planned_at"); v != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", v, zone)
		if err != nil {
			return in, errs.E(errs.Invalid, "bad_time", msg.T("meeting.badTime"))
		}
		in.PlannedAt = t
	}
	in.Place, in.Topic = r.PostFormValue("place"), r.PostFormValue("topic")
	for _, f := range []struct {
		dst  *int64
		name string
	}{{&in.HostID, "host_id"}, {&in.RecorderID, "recorder_id"}, {&in.LeadID, "lead_reader_id"}} {
		if *f.dst, err = formInt(r, f.name); err != nil {
			return in, err
		}
	}
	titles, cats, notes := r.PostForm["material_title"], r.PostForm["material_category"], r.PostForm["material_note"]
	for i, t := range titles {
		if strings.TrimSpace(t) == "" {
			continue
		}
		mi := meeting.MaterialInput{Title: t}
		if i < len(cats) {
			mi.Category = cats[i]
		}
		if i < len(notes) {
			mi.Note = notes[i]
		}
		in.Materials = append(in.Materials, mi)
	}
	return in, nil
}

func (s *Server) planPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	in, err := planFromForm(r)
	if err != nil {
		return err
	}
	if r.PostFormValue("refresh") != "" {
		// Switching the unit or round reloads members and requirements.
		return s.renderPlan(w, r, p, http.StatusOK, in)
	}
	id, err := s.meetings.Plan(r.Context(), p, in)
	if err != nil {
		e := errs.As(err)
		if e.Kind == errs.Internal || e.Kind == errs.NotFound || e.Kind == errs.Forbidden {
			return err
		}
		pg := func() error { return s.renderPlan(w, r, p, statusOf(e.Kind), in) }
		return s.withError(r, e, pg)
	}
	redirect(w, r, fmt.Sprintf("/meetings/%d", id), msg.T("meeting.planned"))
	return nil
}

// withError re-renders a form page with the error message: the page
// function reads it back from the request context.
func (s *Server) withError(r *http.Request, e *errs.Error, render func() error) error {
	*r = *r.WithContext(contextWithFormError(r.Context(), e))
	return render()
}

type meetingPage struct {
	Page
	M          *meeting.Meeting
	Manage     bool
	Recorder   bool
	IsMember   bool
	Me         int64
	MySpeech   meeting.Speech
	MyReviews  []assignedReview
	SelfDone   bool
	SpeechKind []kindOpt
	Ratings    []kindOpt
	RectCats   []kindOpt
	Deadline   string
	NotStudied []meeting.Attendee
	Locked     bool
}

type assignedReview struct {
	RevieweeID int64
	Name       string
	Done       *meeting.Review
}

func (s *Server) meetingPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := s.meetings.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg := meetingPage{Page: s.page(r, p, "meeting.title"), M: m, Me: p.MemberID, Locked: m.Finalized()}
	pg.Title = m.OrgName + " · " + m.RoundLabel
	pg.Manage, pg.Recorder, pg.IsMember = meeting.Can(p, m)
	for _, k := range meeting.SpeechKinds() {
		pg.SpeechKind = append(pg.SpeechKind, kindOpt{string(k), k.Label()})
	}
	for _, k := range meeting.Ratings() {
		pg.Ratings = append(pg.Ratings, kindOpt{string(k), k.Label()})
	}
	for _, c := range rectify.Categories() {
		pg.RectCats = append(pg.RectCats, kindOpt{string(c), c.Label()})
	}
	pg.Deadline = time.Now().In(zone).AddDate(0, 0, 30).Format("2006-01-02")
	for _, sp := range m.Speeches {
		if sp.MemberID == p.MemberID {
			pg.MySpeech = sp
		}
	}
	for _, rv := range meeting.RevieweesOf(m.Rotation, p.MemberID) {
		ar := assignedReview{RevieweeID: rv, Name: m.Name(rv)}
		for i, x := range m.Reviews {
			if x.Kind == meeting.ReviewPeer && x.ReviewerID == p.MemberID && x.RevieweeID == rv {
				ar.Done = &m.Reviews[i]
			}
		}
		pg.MyReviews = append(pg.MyReviews, ar)
	}
	for _, x := range m.Reviews {
		if x.Kind == meeting.ReviewSelf && x.ReviewerID == p.MemberID {
			pg.SelfDone = true
		}
	}
	for _, a := range m.Members {
		if a.StudyDone < len(m.Materials) {
			pg.NotStudied = append(pg.NotStudied, a)
		}
	}
	if e := formErrorFrom(r.Context()); e != nil {
		pg.Error, pg.FieldErrors = e.Message, e.Fields
		return s.render(w, statusOf(e.Kind), "meeting", pg)
	}
	return s.render(w, http.StatusOK, "meeting", pg)
}

// meetingAction runs one form action on a meeting and comes back to its
// page; a refused action shows the page again with the reason.
func (s *Server) meetingAction(w http.ResponseWriter, r *http.Request, p *auth.Principal, anchor string, act func(id int64) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := act(id); err != nil {
		e := errs.As(err)
		if e.Kind == errs.Internal || e.Kind == errs.NotFound {
			return err
		}
		return s.withError(r, e, func() error { return s.meetingPage(w, r, p) })
	}
	redirect(w, r, fmt.Sprintf("/meetings/%d#%s", id, anchor), msg.T("common.saved"))
	return nil
}

func (s *Server) selfStudyPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.meetingAction(w, r, p, "study", func(id int64) error {
		mat, err := formInt(r, "material_id")
		if err != nil {
			return err
		}
		return s.meetings.SelfStudy(r.Context(), p, id, mat)
	})
}

func (s *Server) signInPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.meetingAction(w, r, p, "attendance", func(id int64) error {
		member, err := formInt(r, "member_id")
		if err != nil {
			return err
		}
		in := meeting.SignInInput{Code: r.PostFormValue("code"), MemberID: member, Leave: r.PostFormValue("leave") == "1",
			Reason: r.PostFormValue("reason"), Amend: r.PostFormValue("amend_reason")}
		return s.meetings.SignIn(r.Context(), p, id, in, s.signKey)
	})
}

func (s *Server) speechPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.meetingAction(w, r, p, "speeches", func(id int64) error {
		if err := r.ParseForm(); err != nil {
			return errs.E(errs.Invalid, "bad_form", msg.T("form.unreadable"))
		}
		member, err := formInt(r, "member_id")
		if err != nil {
			return err
		}
		in := meeting.SpeechInput{MemberID: member, Kinds: r.PostForm["kinds"], Problem: r.PostFormValue("problem"),
			Content: r.PostFormValue("content"), IsCase: r.PostFormValue("is_case") == "1", Amend: r.PostFormValue("amend_reason")}
		return s.meetings.SaveSpeech(r.Context(), p, id, in)
	})
}

func (s *Server) reviewPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.meetingAction(w, r, p, "reviews", func(id int64) error {
		reviewer, err := formInt(r, "reviewer_id")
		if err != nil {
			return err
		}
		reviewee, err := formInt(r, "reviewee_id")
		if err != nil {
			return err
		}
		in := meeting.ReviewInput{Kind: r.PostFormValue("kind"), ReviewerID: reviewer, RevieweeID: reviewee,
			Rating: r.PostFormValue("rating"), Comment: r.PostFormValue("comment"), Amend: r.PostFormValue("amend_reason")}
		return s.meetings.SaveReview(r.Context(), p, id, in)
	})
}

func (s *Server) problemPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.meetingAction(w, r, p, "problems", func(id int64) error {
		owner, err := formInt(r, "owner_id")
		if err != nil {
			return err
		}
		in := rectify.Input{MeetingID: id, Problem: r.PostFormValue("problem"), Category: r.PostFormValue("category"), OwnerID: owner,
			Measure: r.PostFormValue("measure"), Deadline: r.PostFormValue("deadline"), Amend: r.PostFormValue("amend_reason")}
		_, err = s.rectify.Raise(r.Context(), p, in)
		return err
	})
}

func (s *Server) finalizePost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.meetingAction(w, r, p, "finalize", func(id int64) error {
		return s.meetings.Finalize(r.Context(), p, id, r.PostFormValue("summary"))
	})
}

type minutesPage struct {
	Page
	M *meeting.Meeting
}

func (s *Server) minutesPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := s.meetings.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg := minutesPage{Page: s.page(r, p, "meeting.minutes"), M: m}
	pg.Title = msg.T("minutes.pageTitle", m.OrgName)
	return s.render(w, http.StatusOK, "minutes", pg)
}

type qrPage struct {
	Page
	M       *meeting.Meeting
	QR      template.URL // data: URL of the SVG, generated here, so trusted
	Link    string
	Expires string
}

// qrPage is the sign-in screen shown on the room's screen or the
// recorder's phone. It reloads itself (a meta refresh, no script) just
// after the code changes.
func (s *Server) qrPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	code, next, err := s.meetings.SignInCode(r.Context(), p, id, s.signKey)
	if err != nil {
		return err
	}
	m, err := s.meetings.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	link := fmt.Sprintf("%s/meetings/%d/signin?c=%s", baseURL(r), id, code)
	svg, err := qrSVG(link)
	if err != nil {
		return errs.Wrap(err, "qr")
	}
	pg := qrPage{Page: s.page(r, p, "meeting.qr"), M: m, QR: template.URL(svg), Link: link, Expires: next.In(zone).Format("15:04:05")}
	pg.Title = msg.T("qr.pageTitle", m.OrgName)
	w.Header().Set("Refresh", fmt.Sprint(int(time.Until(next).Seconds())+1))
	return s.render(w, http.StatusOK, "qr", pg)
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

type signinPage struct {
	Page
	M    *meeting.Meeting
	Code string
}

// signinPage is where a scanned QR lands: the member confirms with one
// button (a GET never changes anything).
func (s *Server) signinPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := s.meetings.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg := signinPage{Page: s.page(r, p, "meeting.signin"), M: m, Code: r.URL.Query().Get("c")}
	return s.render(w, http.StatusOK, "signin", pg)
}
