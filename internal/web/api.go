package web

import (
	"net/http"
	"strconv"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/feedback"
	"xuejiangping/internal/org"
)

func (s *Server) apiLogin(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	token, p, err := s.auth.Login(r.Context(), in.Username, in.Password, clientIP(r), r.UserAgent())
	if err != nil {
		return err
	}
	s.setCookie(w, token)
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiLogout(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := s.auth.Logout(r.Context(), p); err != nil {
		return err
	}
	s.clearCookie(w)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiPassword(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in struct {
		Old string `json:"old_password"`
		New string `json:"new_password"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.auth.ChangePassword(r.Context(), p, in.Old, in.New); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiOrgTree(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	roots, err := s.org.Tree(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"orgs": roots})
	return nil
}

func (s *Server) apiOrgCreate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in org.NewOrg
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	o, err := s.org.Create(r.Context(), p, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, o)
	return nil
}

type orgView struct {
	*org.Org
	IsUnit    bool `json:"is_unit"`
	Oversized bool `json:"oversized"`
}

func (s *Server) apiOrgGet(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	o, err := s.org.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, orgView{o, o.IsUnit(), o.Oversized()})
	return nil
}

func (s *Server) apiOrgPatch(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in org.OrgPatch
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	o, err := s.org.Update(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *Server) apiOrgDelete(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.org.Delete(r.Context(), p, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiOrgSplit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Groups int `json:"groups"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	created, err := s.org.Split(r.Context(), p, id, in.Groups)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"created": created})
	return nil
}

func (s *Server) apiOrgMembers(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ms, err := s.org.Members(r.Context(), p, id, r.URL.Query().Get("subtree") == "1")
	if err != nil {
		return err
	}
	if ms == nil {
		ms = []*org.Member{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"members": ms})
	return nil
}

func (s *Server) apiMemberCreate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in org.MemberInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	m, err := s.org.CreateMember(r.Context(), p, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, m)
	return nil
}

func (s *Server) apiMemberGet(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := s.org.GetMember(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) apiMemberPatch(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in org.MemberPatch
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	m, err := s.org.UpdateMember(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) apiImport(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	rows, err := parseUpload(r)
	if err != nil {
		return err
	}
	dry := r.URL.Query().Get("dry_run")
	res, err := s.org.Import(r.Context(), p, rows, dry == "1" || dry == "true")
	if err != nil {
		return err
	}
	if res.Errors == nil {
		res.Errors = []errs.FieldError{}
	}
	status := http.StatusOK
	if !res.OK() {
		status = http.StatusUnprocessableEntity
	}
	writeJSON(w, status, res)
	return nil
}

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	users, err := s.auth.ListUsers(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": users})
	return nil
}

func (s *Server) apiGrant(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Role  auth.Role `json:"role"`
		OrgID int64     `json:"org_id"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.auth.Grant(r.Context(), p, id, in.Role, in.OrgID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiRevoke(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.auth.Revoke(r.Context(), p, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiMemberAccount(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Username string `json:"username"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	uid, pw, err := s.auth.CreateAccount(r.Context(), p, id, in.Username)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"user_id": uid, "initial_password": pw, "must_change": true})
	return nil
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	fl, _, err := auditFilter(r)
	if err != nil {
		return err
	}
	if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && n > 0 && n <= 1000 {
		fl.Limit = n
	}
	entries, err := audit.List(r.Context(), s.db, fl)
	if err != nil {
		return err
	}
	if entries == nil {
		entries = []audit.Entry{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": entries})
	return nil
}

func (s *Server) apiFeedbackList(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	items, err := s.feedback.List(r.Context(), p, r.URL.Query().Get("all") == "1")
	if err != nil {
		return err
	}
	if items == nil {
		items = []feedback.Item{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

func (s *Server) apiFeedbackSend(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in feedback.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	id, err := s.feedback.Send(r.Context(), p, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": id})
	return nil
}

func (s *Server) apiFeedbackAnswer(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Answer string `json:"answer"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.feedback.Answer(r.Context(), p, id, in.Answer); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
