// Package app wires the platform together: configuration, database,
// services and the web server. cmd/xuejiangping only parses flags and
// calls it; tests start the whole program through it.
package app

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/demo"
	"xuejiangping/internal/feedback"
	"xuejiangping/internal/live"
	"xuejiangping/internal/meeting"
	"xuejiangping/internal/org"
	"xuejiangping/internal/rectify"
	"xuejiangping/internal/round"
	"xuejiangping/internal/settings"
	"xuejiangping/internal/web"
)

// Version is set at build time with -ldflags "-X xuejiangping/internal/app.Version=…".
var Version = "dev"

// Config is the whole runtime configuration.
type Config struct {
	Addr         string
	DataDir      string
	DSN          string // postgres://… or empty for SQLite under DataDir
	Demo         bool
	DemoPassword string
	DemoSeed     int64
	District     string // name of the district created on first start without --demo
	TLSCert      string
	TLSKey       string
	IdleTimeout  time.Duration
	MaxFailures  int
	LockFor      time.Duration
	MetricsFrom  string    // networks besides loopback that may scrape /metrics, comma-separated CIDRs
	NATSURL      string    // NATS server shared by several instances serving live contests; "" = one instance
	Out          io.Writer // where first-start credentials are printed
	Log          *slog.Logger
}

// DSNOrDefault is the database to open.
func (c Config) DSNOrDefault() string {
	if c.DSN != "" {
		return c.DSN
	}
	dir := c.DataDir
	if dir == "" {
		dir = "data"
	}
	return filepath.Join(dir, "xuejiangping.db")
}

// App is a running platform.
type App struct {
	Cfg    Config
	DB     *db.DB
	Auth   *auth.Service
	Web    *web.Server
	Live   *live.Manager // live contests; closed on shutdown, releasing this instance's leases
	server *http.Server
	ln     net.Listener
	done   chan error
}

// Open connects the database, migrates it, loads the demo or the first
// admin if it is empty, and builds the web server. It does not listen yet.
func Open(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	d, err := db.Open(ctx, cfg.DSNOrDefault())
	if err != nil {
		return nil, fmt.Errorf("数据库打开失败: %w", err)
	}
	a := &App{Cfg: cfg, DB: d}
	if err := a.firstStart(ctx); err != nil {
		d.Close()
		return nil, err
	}
	a.Auth = auth.New(d, auth.Config{MaxFailures: cfg.MaxFailures, LockFor: cfg.LockFor, IdleTimeout: cfg.IdleTimeout})
	key, err := signKey(ctx, d)
	if err != nil {
		d.Close()
		return nil, err
	}
	rounds := round.NewService(d)
	meetings := meeting.NewService(d, rounds)
	metricsFrom, err := web.ParseNetworks(cfg.MetricsFrom)
	if err != nil {
		d.Close()
		return nil, err
	}
	if a.Live, err = openLive(cfg, d); err != nil {
		d.Close()
		return nil, err
	}
	a.Web, err = web.New(web.Config{SecureCookies: cfg.TLSCert != "", IdleTimeout: cfg.IdleTimeout, Version: Version, MetricsFrom: metricsFrom}, web.Deps{
		DB: d, Auth: a.Auth, Org: org.New(d), Feedback: &feedback.Service{DB: d},
		Rounds: rounds, Meetings: meetings, Rectify: rectify.NewService(d, meetings, zone()), SignKey: key,
		Live: a.Live,
	}, cfg.Log)
	if err != nil {
		a.Live.Broker.Close()
		d.Close()
		return nil, err
	}
	return a, nil
}

// openLive makes the manager of the live contests: a single instance by
// default; with a NATS URL, one of several instances behind one address,
// which share each contest's screens through NATS and hand its commands to
// the holder of its lease in the database.
func openLive(cfg Config, d *db.DB) (*live.Manager, error) {
	m := live.NewManager(live.NewStore(d), cfg.Log)
	if cfg.NATSURL == "" {
		return m, nil
	}
	name := instanceName()
	b, err := live.DialNATS(cfg.NATSURL, name, cfg.Log)
	if err != nil {
		return nil, err
	}
	m.Broker, m.Owner = b, name
	cfg.Log.Info("live contests shared through NATS", "nats", cfg.NATSURL, "instance", name)
	return m, nil
}

