package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages holds one parsed template set per page (layout + page), and the
// content-hashed URLs of the static assets.
type pages struct {
	byName map[string]*template.Template
	assets map[string]string // "app.css" → "/static/<hash>/app.css"
	files  map[string][]byte
}

var zone = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}

func parsePages() (*pages, error) {
	ps := &pages{byName: map[string]*template.Template{}, assets: map[string]string{}, files: map[string][]byte{}}
	err := fs.WalkDir(staticFS, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := strings.TrimPrefix(path, "static/")
		ps.assets[name] = "/static/" + hex.EncodeToString(sum[:4]) + "/" + name
		ps.files[name] = b
		return nil
	})
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"T":      msg.T,
		"asset":  func(name string) string { return ps.assets[name] },
		"time":   fmtTime,
		"date":   func(t time.Time) string { return t.In(zone).Format("2006-01-02") },
		"mask":   func(s string) string { return s },
		"add":    func(a, b int) int { return a + b },
		"inc":    func(a int) int { return a + 1 },
		"query":  url.QueryEscape,
		"indent": func(d int) int { return d * 16 },
		"pct":    func(x float64) string { return fmt.Sprintf("%.0f%%", x*100) },
		"lines":  func(s string) []string { return strings.Split(s, "\n") },
		// A *bool is true to {{if}} whenever it is set, false included:
		// these read what it points to (nil, unanswered, is neither).
		"isTrue":  func(b *bool) bool { return b != nil && *b },
		"isFalse": func(b *bool) bool { return b != nil && !*b },
		// A field error names a form field by its code (base_points) or an
		// import column by its header (姓名); a person reads only the latter.
		"fieldName": func(f string) string {
			for _, r := range f {
				if r >= 0x80 {
					return f
				}
			}
			return ""
		},
		"hasID": func(list []int64, id int64) bool {
			for _, x := range list {
				if x == id {
					return true
				}
			}
			return false
		},
	}
	entries, err := fs.ReadDir(templateFS, "templates")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+e.Name())
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		ps.byName[name] = t
	}
	return ps, nil
}

// NavItem is one entry of the navigation.
type NavItem struct {
	Href   string
	Label  string
	Active bool
}

// Page is what every page template receives (embedded in its own struct).
type Page struct {
	Title       string
	P           *auth.Principal
	Nav         []NavItem
	Flash       string
	Error       string
	FieldErrors []errs.FieldError
	Path        string
	Version     string
}

// HasField reports whether a field error names field (for marking inputs).
func (p Page) FieldError(field string) string {
	for _, f := range p.FieldErrors {
		if f.Field == field {
			return f.Reason
		}
	}
	return ""
}

func (s *Server) page(r *http.Request, p *auth.Principal, titleKey string) Page {
	return Page{Title: msg.T(titleKey), P: p, Nav: s.nav(p, r.URL.Path), Path: r.URL.Path, Version: s.cfg.Version, Flash: flashFrom(r.Context())}
}

// nav builds the navigation for the principal's roles.
func (s *Server) nav(p *auth.Principal, current string) []NavItem {
	if p == nil {
		return nil
	}
	var items []NavItem
	add := func(href, key string) {
		active := current == href || (href != "/" && strings.HasPrefix(current, href))
		items = append(items, NavItem{Href: href, Label: msg.T(key), Active: active})
	}
	add("/", "nav.home")
	if p.Has(auth.Readers...) {
		add("/orgs", "nav.orgs")
	}
	if p.Has(auth.Readers...) {
		add("/rounds", "nav.rounds")
	}
	if p.Has(auth.Readers...) || p.MemberID != 0 {
		add("/notices", "nav.notices")
		add("/rectifications", "nav.ledger")
	}
	if p.Has(auth.Readers...) || p.MemberID != 0 {
		add("/library", "nav.library")
		add("/practice", "nav.practice")
	}
	if p.Has(auth.Admin, auth.TaskForce, auth.Leader) {
		add("/supervise", "nav.supervise")
	}
	if p.Has(auth.Readers...) || p.MemberID != 0 {
		add("/exemplars", "nav.exemplars")
		add("/contests", "nav.contests")
	}
	if p.Has(auth.Managers...) {
		add("/import", "nav.import")
	}
	if p.Has(auth.Admin) {
		add("/roles", "nav.roles")
		add("/feedback/all", "nav.feedbackAll")
	}
	if p.Has(auth.Auditor) {
		add("/audit", "nav.audit")
	}
	if p.MemberID != 0 {
		add(fmt.Sprintf("/members/%d", p.MemberID), "nav.me")
	}
	return items
}

