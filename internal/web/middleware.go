package web

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

const sessionCookie = "xjp_session"

type ctxKey int

const principalKey ctxKey = 1

func principalFrom(r *http.Request) *auth.Principal {
	p, _ := r.Context().Value(principalKey).(*auth.Principal)
	return p
}

// The content security policy allows no inline script and no inline
// style: every asset comes from this server.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"

func (s *Server) middleware(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, strings.HasPrefix(r.URL.Path, "/api/"), errs.E(errs.Forbidden, "cross_origin", msg.T("request.crossOrigin")))
	}))
	h := s.withSession(next)
	h = cop.Handler(h)
	h = s.withHeaders(h)
	h = s.withMetricsAndLog(h)
	return s.withRecover(h)
}

func (s *Server) withHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.cfg.SecureCookies {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		// Uploads are bounded here once; handlers that take files read
		// through this limit.
		r.Body = http.MaxBytesReader(w, r.Body, 12<<20)
		next.ServeHTTP(w, r)
	})
}

// withSession resolves the login cookie into a principal. A stale or
// unknown cookie is cleared and the request goes on anonymous.
func (s *Server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		outer := r
		c, err := r.Cookie(sessionCookie)
		if err == nil && c.Value != "" && !isStatic(r.URL.Path) {
			p, err := s.auth.Authenticate(r.Context(), c.Value, clientIP(r))
			if err == nil {
				r = r.WithContext(context.WithValue(r.Context(), principalKey, p))
			} else {
				s.clearCookie(w)
				if errs.KindOf(err) == errs.Internal {
					s.log.Error("authenticate", "err", err)
				}
			}
		}
		if r.Method == http.MethodGet && !isStatic(r.URL.Path) && !strings.HasPrefix(r.URL.Path, "/api/") {
			if c, err := r.Cookie(flashCookie); err == nil {
				if v, err := url.QueryUnescape(c.Value); err == nil {
					r = r.WithContext(context.WithValue(r.Context(), flashKey, v))
				}
				http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1})
			}
		}
		next.ServeHTTP(w, r)
		// The mux records the route pattern on the request it is given (a
		// copy, if the context grew here); the metrics read the outer one.
		outer.Pattern = r.Pattern
	})
}

const flashCookie = "xjp_flash"

const flashKey ctxKey = 2

func flashFrom(ctx context.Context) string {
	v, _ := ctx.Value(flashKey).(string)
	return v
}

func isStatic(path string) bool {
	return strings.HasPrefix(path, "/static/") || path == "/healthz" || path == "/metrics"
}

func (s *Server) setCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, MaxAge: -1,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
}

// clientIP is the peer address. Behind a reverse proxy, the proxy's
// address is what is recorded unless the proxy is configured to pass the
// connection through; trusting X-Forwarded-For blindly would let anyone
// write any IP into the audit log.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) withMetricsAndLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		d := time.Since(start)
		pattern := r.Pattern
		if pattern == "" {
			pattern = "unmatched"
		}
		s.metrics.observe(pattern, sw.status, d)
		if sw.status >= 500 {
			s.log.Error("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "dur", d)
		} else if s.log.Enabled(r.Context(), slog.LevelDebug) {
			s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "dur", d)
		}
	})
}

func (s *Server) withRecover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "value", v, "stack", string(debug.Stack()))
				http.Error(w, msg.T("request.internal"), http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}
