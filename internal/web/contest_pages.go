package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/contest"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/live"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/quiz"
)

// access is what a user may do in one contest.
type access struct {
	manage bool // admin or the contest's host: setup and run
	judge  bool
}

func (cw *contestWeb) access(ctx context.Context, p *auth.Principal, id int64) (access, error) {
	if p == nil {
		return access{}, nil
	}
	host, judge, err := cw.store.StaffRoles(ctx, id, p.UserID)
	if err != nil {
		return access{}, err
	}
	return access{manage: host || p.Has(auth.Admin), judge: judge}, nil
}

// loadFor loads a contest the user may see (staff or admin); others get 404
// so contest ids are not probed.
func (cw *contestWeb) loadFor(r *http.Request, p *auth.Principal) (live.Contest, access, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return live.Contest{}, access{}, err
	}
	c, err := cw.store.Get(r.Context(), id)
	if err != nil {
		return c, access{}, err
	}
	a, err := cw.access(r.Context(), p, id)
	if err != nil {
		return c, a, err
	}
	if !a.manage && !a.judge {
		return c, a, errs.NotFoundf(msg.T("noun.contest"))
	}
	return c, a, nil
}

func (cw *contestWeb) manageable(r *http.Request, p *auth.Principal) (live.Contest, error) {
	c, a, err := cw.loadFor(r, p)
	if err != nil {
		return c, err
	}
	if !a.manage {
		return c, errs.Forbid()
	}
	return c, nil
}

type contestListPage struct {
	Page
	Contests []live.Contest
	CanEdit  bool
	Events   []teamEventRow
}

func (cw *contestWeb) list(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	all, err := cw.store.List(r.Context())
	if err != nil {
		return err
	}
	pg := contestListPage{Page: cw.s.page(r, p, "contest.list"), CanEdit: p.Has(auth.Admin)}
	for _, c := range all {
		// Everyone may follow a contest's results; the list shows them all.
		pg.Contests = append(pg.Contests, c)
	}
	if pg.Events, err = cw.teamEvents(r.Context()); err != nil {
		return err
	}
	return cw.s.render(w, http.StatusOK, "contests", pg)
}

func (cw *contestWeb) create(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	round, _ := strconv.Atoi(r.FormValue("round"))
	id, err := cw.store.Create(r.Context(), p.Actor(), live.NewContest{
		Title: r.FormValue("title"), Kind: r.FormValue("kind"), Series: r.FormValue("series"),
		Stage: r.FormValue("stage"), Round: round,
	})
	if err != nil {
		return err
	}
	if r.FormValue("kind") == "quiz" {
		// A match's 3 seconds is far too short to read a question on a
		// phone and tap an answer.
		if err := cw.store.SetQuizRules(r.Context(), p.Actor(), id, live.QuizRules{AnswerMS: int(contest.DefaultQuizAnswerTime / time.Millisecond),
			BasePoints: contest.DefaultQuizBasePoints, SpeedPoints: contest.DefaultQuizSpeedPoints}); err != nil {
			return err
		}
		redirect(w, r, fmt.Sprintf("/contests/%d", id), msg.T("contest.quiz.created"))
		return nil
	}
	redirect(w, r, fmt.Sprintf("/contests/%d", id), msg.T("contest.createdSetup"))
	return nil
}

type teamView struct {
	live.Team
	JoinURL string
	QR      template.URL // a data: URL, which the template would otherwise refuse
}

type contestSetupPage struct {
	Page
	C        live.Contest
	Manage   bool
	Teams    []teamView
	Judges   []live.Staff
	Hosts    []live.Staff
	BySeg    map[int][]live.QuestionRow
	Problem  string // why the match cannot start yet
	MustKnow int
	Bank     bankChoices
	PlayURL  string // quiz: where members answer
	PlayQR   template.URL
	AnswerS  int // quiz: answer time per question, seconds
}

// bankChoices is what the "draw from the bank" form offers: sets, tags with
// their counts, and the types the contest can use.
type bankChoices struct {
	Sets  []quiz.Set
	Tags  []quiz.TagCount
	Types []quiz.Type
}

