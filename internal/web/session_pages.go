package web

import (
	"net/http"
	"net/url"
	"strings"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/meeting"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/rectify"
	"xuejiangping/internal/round"
)

type loginPage struct {
	Page
	Username string
	Next     string
	Hint     string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if p != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	pg := loginPage{Page: s.page(r, nil, "login.title"), Next: safeNext(r.URL.Query().Get("next"))}
	pg.Hint = msg.T("login.hint", s.auth.Cfg.MaxFailures, int(s.auth.Cfg.LockFor.Minutes()))
	return s.render(w, http.StatusOK, "login", pg)
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if next == "" || err != nil || u.IsAbs() || u.Host != "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	return next
}

func (s *Server) loginPost(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	username := r.PostFormValue("username")
	token, p, err := s.auth.Login(r.Context(), username, r.PostFormValue("password"), clientIP(r), r.UserAgent())
	if err != nil {
		e := errs.As(err)
		if e.Kind == errs.Internal {
			return err
		}
		pg := loginPage{Page: s.page(r, nil, "login.title"), Username: username, Next: safeNext(r.PostFormValue("next"))}
		pg.Error = e.Message
		pg.Hint = msg.T("login.hint", s.auth.Cfg.MaxFailures, int(s.auth.Cfg.LockFor.Minutes()))
		return s.render(w, statusOf(e.Kind), "login", pg)
	}
	s.setCookie(w, token)
	if p.MustChange {
		http.Redirect(w, r, "/password", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

func (s *Server) logoutPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := s.auth.Logout(r.Context(), p); err != nil {
		return err
	}
	s.clearCookie(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

type passwordPage struct {
	Page
	MustChange bool
	Policy     string
}

func (s *Server) passwordPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg := passwordPage{Page: s.page(r, p, "password.title"), MustChange: p.MustChange, Policy: msg.T("password.policy")}
	return s.render(w, http.StatusOK, "password", pg)
}

func (s *Server) passwordPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	newPW := r.PostFormValue("new")
	err := error(nil)
	if newPW != r.PostFormValue("confirm") {
		err = errs.E(errs.Invalid, "mismatch", msg.T("password.mismatch"))
	} else {
		err = s.auth.ChangePassword(r.Context(), p, r.PostFormValue("old"), newPW)
	}
	if err != nil {
		e := errs.As(err)
		if e.Kind == errs.Internal {
			return err
		}
		pg := passwordPage{Page: s.page(r, p, "password.title"), MustChange: p.MustChange, Policy: msg.T("password.policy")}
		pg.Error = e.Message
		return s.render(w, statusOf(e.Kind), "password", pg)
	}
	redirect(w, r, "/", msg.T("password.done"))
	return nil
}

type homePage struct {
	Page
	Grants    []auth.Grant
	Oversized []orgLink
	Round     roundRow
	Counts    []statusCount
	Notices   []round.Notice
	Next      *meeting.Meeting
	Unread    []meeting.Material
	HasDraft  bool
	ToReview  []string
	MyRects   []rectify.Item
	Leads     bool
}

type orgLink struct {
	ID      int64
	Name    string
	Members int
}

// homePage is each person's starting point: on a phone, a member sees the
// next meeting, what to read, their speech draft, the reviews to give and
// the rectifications they own; a secretary and the admin see the current
// round's status and the notices.
func (s *Server) homePage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	pg := homePage{Page: s.page(r, p, "home.title"), Grants: p.Grants}
	pg.Title = msg.T("home.welcome", p.DisplayName)
	if p.Has(auth.Auditor) && len(p.Grants) == 1 {
		return s.render(w, http.StatusOK, "home", pg)
	}
	cur, _, err := s.rounds.Current(ctx)
	if err != nil {
		return err
	}
	pg.Round = toRow(cur, cur.Key())
	if pg.Notices, err = s.rounds.Notices(ctx, p, ""); err != nil {
		return err
	}
	if len(pg.Notices) > 5 {
		pg.Notices = pg.Notices[:5]
	}
	if p.Has(auth.Readers...) {
		pg.Leads = true
		units, err := s.rounds.Compliance(ctx, p, cur.Key(), 0)
		if err != nil {
			return err
		}
		sum := round.Summary(units)
		for _, st := range round.Statuses() {
			if sum[st] > 0 {
				pg.Counts = append(pg.Counts, statusCount{st, st.Label(), sum[st]})
			}
		}
	}
	if p.Has(auth.Admin, auth.Secretary, auth.TaskForce) {
		roots, err := s.org.Tree(ctx, p)
		if err != nil {
			return err
		}
		walkTree(roots, func(o *orgNode) {
			if o.Oversized() {
				pg.Oversized = append(pg.Oversized, orgLink{ID: o.ID, Name: o.Name, Members: o.Members})
			}
		})
	}
	if p.MemberID != 0 {
		if err := s.memberAgenda(r, p, &pg); err != nil {
			return err
		}
	}
	return s.render(w, http.StatusOK, "home", pg)
}

// memberAgenda fills what a member has to do next.
func (s *Server) memberAgenda(r *http.Request, p *auth.Principal, pg *homePage) error {
	ctx := r.Context()
	var id int64
	err := s.db.QueryRow(ctx, `SELECT id FROM meetings WHERE org_id = ? AND finalized_at IS NULL ORDER BY planned_at LIMIT 1`, p.MemberOrgID).Scan(&id)
	if err != nil && !db.IsNoRows(err) {
		return errs.Wrap(err, "next meeting")
	}
	if id != 0 {
		m, err := s.meetings.Get(ctx, p, id)
		if err != nil {
			return err
		}
		pg.Next = m
		for _, mat := range m.Materials {
			if !mat.ReadByMember(p.MemberID) {
				pg.Unread = append(pg.Unread, mat)
			}
		}
		for _, sp := range m.Speeches {
			pg.HasDraft = pg.HasDraft || sp.MemberID == p.MemberID
		}
		for _, rv := range meeting.RevieweesOf(m.Rotation, p.MemberID) {
			done := false
			for _, x := range m.Reviews {
				done = done || (x.Kind == meeting.ReviewPeer && x.ReviewerID == p.MemberID && x.RevieweeID == rv)
			}
			if !done {
				pg.ToReview = append(pg.ToReview, m.Name(rv))
			}
		}
	}
	items, err := s.rectify.Ledger(ctx, p, rectify.Filter{Owner: p.MemberID})
	if err != nil {
		return err
	}
	for _, it := range items {
		if !it.Status.Closed() {
			pg.MyRects = append(pg.MyRects, it)
		}
	}
	return nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	if err := s.db.Ping(r.Context()); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": msg.T("health.dbDown")})
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "db": s.db.Dialect.String(), "version": s.cfg.Version})
	return nil
}

// metricsPage serves Prometheus metrics to the scraper only: loopback and
// the networks configured with --metrics-from. Route names and counts are
// no business of the public, so others get a plain 404.
func (s *Server) metricsPage(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	if !s.metricsAllowed(r) {
		return errs.E(errs.NotFound, "not_found", msg.T("error.notFound"))
	}
	s.metrics.handler().ServeHTTP(w, r)
	return nil
}
