// Package web is the delivery layer: routes, middleware, server-rendered
// pages and the JSON API. Both call the same domain services; nothing here
// decides who may do what beyond the coarse role gate of each route — the
// services check scope on every object.
package web

import (
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/feedback"
	"xuejiangping/internal/live"
	"xuejiangping/internal/meeting"
	"xuejiangping/internal/org"
	"xuejiangping/internal/rectify"
	"xuejiangping/internal/round"
)

// Config is what the web layer needs to know about its deployment.
type Config struct {
	SecureCookies bool          // under TLS
	IdleTimeout   time.Duration // for the cookie's lifetime hint
	Version       string
	MetricsFrom   []netip.Prefix // who may scrape /metrics besides loopback
}

// Deps are the domain services the web layer calls.
type Deps struct {
	DB       *db.DB
	Auth     *auth.Service
	Org      *org.Service
	Feedback *feedback.Service
	Rounds   *round.Service
	Meetings *meeting.Service
	Rectify  *rectify.Service
	SignKey  []byte        // the installation's key for rotating sign-in codes
	Live     *live.Manager // the live contests; nil: a single-instance one of the server's own
}

// Server holds the services and the routes.
type Server struct {
	cfg      Config
	db       *db.DB
	auth     *auth.Service
	org      *org.Service
	feedback *feedback.Service
	rounds   *round.Service
	meetings *meeting.Service
	rectify  *rectify.Service
	signKey  []byte
	live     *live.Manager
	log      *slog.Logger
	mux      *http.ServeMux
	routes   []Route
	pages    *pages
	metrics  *metrics
	handler  http.Handler
}

// New wires the routes and parses every template; it fails if a page's
// template is missing, so a broken build never starts serving.
func New(cfg Config, d Deps, log *slog.Logger) (*Server, error) {
	s := &Server{cfg: cfg, db: d.DB, auth: d.Auth, org: d.Org, feedback: d.Feedback, rounds: d.Rounds,
		meetings: d.Meetings, rectify: d.Rectify, signKey: d.SignKey, live: d.Live, log: log, mux: http.NewServeMux()}
	var err error
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	s.metrics = newMetrics(d.DB)
	s.registerRoutes()
	s.handler = s.middleware(s.mux)
	return s, nil
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes lists every registered route (for the access and OpenAPI tests).
func (s *Server) Routes() []Route { return s.routes }

// contestManager is the app's manager of live contests (which the app
// closes on shutdown and which may share contests with other instances), or
// one of the server's own when none was given (tests).
func (s *Server) contestManager(store *live.Store) *live.Manager {
	if s.live != nil {
		return s.live
	}
	return live.NewManager(store, s.log)
}