func (cw *contestWeb) setup(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, a, err := cw.loadFor(r, p)
	if err != nil {
		return err
	}
	pg := contestSetupPage{Page: cw.s.page(r, p, "contest.setup"), C: c, Manage: a.manage, BySeg: map[int][]live.QuestionRow{}, MustKnow: 30}
	pg.Title = c.Title
	for _, t := range c.Teams {
		tv := teamView{Team: t, JoinURL: joinURL(r, c.ID, t.JoinCode)}
		if a.manage {
			qr, _ := qrSVG(tv.JoinURL)
			tv.QR = template.URL(qr)
		}
		pg.Teams = append(pg.Teams, tv)
	}
	for _, st := range c.Staff {
		if st.Role == "judge" {
			pg.Judges = append(pg.Judges, st)
		} else {
			pg.Hosts = append(pg.Hosts, st)
		}
	}
	for _, q := range c.Questions {
		pg.BySeg[q.Segment] = append(pg.BySeg[q.Segment], q)
	}
	if c.Kind == "match" {
		if cfg, err := c.MatchConfig(); err == nil {
			if err := cfg.Validate(); err != nil {
				pg.Problem = errMessage(err)
			}
		}
	} else if len(c.Questions) == 0 {
		pg.Problem = msg.T("contest.quiz.noQuestions")
	}
	if a.manage && !c.Frozen() {
		if pg.Bank, err = cw.bankChoices(r, c.Kind); err != nil {
			return err
		}
	}
	if c.Kind == "quiz" {
		pg.PlayURL = fmt.Sprintf("%s/contests/%d/play", baseURL(r), c.ID)
		pg.AnswerS = c.AnswerMS / 1000
		qr, _ := qrSVG(pg.PlayURL)
		pg.PlayQR = template.URL(qr)
	}
	if !a.manage {
		// Judges see the setup but not the join codes.
		for i := range pg.Teams {
			pg.Teams[i].JoinCode, pg.Teams[i].JoinURL = "", ""
		}
	}
	return cw.s.render(w, http.StatusOK, "contest", pg)
}

func errMessage(err error) string {
	if ce, ok := err.(*contest.Error); ok {
		return live.RefusalText(ce)
	}
	return errs.As(err).Message
}

// joinURL is the buzzer's address with its code, for the QR. It uses the
// host the admin reached the server by, which is the one phones in the hall
// can reach too.
func joinURL(r *http.Request, id int64, code string) string {
	return fmt.Sprintf("%s/contests/%d/buzzer?code=%s", baseURL(r), id, code)
}

// setupAction runs a setup change for the admin or host and goes back to
// the setup page; the live hub is reloaded so screens see the new setup.
func (cw *contestWeb) setupAction(w http.ResponseWriter, r *http.Request, p *auth.Principal, done string, fn func(c live.Contest) error) error {
	c, err := cw.manageable(r, p)
	if err != nil {
		return err
	}
	if err := fn(c); err != nil {
		return err
	}
	cw.mgr.Reload(c.ID)
	redirect(w, r, fmt.Sprintf("/contests/%d", c.ID), done)
	return nil
}

func (cw *contestWeb) addTeam(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return cw.setupAction(w, r, p, msg.T("contest.teamAdded"), func(c live.Contest) error {
		return cw.store.AddTeam(r.Context(), p.Actor(), c.ID, live.TeamInput{Name: r.FormValue("name"), Unit: r.FormValue("unit"), Members: r.FormValue("members")})
	})
}

func (cw *contestWeb) removeTeam(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return cw.setupAction(w, r, p, msg.T("contest.teamRemoved"), func(c live.Contest) error {
		return cw.store.RemoveTeam(r.Context(), p.Actor(), c.ID, r.PathValue("key"))
	})
}

func (cw *contestWeb) newCode(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, err := cw.manageable(r, p)
	if err != nil {
		return err
	}
	if err := cw.store.NewJoinCode(r.Context(), p.Actor(), c.ID, r.PathValue("key")); err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/contests/%d", c.ID), msg.T("contest.codeChanged"))
	return nil
}

func (cw *contestWeb) addStaff(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return cw.setupAction(w, r, p, msg.T("contest.staffAdded"), func(c live.Contest) error {
		return cw.store.AddStaff(r.Context(), p.Actor(), c.ID, live.StaffInput{Username: r.FormValue("username"), Role: r.FormValue("role"),
			Unit: r.FormValue("unit"), Chief: r.FormValue("chief") == "1"})
	})
}

func (cw *contestWeb) removeStaff(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	uid, err := pathID(r, "uid")
	if err != nil {
		return err
	}
	return cw.setupAction(w, r, p, msg.T("contest.staffRemoved"), func(c live.Contest) error {
		return cw.store.RemoveStaff(r.Context(), p.Actor(), c.ID, uid, r.PathValue("role"))
	})
}