// instanceName names this process for contest leases: unique per start, so
// a restarted instance never mistakes its predecessor's lease for its own.
func instanceName() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// firstStart fills an empty database: the demo district with --demo, or
// else a bare district and one admin whose generated password must be
// changed at first login.
func (a *App) firstStart(ctx context.Context) error {
	empty, err := demo.IsEmpty(ctx, a.DB)
	if err != nil || !empty {
		return err
	}
	out := a.Cfg.Out
	if a.Cfg.Demo {
		pw := a.Cfg.DemoPassword
		generated := pw == ""
		if generated {
			pw = auth.GeneratePassword()
		}
		seed := a.Cfg.DemoSeed
		if seed == 0 {
			seed = 1
		}
		if err := demo.LoadAll(ctx, a.DB, seed, pw, time.Now()); err != nil {
			return fmt.Errorf("载入演示数据失败: %w", err)
		}
		fmt.Fprintf(out, "已载入演示数据：%s。演示账号（密码均为 %s", demo.DistrictName, pw)
		if generated {
			fmt.Fprint(out, "，为随机生成，请记下")
		}
		fmt.Fprintln(out, "）：")
		for _, acc := range demo.Accounts {
			fmt.Fprintf(out, "  %-10s %s（%s）\n", acc.Username, acc.Role.Label(), acc.Note)
		}
		return nil
	}
	name := a.Cfg.District
	if name == "" {
		name = "本区"
	}
	var pw string
	err = a.DB.InTx(ctx, func(tx *db.Tx) error {
		root, err := org.CreateRoot(ctx, tx, name)
		if err != nil {
			return err
		}
		uid, p, err := auth.CreateUser(ctx, tx, audit.System, auth.NewUser{Username: "admin", DisplayName: "管理员"})
		if err != nil {
			return err
		}
		pw = p
		return auth.AddGrant(ctx, tx, audit.System, uid, auth.Admin, root)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "已初始化“%s”。管理员账号 admin，初始密码 %s（首次登录须修改）。\n", name, pw)
	return nil
}

// Listen binds the address (":0" picks a free port; see Addr).
func (a *App) Listen() error {
	addr := a.Cfg.Addr
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	a.ln = ln
	return nil
}

// Addr is the bound address.
func (a *App) Addr() string { return a.ln.Addr().String() }

// URL is the base URL.
func (a *App) URL() string {
	scheme := "http"
	if a.Cfg.TLSCert != "" {
		scheme = "https"
	}
	return scheme + "://" + a.Addr()
}

// Serve starts serving in the background.
func (a *App) Serve() {
	a.server = &http.Server{
		Handler:           a.Web,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.Cfg.Log.Handler(), slog.LevelWarn),
	}
	a.done = make(chan error, 1)
	go func() {
		var err error
		if a.Cfg.TLSCert != "" {
			a.server.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
			err = a.server.ServeTLS(a.ln, a.Cfg.TLSCert, a.Cfg.TLSKey)
		} else {
			err = a.server.Serve(a.ln)
		}
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		a.done <- err
	}()
}

// Wait blocks until the server stops.
func (a *App) Wait() error { return <-a.done }

// Close shuts the server down gracefully and closes the database.
func (a *App) Close() error {
	if a.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = a.server.Shutdown(ctx)
	}
	if a.Live != nil {
		// The contest screens are hijacked connections that Shutdown does
		// not wait for: stopping the hubs closes them (they reconnect, to
		// another instance if there is one) and releases the leases.
		a.Live.Close()
		a.Live.Broker.Close()
	}
	return a.DB.Close()
}

// Backup writes a consistent copy of a live SQLite database to out.
func Backup(ctx context.Context, d *db.DB, out string) error {
	if d.Dialect != db.SQLite {
		return errors.New("PostgreSQL 请使用 pg_dump 备份（见 README）")
	}
	// VACUUM INTO reads one snapshot of the database and writes a fresh,
	// compact file: consistent even while the server keeps writing.
	_, err := d.SQL().ExecContext(ctx, `VACUUM INTO ?`, out)
	return err
}

// signKey is the installation's secret for sign-in codes, made at first
// start and kept in the settings so that every instance shares it.
func signKey(ctx context.Context, d *db.DB) ([]byte, error) {
	var key string
	err := d.InTx(ctx, func(tx *db.Tx) error {
		v, err := settings.Get(ctx, tx, "signin.key", "")
		if err != nil {
			return err
		}
		if v == "" {
			b := make([]byte, 32)
			if _, err := rand.Read(b); err != nil {
				return err
			}
			v = hex.EncodeToString(b)
			if err := settings.Set(ctx, tx, "signin.key", v); err != nil {
				return err
			}
		}
		key = v
		return nil
	})
	return []byte(key), err
}

func zone() *time.Location {
	l, err := time.LoadLocation(round.DefaultZone)
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}
