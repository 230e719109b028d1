package web

import "xuejiangping/internal/supervise"

// registerSupervise registers the supervise feature's pages and API routes. The
// feature's handlers live in files named supervise_*.go.
//
// The task force's own pages pass the Readers gate and the service then
// refuses anyone but the admin and the task force: a secretary gets 403.
// The column is for every user; its Atom feed is public (a feed reader of
// the unit's new-media account has no session) and carries only what the
// task force published to the column.
func (s *Server) registerSupervise() {
	h := &superviseHandlers{s: s, sv: supervise.NewService(s.db, s.meetings, s.rectify, zone)}

	// The task force's rhythm: 日碰头 · 周例会 · 月观摩.
	s.handle("GET", "/supervise", Readers, "", h.hubPage)
	s.handle("GET", "/supervise/standups", Readers, "", h.standupsPage)
	s.handle("POST", "/supervise/standups", Readers, "", h.standupPost)
	s.handle("GET", "/supervise/weekly", Readers, "", h.weekliesPage)
	s.handle("POST", "/supervise/weekly", Readers, "", h.weeklyPost)
	s.handle("GET", "/supervise/weekly/{id}", Readers, "", h.weeklyPage)
	s.handle("POST", "/supervise/weekly/{id}/decisions", Readers, "", h.decisionPost)
	s.handle("POST", "/supervise/decisions/{id}/done", Readers, "", h.decisionDonePost)
	s.handle("GET", "/supervise/observations", Readers, "", h.observationsPage)
	s.handle("POST", "/supervise/observations", Readers, "", h.observationPost)
	s.handle("POST", "/supervise/observations/{id}/delete", Readers, "", h.observationDeletePost)

	// 旁听列席 · 常态观摩.
	s.handle("GET", "/supervise/calendar", Readers, "", h.sitinCalendarPage)
	s.handle("GET", "/sitins", Readers, "", h.sitinsPage)
	s.handle("GET", "/meetings/{id}/sitins", LoggedIn, "", h.meetingSitinsPage)
	s.handle("POST", "/meetings/{id}/sitins", Readers, "", h.signUpPost)
	s.handle("POST", "/meetings/{id}/sitins/withdraw", Readers, "", h.withdrawPost)
	s.handle("POST", "/meetings/{id}/sitins/record", Readers, "", h.recordPost)
	s.handle("POST", "/sitins/{id}/problems", Readers, "", h.sitinProblemPost)

	// 选树典型: the 先锋二七 column.
	s.handle("GET", "/exemplars", LoggedIn, "", h.columnPage)
	s.handle("GET", "/exemplars/new", Readers, "", h.exemplarNewPage)
	s.handle("POST", "/exemplars", Readers, "", h.exemplarPost)
	s.handle("GET", "/exemplars/{id}", LoggedIn, "", h.exemplarPage)
	s.handle("POST", "/exemplars/{id}/publish", Readers, "", h.exemplarPublishPost)
	s.handle("GET", "/exemplars/feed.atom", Public, "", h.feed)

	// JSON API.
	s.handle("POST", "/api/v1/sitins", Readers, "旁听列席：{meeting_id} 报名旁听；带 scores（study、speak、review、followup 各 1–5 分）和 comments 则记录旁听评价", h.apiSitIn)
	s.handle("GET", "/api/v1/sitins", LoggedIn, "旁听记录：meeting=会议编号 查看该会议的旁听人员、评分和发现的问题（本单位可见）；不带 meeting 列出可见范围内的旁听记录", h.apiSitIns)
	s.handle("POST", "/api/v1/sitins/{id}/problems", Readers, "旁听发现问题：登记为该单位的整改（来源“旁听发现”）{problem, category, owner_id, measure, deadline}", h.apiSitInProblem)
	s.handle("GET", "/api/v1/sitins/calendar", Readers, "全区会议日历：未定稿的已安排会议及已报名的旁听人员（from=日期，days=天数，默认 14）", h.apiCalendar)
	s.handle("GET", "/api/v1/supervise/decisions", Readers, "周例会未办结的决定事项（含逾期标记，仅工作专班）", h.apiDecisions)
	s.handle("POST", "/api/v1/exemplars", Readers, "选树典型（仅工作专班）：{kind: meeting|speech|case, meeting_id 或 speech_id, title, citation, publish}", h.apiExemplar)
	s.handle("POST", "/api/v1/exemplars/{id}/publish", Readers, "典型发布到“先锋二七”专栏或撤下 {publish}", h.apiExemplarPublish)
	s.handle("GET", "/api/v1/exemplars", LoggedIn, "“先锋二七”专栏：已发布的典型（工作专班 drafts=1 含未发布）", h.apiExemplars)
	s.handle("GET", "/api/v1/exemplars/feed.atom", Public, "“先锋二七”专栏 Atom 1.0 订阅源（公开，供新媒体账号订阅；只含已发布到专栏的典型）", h.feed)

	s.registerSuperviseReports()
}

// superviseHandlers carries the supervise service beside the server, so
// the feature needs no field in Server.
type superviseHandlers struct {
	s  *Server
	sv *supervise.Service
}
