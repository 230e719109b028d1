package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/feedback"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/org"
)

type rolesPage struct {
	Page
	Users []auth.User
	Roles []auth.Role
	Orgs  []*org.Org
}

func (s *Server) rolesPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	users, err := s.auth.ListUsers(r.Context(), p)
	if err != nil {
		return err
	}
	roots, err := s.org.Tree(r.Context(), p)
	if err != nil {
		return err
	}
	pg := rolesPage{Page: s.page(r, p, "roles.title"), Users: users, Roles: auth.Roles}
	walkTree(roots, func(o *org.Org) { pg.Orgs = append(pg.Orgs, o) })
	return s.render(w, http.StatusOK, "roles", pg)
}

func (s *Server) roleGrantPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	uid, err := formInt(r, "user_id")
	if err != nil {
		return err
	}
	oid, err := formInt(r, "org_id")
	if err != nil {
		return err
	}
	if err := s.auth.Grant(r.Context(), p, uid, auth.Role(r.PostFormValue("role")), oid); err != nil {
		return err
	}
	redirect(w, r, "/roles", msg.T("roles.granted"))
	return nil
}

func (s *Server) roleRevokePost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.auth.Revoke(r.Context(), p, id); err != nil {
		return err
	}
	redirect(w, r, "/roles", msg.T("roles.revoked"))
	return nil
}

func (s *Server) userUnlockPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.auth.Unlock(r.Context(), p, id); err != nil {
		return err
	}
	redirect(w, r, "/roles", msg.T("roles.unlocked"))
	return nil
}

type auditPage struct {
	Page
	Entries []audit.Entry
	F       auditForm
	Next    string
}

type auditForm struct {
	Actor, Action, From, To string
	Page                    int
}

// auditFilter reads the filter from the query string (dates are whole days
// in the district's zone).
func auditFilter(r *http.Request) (audit.Filter, auditForm, error) {
	q := r.URL.Query()
	f := auditForm{Actor: strings.TrimSpace(q.Get("actor")), Action: strings.TrimSpace(q.Get("action")), From: q.Get("from"), To: q.Get("to")}
	fl := audit.Filter{Actor: f.Actor, Action: f.Action, Limit: 100}
	if n, err := parseInt64(q.Get("page")); err == nil && n > 0 {
		f.Page = int(n)
		fl.Offset = int(n) * 100
	}
	if f.From != "" {
		t, err := time.ParseInLocation("2006-01-02", f.From, zone)
		if err != nil {
			return fl, f, errs.E(errs.Invalid, "bad_date", msg.T("audit.badFrom"))
		}
		fl.From = t
	}
	if f.To != "" {
		t, err := time.ParseInLocation("2006-01-02", f.To, zone)
		if err != nil {
			return fl, f, errs.E(errs.Invalid, "bad_date", msg.T("audit.badTo"))
		}
		fl.To = t.AddDate(0, 0, 1)
	}
	return fl, f, nil
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	fl, f, err := auditFilter(r)
	if err != nil {
		return err
	}
	entries, err := audit.List(r.Context(), s.db, fl)
	if err != nil {
		return err
	}
	pg := auditPage{Page: s.page(r, p, "audit.title"), Entries: entries, F: f}
	if len(entries) == fl.Limit {
		q := r.URL.Query()
		q.Set("page", fmt.Sprint(f.Page+1))
		pg.Next = "/audit?" + q.Encode()
	}
	return s.render(w, http.StatusOK, "audit", pg)
}

type feedbackPage struct {
	Page
	Items []feedback.Item
	All   bool
	From  string
	In    feedback.Input
}

func (s *Server) feedbackPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	items, err := s.feedback.List(r.Context(), p, false)
	if err != nil {
		return err
	}
	pg := feedbackPage{Page: s.page(r, p, "feedback.title"), Items: items, From: r.URL.Query().Get("from")}
	return s.render(w, http.StatusOK, "feedback", pg)
}

func (s *Server) feedbackPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	in := feedback.Input{Kind: r.PostFormValue("kind"), Subject: r.PostFormValue("subject"), Body: r.PostFormValue("body"), Page: r.PostFormValue("from")}
	if _, err := s.feedback.Send(r.Context(), p, in); err != nil {
		if errs.KindOf(err) != errs.Invalid {
			return err
		}
		items, lerr := s.feedback.List(r.Context(), p, false)
		if lerr != nil {
			return lerr
		}
		pg := feedbackPage{Page: s.page(r, p, "feedback.title"), Items: items, From: in.Page, In: in}
		pg.Error = errs.As(err).Message
		return s.render(w, http.StatusBadRequest, "feedback", pg)
	}
	redirect(w, r, "/feedback", msg.T("feedback.sent"))
	return nil
}

func (s *Server) feedbackAllPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	items, err := s.feedback.List(r.Context(), p, true)
	if err != nil {
		return err
	}
	pg := feedbackPage{Page: s.page(r, p, "feedback.all"), Items: items, All: true}
	return s.render(w, http.StatusOK, "feedback", pg)
}

func (s *Server) feedbackAnswerPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.feedback.Answer(r.Context(), p, id, r.PostFormValue("answer")); err != nil {
		return err
	}
	redirect(w, r, "/feedback/all", msg.T("feedback.replied"))
	return nil
}
