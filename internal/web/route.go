package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// Gate is the coarse check a route makes before its handler runs. Object
// scope (which org, which member) is checked by the services.
type Gate string

const (
	Public   Gate = "public"   // anyone, logged in or not
	LoggedIn Gate = "loggedin" // any user
	Readers  Gate = "readers"  // admin, task force, secretary, leader, group leader
	Managers Gate = "managers" // admin, secretary
	AdminG   Gate = "admin"    // admin
	AuditorG Gate = "auditor"  // auditor
)

func (g Gate) allows(p *auth.Principal) bool {
	switch g {
	case Public:
		return true
	case LoggedIn:
		return p != nil
	case Readers:
		return p.Has(auth.Readers...)
	case Managers:
		return p.Has(auth.Managers...)
	case AdminG:
		return p.Has(auth.Admin)
	case AuditorG:
		return p.Has(auth.Auditor)
	}
	return false
}

// Route is one registered endpoint.
type Route struct {
	Method  string
	Path    string
	Gate    Gate
	API     bool
	Summary string // for the OpenAPI document
}

// Key is "METHOD /path", as in the mux.
func (r Route) Key() string { return r.Method + " " + r.Path }

type handlerFunc func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error

// handle registers a route: the gate runs first, then the handler; an error
// returned by the handler is rendered as HTML or JSON by the route's kind.
func (s *Server) handle(method, path string, gate Gate, summary string, h handlerFunc) {
	api := strings.HasPrefix(path, "/api/")
	rt := Route{Method: method, Path: path, Gate: gate, API: api, Summary: summary}
	s.routes = append(s.routes, rt)
	s.mux.HandleFunc(rt.Key(), func(w http.ResponseWriter, r *http.Request) {
		p := principalFrom(r)
		if gate != Public {
			if p == nil {
				s.fail(w, r, api, errs.E(errs.Unauthorized, "login_required", msg.T("auth.loginRequired")))
				return
			}
			if p.MustChange && !mustChangeExempt(path) {
				s.fail(w, r, api, errs.E(errs.Forbidden, "must_change_password", msg.T("auth.mustChangePassword")))
				return
			}
			if !gate.allows(p) {
				s.fail(w, r, api, errs.Forbid())
				return
			}
		}
		if err := checkFormUTF8(r); err != nil {
			s.fail(w, r, api, err)
			return
		}
		if err := h(w, r, p); err != nil {
			s.fail(w, r, api, err)
		}
	})
}

// A user who must change their password may still do that, log out, and
// say who they are.
func mustChangeExempt(path string) bool {
	switch path {
	case "/password", "/logout", "/api/v1/session", "/api/v1/me", "/api/v1/me/password", "/feedback", "/api/v1/feedback":
		return true
	}
	return false
}

// checkFormUTF8 refuses a urlencoded form carrying bytes that are not
// UTF-8 (a crafted %FF): PostgreSQL would refuse to store them and the user
// would see a server error instead of a clear message.
func checkFormUTF8(r *http.Request) error {
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return errs.E(errs.Invalid, "bad_form", msg.T("form.contentUnreadable"))
	}
	for _, vs := range r.PostForm {
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return errs.E(errs.Invalid, "bad_encoding", msg.T("form.badEncoding"))
			}
		}
	}
	return nil
}
