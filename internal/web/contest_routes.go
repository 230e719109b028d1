package web

import (
	"log/slog"

	"xuejiangping/internal/live"
)

// contestWeb holds the contest feature's services. The Server struct is
// shared by every feature, so the feature keeps its own state here and its
// handlers are closures over it.
type contestWeb struct {
	s     *Server
	store *live.Store
	mgr   *live.Manager
	log   *slog.Logger
}

// registerContest registers the contest feature's pages and API routes. The
// feature's handlers live in files named contest_*.go.
//
// Who may do what: the admin creates contests; the admin and the contest's
// host set it up and run it; judges are logged-in users assigned to the
// contest; team buzzers join with their team's join code (no account, so
// players on phones need nothing but the QR); the big screen, the audience
// view and the results are public.
func (s *Server) registerContest() {
	store := live.NewStore(s.db)
	cw := &contestWeb{s: s, store: store, mgr: s.contestManager(store), log: s.log}

	s.handle("GET", "/contests", LoggedIn, "", cw.list)
	s.handle("POST", "/contests", AdminG, "", cw.create)
	s.handle("GET", "/contests/{id}", LoggedIn, "", cw.setup)
	s.handle("POST", "/contests/{id}/teams", LoggedIn, "", cw.addTeam)
	s.handle("POST", "/contests/{id}/teams/{key}/delete", LoggedIn, "", cw.removeTeam)
	s.handle("POST", "/contests/{id}/teams/{key}/code", LoggedIn, "", cw.newCode)
	s.handle("POST", "/contests/{id}/staff", LoggedIn, "", cw.addStaff)
	s.handle("POST", "/contests/{id}/staff/{uid}/{role}/delete", LoggedIn, "", cw.removeStaff)
	s.handle("POST", "/contests/{id}/segments", LoggedIn, "", cw.addSegment)
	s.handle("POST", "/contests/{id}/segments/{pos}/delete", LoggedIn, "", cw.removeSegment)
	s.handle("POST", "/contests/{id}/questions", LoggedIn, "", cw.addQuestion)
	s.handle("POST", "/contests/{id}/questions/import", LoggedIn, "", cw.importQuestions)
	s.handle("POST", "/contests/{id}/questions/draw", LoggedIn, "", cw.drawQuestions)
	s.handle("POST", "/contests/{id}/quizrules", LoggedIn, "", cw.setQuizRules)
	s.handle("POST", "/contests/{id}/questions/{qid}/delete", LoggedIn, "", cw.removeQuestion)
	s.handle("POST", "/contests/{id}/rules", LoggedIn, "", cw.setRules)

	s.handle("GET", "/contests/{id}/host", LoggedIn, "", cw.hostPage)
	s.handle("GET", "/contests/{id}/judge", LoggedIn, "", cw.judgePage)
	s.handle("GET", "/contests/{id}/buzzer", Public, "", cw.buzzerPage)
	s.handle("GET", "/contests/{id}/play", LoggedIn, "", cw.playPage)
	s.handle("GET", "/contests/{id}/screen", Public, "", cw.screenPage)
	s.handle("GET", "/contests/{id}/audience", Public, "", cw.audiencePage)
	s.handle("GET", "/contests/{id}/results", Public, "", cw.results)
	s.handle("GET", "/contests/{id}/export", LoggedIn, "", cw.export)
	s.handle("GET", "/contests/{id}/ws", Public, "", cw.ws)

	s.handle("GET", "/api/v1/contests", LoggedIn, "列出知识竞赛", cw.apiList)
	s.handle("GET", "/api/v1/contests/{id}/state", LoggedIn, "读取比赛当前状态（主持人、评委、管理员）", cw.apiState)
	s.handle("POST", "/api/v1/contests/{id}/commands", LoggedIn, "主持人或评委提交比赛指令", cw.apiCommand)

	cw.registerTeamEvents()
}