func (cw *contestWeb) addSegment(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	points, err1 := strconv.Atoi(r.FormValue("points"))
	pen, err2 := strconv.Atoi(defaultStr(r.FormValue("wrong_penalty"), "0"))
	if err1 != nil || err2 != nil {
		return errs.E(errs.Invalid, "bad_number", msg.T("contest.badPoints"))
	}
	return cw.setupAction(w, r, p, msg.T("contest.segmentAdded"), func(c live.Contest) error {
		return cw.store.AddSegment(r.Context(), p.Actor(), c.ID, live.SegmentInput{Kind: r.FormValue("kind"), Title: r.FormValue("title"),
			Points: points, WrongPenalty: pen, Reopen: r.FormValue("reopen") == "1", RiskValues: r.FormValue("risk_values")})
	})
}

func defaultStr(s, d string) string {
	if strings.TrimSpace(s) == "" {
		return d
	}
	return strings.TrimSpace(s)
}

func (cw *contestWeb) removeSegment(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pos, err := strconv.Atoi(r.PathValue("pos"))
	if err != nil {
		return errs.NotFoundf(msg.T("noun.segment"))
	}
	return cw.setupAction(w, r, p, msg.T("contest.segmentRemoved"), func(c live.Contest) error {
		return cw.store.RemoveSegment(r.Context(), p.Actor(), c.ID, pos)
	})
}

func (cw *contestWeb) addQuestion(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	seg, _ := strconv.Atoi(r.FormValue("segment"))
	secs, err := strconv.Atoi(strings.TrimSpace(defaultStr(r.FormValue("answer_s"), "0")))
	if err != nil {
		return errs.E(errs.Invalid, "bad_number", msg.T("contest.quiz.badTime"))
	}
	return cw.setupAction(w, r, p, msg.T("contest.questionAdded"), func(c live.Contest) error {
		return cw.store.AddQuestion(r.Context(), p.Actor(), c.ID, live.QuestionInput{Segment: seg, Text: r.FormValue("text"),
			Options: r.FormValue("options"), Answer: r.FormValue("answer"), TeamKey: r.FormValue("team"), AnswerS: secs})
	})
}

func (cw *contestWeb) importQuestions(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	seg, _ := strconv.Atoi(r.FormValue("segment"))
	from, err1 := strconv.Atoi(defaultStr(r.FormValue("from"), "1"))
	n, err2 := strconv.Atoi(defaultStr(r.FormValue("count"), "5"))
	if err1 != nil || err2 != nil {
		return errs.E(errs.Invalid, "bad_number", msg.T("contest.badImportRange"))
	}
	return cw.setupAction(w, r, p, msg.T("contest.imported"), func(c live.Contest) error {
		return cw.store.ImportMustKnow(r.Context(), p.Actor(), c.ID, seg, from-1, n)
	})
}

func (cw *contestWeb) bankChoices(r *http.Request, kind string) (bankChoices, error) {
	svc := quiz.NewService(cw.s.db)
	var b bankChoices
	var err error
	if b.Sets, err = svc.Sets(r.Context()); err != nil {
		return b, err
	}
	if b.Tags, err = svc.Tags(r.Context()); err != nil {
		return b, err
	}
	b.Types = quiz.Types()
	if kind == "quiz" {
		b.Types = live.QuizTypes
	}
	return b, nil
}

// drawQuestions adds questions drawn from the bank: a set or the whole
// bank, some tags and types, a count (per segment for a match).
func (cw *contestWeb) drawQuestions(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	seg, _ := strconv.Atoi(r.FormValue("segment"))
	set, err1 := strconv.ParseInt(defaultStr(r.FormValue("set"), "0"), 10, 64)
	n, err2 := strconv.Atoi(defaultStr(r.FormValue("count"), "5"))
	if err1 != nil || err2 != nil {
		return errs.E(errs.Invalid, "bad_number", msg.T("contest.draw.badNumber"))
	}
	in := live.BankDraw{Segment: seg, SetID: set, Count: n, Tags: r.Form["tag"]}
	for _, t := range r.Form["type"] {
		in.Types = append(in.Types, quiz.Type(t))
	}
	var added int
	c, err := cw.manageable(r, p)
	if err != nil {
		return err
	}
	if added, err = cw.store.DrawFromBank(r.Context(), p.Actor(), c.ID, in); err != nil {
		return err
	}
	cw.mgr.Reload(c.ID)
	redirect(w, r, fmt.Sprintf("/contests/%d", c.ID), msg.T("contest.draw.done", added))
	return nil
}