// render executes a page template into a buffer first, so that a template
// error becomes a clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, data any) error {
	t, ok := s.pages.byName[name]
	if !ok {
		return errs.Wrap(fmt.Errorf("no template %q", name), "render")
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		return errs.Wrap(err, "render "+name)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return nil
}

func statusOf(k errs.Kind) int {
	switch k {
	case errs.Invalid:
		return http.StatusBadRequest
	case errs.Unauthorized:
		return http.StatusUnauthorized
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Conflict:
		return http.StatusConflict
	case errs.Unprocessable:
		return http.StatusUnprocessableEntity
	case errs.Locked:
		return http.StatusLocked
	case errs.TooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

type errorPage struct {
	Page
	Status  int
	Message string
}

// fail is the one place where an error becomes a response.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, api bool, err error) {
	e := errs.As(err)
	status := statusOf(e.Kind)
	if status == http.StatusInternalServerError {
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		e = errs.E(errs.Internal, "internal", msg.T("error.internal"))
	}
	if api {
		writeJSON(w, status, map[string]any{"error": map[string]any{"code": e.Code, "message": e.Message, "fields": e.Fields}})
		return
	}
	if e.Kind == errs.Unauthorized {
		if e.Code == "bad_credentials" || e.Code == "login_required" && r.Method != http.MethodGet {
			// fall through to the error page for form posts
		} else {
			next := r.URL.RequestURI()
			http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
	}
	if e.Code == "must_change_password" {
		http.Redirect(w, r, "/password", http.StatusSeeOther)
		return
	}
	p := principalFrom(r)
	pg := errorPage{Page: s.page(r, p, "common.error"), Status: status, Message: e.Message}
	pg.FieldErrors = e.Fields
	if rerr := s.render(w, status, "error", pg); rerr != nil {
		http.Error(w, e.Message, status)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

// decodeJSON reads a JSON body strictly: unknown fields are errors, so a
// typo in a field name does not silently change nothing.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errs.E(errs.Invalid, "bad_json", msg.T("json.invalid", jsonReason(err)))
	}
	return nil
}

func jsonReason(err error) string {
	s := err.Error()
	switch {
	case strings.Contains(s, "unknown field"):
		return msg.T("json.unknownField", s[strings.Index(s, "unknown field")+len("unknown field "):])
	case strings.Contains(s, "cannot unmarshal"):
		return msg.T("json.wrongType")
	case strings.Contains(s, "EOF"):
		return msg.T("json.incomplete")
	}
	return msg.T("json.malformed")
}

// redirect after a successful form post, with a flash message carried in
// a short-lived cookie (never in the URL, where a crafted link could put
// any text in an official-looking banner).
func redirect(w http.ResponseWriter, r *http.Request, to, flash string) {
	if flash != "" {
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(flash), Path: "/", MaxAge: 60,
			HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	b, ok := s.pages.files[name]
	if !ok || s.pages.assets[name] != r.URL.Path {
		http.NotFound(w, r)
		return
	}
	switch {
	case strings.HasSuffix(name, ".css"):
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case strings.HasSuffix(name, ".js"):
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	case strings.HasSuffix(name, ".svg"):
		w.Header().Set("Content-Type", "image/svg+xml")
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, _ = w.Write(b)
}

// fmtTime shows a moment in the district's zone; it takes a value or a
// pointer so that optional times need no special casing in templates.
func fmtTime(v any) string {
	switch t := v.(type) {
	case time.Time:
		return t.In(zone).Format("2006-01-02 15:04:05")
	case *time.Time:
		if t != nil {
			return t.In(zone).Format("2006-01-02 15:04:05")
		}
	}
	return ""
}
