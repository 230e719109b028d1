package web

import (
	"fmt"
	"net/http"
	"strings"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/org"
)

type memberPage struct {
	Page
	M         *org.Member
	CanManage bool
}

func (s *Server) memberPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := s.org.GetMember(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg := memberPage{Page: s.page(r, p, "member.title"), M: m}
	pg.Title = m.Name
	if o, err := s.org.Get(r.Context(), p, m.OrgID); err == nil {
		pg.CanManage = p.Covers(o.Path, auth.Managers...)
	}
	return s.render(w, http.StatusOK, "member", pg)
}

type memberFormPage struct {
	Page
	ID       int64
	In       org.MemberInput
	Units    []*org.Org
	Statuses []string
	Genders  []string
}

// managedUnits lists the activity units p may put members in.
func (s *Server) managedUnits(r *http.Request, p *auth.Principal) ([]*org.Org, error) {
	roots, err := s.org.Tree(r.Context(), p)
	if err != nil {
		return nil, err
	}
	var out []*org.Org
	walkTree(roots, func(o *org.Org) {
		if o.IsUnit() && p.Covers(o.Path, auth.Managers...) {
			out = append(out, o)
		}
	})
	return out, nil
}

func (s *Server) memberForm(w http.ResponseWriter, r *http.Request, p *auth.Principal, status int, pg memberFormPage) error {
	units, err := s.managedUnits(r, p)
	if err != nil {
		return err
	}
	pg.Units, pg.Statuses, pg.Genders = units, org.Statuses, org.Genders
	return s.render(w, status, "member_form", pg)
}

func (s *Server) memberNewPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	orgID, _ := parseInt64(r.URL.Query().Get("org"))
	pg := memberFormPage{Page: s.page(r, p, "member.new"), In: org.MemberInput{OrgID: orgID, Status: "正常"}}
	return s.memberForm(w, r, p, http.StatusOK, pg)
}

func memberInputFrom(r *http.Request) (org.MemberInput, error) {
	orgID, err := formInt(r, "org_id")
	if err != nil {
		return org.MemberInput{}, err
	}
	return org.MemberInput{
		OrgID: orgID, Name: r.PostFormValue("name"), Gender: r.PostFormValue("gender"),
		BirthDate: r.PostFormValue("birth_date"), JoinedDate: r.PostFormValue("joined_date"),
		Phone: r.PostFormValue("phone"), Position: r.PostFormValue("position"), Status: r.PostFormValue("status"),
	}, nil
}

// formError re-renders a member form with the error, or passes through an
// error that is not about the input.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg memberFormPage, err error) error {
	e := errs.As(err)
	if e.Kind != errs.Invalid && e.Kind != errs.Conflict && e.Kind != errs.Unprocessable {
		return err
	}
	pg.Error, pg.FieldErrors = e.Message, e.Fields
	return s.memberForm(w, r, p, statusOf(e.Kind), pg)
}

func (s *Server) memberCreatePost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	in, err := memberInputFrom(r)
	if err != nil {
		return err
	}
	m, err := s.org.CreateMember(r.Context(), p, in)
	if err != nil {
		return s.formError(w, r, p, memberFormPage{Page: s.page(r, p, "member.new"), In: in}, err)
	}
	redirect(w, r, fmt.Sprintf("/members/%d", m.ID), msg.T("common.saved"))
	return nil
}

func (s *Server) memberEditPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := s.org.GetMember(r.Context(), p, id)
	if err != nil {
		return err
	}
	o, err := s.org.Get(r.Context(), p, m.OrgID)
	if err != nil || !p.Covers(o.Path, auth.Managers...) {
		return errs.NotFoundf(msg.T("noun.member"))
	}
	pg := memberFormPage{Page: s.page(r, p, "member.edit"), ID: id, In: org.MemberInput{
		OrgID: m.OrgID, Name: m.Name, Gender: m.Gender, BirthDate: m.BirthDate, JoinedDate: m.JoinedDate,
		Phone: m.Phone, Position: m.Position, Status: m.Status}}
	return s.memberForm(w, r, p, http.StatusOK, pg)
}

func (s *Server) memberUpdatePost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in, err := memberInputFrom(r)
	if err != nil {
		return err
	}
	patch := org.MemberPatch{OrgID: &in.OrgID, Name: &in.Name, Gender: &in.Gender, BirthDate: &in.BirthDate,
		JoinedDate: &in.JoinedDate, Phone: &in.Phone, Position: &in.Position, Status: &in.Status}
	if _, err := s.org.UpdateMember(r.Context(), p, id, patch); err != nil {
		return s.formError(w, r, p, memberFormPage{Page: s.page(r, p, "member.edit"), ID: id, In: in}, err)
	}
	redirect(w, r, fmt.Sprintf("/members/%d", id), msg.T("common.saved"))
	return nil
}

func (s *Server) memberAccountPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	username := strings.TrimSpace(r.PostFormValue("username"))
	_, pw, err := s.auth.CreateAccount(r.Context(), p, id, username)
	if err != nil {
		return err
	}
	// The initial password is shown once, on this response only: never in a
	// URL, where it would stay in the browser history and the logs.
	m, err := s.org.GetMember(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg := memberPage{Page: s.page(r, p, "member.title"), M: m, CanManage: true}
	pg.Title, pg.Flash = m.Name, msg.T("member.acctDone", username, pw)
	return s.render(w, http.StatusOK, "member", pg)
}