func (cw *contestWeb) setQuizRules(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	secs, err1 := strconv.Atoi(strings.TrimSpace(r.FormValue("answer_s")))
	base, err2 := strconv.Atoi(strings.TrimSpace(defaultStr(r.FormValue("base_points"), "10")))
	speed, err3 := strconv.Atoi(strings.TrimSpace(defaultStr(r.FormValue("speed_points"), "10")))
	if err1 != nil || err2 != nil || err3 != nil {
		return errs.E(errs.Invalid, "bad_number", msg.T("contest.quiz.badNumbers"))
	}
	return cw.setupAction(w, r, p, msg.T("common.saved"), func(c live.Contest) error {
		return cw.store.SetQuizRules(r.Context(), p.Actor(), c.ID, live.QuizRules{AnswerMS: secs * 1000, BasePoints: base, SpeedPoints: speed})
	})
}

func (cw *contestWeb) removeQuestion(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	qid, err := pathID(r, "qid")
	if err != nil {
		return err
	}
	return cw.setupAction(w, r, p, msg.T("contest.questionRemoved"), func(c live.Contest) error {
		return cw.store.RemoveQuestion(r.Context(), p.Actor(), c.ID, qid)
	})
}

func (cw *contestWeb) setRules(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ans, err1 := strconv.Atoi(r.FormValue("answer_s"))
	win, err2 := strconv.Atoi(defaultStr(r.FormValue("tie_window_ms"), "30"))
	foul, err3 := strconv.Atoi(defaultStr(r.FormValue("foul_points"), "0"))
	dcap, err4 := strconv.Atoi(defaultStr(r.FormValue("delay_cap_ms"), "150"))
	spread, err5 := strconv.Atoi(defaultStr(r.FormValue("max_device_spread_ms"), "0"))
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || err5 != nil {
		return errs.E(errs.Invalid, "bad_number", msg.T("contest.badSeconds"))
	}
	return cw.setupAction(w, r, p, msg.T("contest.rulesSaved"), func(c live.Contest) error {
		return cw.store.SetRules(r.Context(), p.Actor(), c.ID, live.Rules{AnswerMS: ans * 1000, JudgeRule: r.FormValue("judge_rule"),
			TieRule: r.FormValue("tie_rule"), TieWindowMS: win,
			FoulPoints: foul, FoulLockOut: r.FormValue("foul_lockout") != "",
			DelayCompensation: r.FormValue("delay_compensation") != "", DelayCapMS: dcap, MaxDeviceSpreadMS: spread})
	})
}

// contestLivePage is every live screen: the JavaScript builds the view from
// the WebSocket frames; the page carries only where to connect and as whom.
type contestLivePage struct {
	Page
	C      live.Contest
	Mode   string // host, judge, buzzer, screen, audience, play
	Code   string // buzzer: the join code
	Team   string // buzzer: the team's name
	Judge  string // judge: the judge's key
	Member string // play: the member key
	Join   bool   // buzzer without a valid code: show the code form
	Bare   bool   // big screen: no navigation
	// JoinQR is the quiz's join code on the big screen before the first
	// question, so the hall scans it from the projector.
	JoinQR  template.URL
	JoinURL string
	// Msgs is the script's text (js.contest.* from the catalog) as a JSON
	// object, carried in a data attribute: the CSP runs no inline script.
	Msgs string
}

// liveMsgs is the JSON of the live screens' text; the catalog is fixed once
// the program has started, so it is built once.
var liveMsgs = sync.OnceValue(func() string {
	b, err := json.Marshal(msg.WithPrefix("js.contest."))
	if err != nil {
		panic(err) // a map of strings always marshals
	}
	return string(b)
})

func (cw *contestWeb) livePage(w http.ResponseWriter, r *http.Request, p *auth.Principal, c live.Contest, mode, titleKey string, fill func(*contestLivePage)) error {
	pg := contestLivePage{Page: cw.s.page(r, p, titleKey), C: c, Mode: mode, Msgs: liveMsgs()}
	pg.Title = c.Title + " · " + pg.Title
	if fill != nil {
		fill(&pg)
	}
	return cw.s.render(w, http.StatusOK, "contest_live", pg)
}

func (cw *contestWeb) hostPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, err := cw.manageable(r, p)
	if err != nil {
		return err
	}
	return cw.livePage(w, r, p, c, "host", "contest.host", nil)
}

func (cw *contestWeb) judgePage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, a, err := cw.loadFor(r, p)
	if err != nil {
		return err
	}
	if !a.judge {
		return errs.E(errs.Forbidden, "not_judge", msg.T("contest.notJudge"))
	}
	return cw.livePage(w, r, p, c, "judge", "contest.judge", func(pg *contestLivePage) { pg.Judge = live.JudgeKey(p.UserID) })
}

func (cw *contestWeb) publicContest(r *http.Request) (live.Contest, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return live.Contest{}, err
	}
	return cw.store.Get(r.Context(), id)
}

func (cw *contestWeb) buzzerPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, err := cw.publicContest(r)
	if err != nil {
		return err
	}
	code := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("code")))
	var team live.Team
	if code != "" {
		if team, err = cw.store.TeamByCode(r.Context(), c.ID, code); err != nil {
			return cw.livePage(w, r, p, c, "buzzer", "contest.buzzer", func(pg *contestLivePage) {
				pg.Join, pg.Error = true, errMessage(err)
			})
		}
	}
	return cw.livePage(w, r, p, c, "buzzer", "contest.buzzer", func(pg *contestLivePage) {
		pg.Code, pg.Team, pg.Join, pg.Bare = code, team.Name, code == "", code != ""
	})
}

func (cw *contestWeb) playPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, err := cw.publicContest(r)
	if err != nil {
		return err
	}
	if c.Kind != "quiz" {
		return errs.NotFoundf(msg.T("noun.onlineQuiz"))
	}
	if p.MemberID == 0 {
		return errs.E(errs.Forbidden, "not_member", msg.T("contest.playMembersOnly"))
	}
	return cw.livePage(w, r, p, c, "play", "contest.play", func(pg *contestLivePage) { pg.Member = live.MemberKey(p.MemberID) })
}

func (cw *contestWeb) screenPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, err := cw.publicContest(r)
	if err != nil {
		return err
	}
	return cw.livePage(w, r, p, c, "screen", "contest.screen", func(pg *contestLivePage) {
		pg.Bare = true
		if c.Kind == "quiz" {
			pg.JoinURL = fmt.Sprintf("%s/contests/%d/play", baseURL(r), c.ID)
			qr, _ := qrSVG(pg.JoinURL)
			pg.JoinQR = template.URL(qr)
		}
	})
}

func (cw *contestWeb) audiencePage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, err := cw.publicContest(r)
	if err != nil {
		return err
	}
	return cw.livePage(w, r, p, c, "audience", "contest.audience", nil)
}

// ws authenticates the screen by its role, then hands the connection to
// the live package. Refusals happen before the upgrade, as plain HTTP.
func (cw *contestWeb) ws(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, err := cw.publicContest(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	id := live.Identity{Role: contest.RoleAudience}
	switch q.Get("role") {
	case "host":
		a, err := cw.access(r.Context(), p, c.ID)
		if err != nil {
			return err
		}
		if !a.manage {
			return errs.Forbid()
		}
		id.Role = contest.RoleHost
	case "judge":
		a, err := cw.access(r.Context(), p, c.ID)
		if err != nil {
			return err
		}
		if !a.judge {
			return errs.Forbid()
		}
		id.Role, id.Judge = contest.RoleJudge, live.JudgeKey(p.UserID)
	case "team":
		t, err := cw.store.TeamByCode(r.Context(), c.ID, q.Get("code"))
		if err != nil {
			return err
		}
		id.Role, id.Team = contest.RoleTeam, t.Key
		id.Device = t.Key + "-" + cleanDevice(q.Get("device"))
	case "member":
		if p == nil || p.MemberID == 0 || c.Kind != "quiz" {
			return errs.Forbid()
		}
		id.Role, id.Member = contest.RoleAudience, live.MemberKey(p.MemberID)
	case "", "audience", "screen":
	default:
		return errs.E(errs.Invalid, "bad_role", msg.T("contest.badRole"))
	}
	since, err := strconv.ParseInt(defaultStr(q.Get("since"), "-1"), 10, 64)
	if err != nil {
		since = -1
	}
	h, err := cw.mgr.Hub(r.Context(), c.ID)
	if err != nil {
		return err
	}
	return live.Serve(w, r, h, id, since, cw.log)
}

// cleanDevice keeps a client's device id short and printable: it only
// separates two phones of one team in the log.
func cleanDevice(s string) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() >= 16 {
			break
		}
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "web"
	}
	return b.String()
}
