package web

import (
	"xuejiangping/internal/report"
)

// registerSuperviseReports registers the dashboards (例会研判), bulletins
// (督导通报), work briefs (工作简报) and the similar-speech list. It is called
// at the end of registerSupervise. The handlers live in
// supervise_report_*.go; the rules and the scope checks in internal/report.
func (s *Server) registerSuperviseReports() {
	h := &reportHandlers{s: s, rep: report.NewService(s.db, s.rounds)}
	// Pages.
	s.handle("GET", "/supervise/dashboard", Readers, "", h.dashboardPage)
	s.handle("GET", "/supervise/dashboard/export.xlsx", Readers, "", h.dashboardXlsx)
	s.handle("POST", "/supervise/dashboard/rebuild", AdminG, "", h.rebuildPost)
	s.handle("GET", "/supervise/bulletins", Readers, "", h.bulletinsPage)
	s.handle("POST", "/supervise/bulletins", AdminG, "", h.bulletinDraftPost)
	s.handle("GET", "/supervise/bulletins/{id}", Readers, "", h.bulletinPage)
	s.handle("POST", "/supervise/bulletins/{id}", AdminG, "", h.bulletinEditPost)
	s.handle("POST", "/supervise/bulletins/{id}/publish", AdminG, "", h.bulletinPublishPost)
	s.handle("POST", "/supervise/bulletins/{id}/ack", Readers, "", h.bulletinAckPost)
	s.handle("GET", "/supervise/briefs", Readers, "", h.briefsPage)
	s.handle("POST", "/supervise/briefs", Readers, "", h.briefDraftPost)
	s.handle("GET", "/supervise/briefs/{id}", Readers, "", h.briefPage)
	s.handle("POST", "/supervise/briefs/{id}", Readers, "", h.briefEditPost)
	s.handle("POST", "/supervise/briefs/{id}/publish", Readers, "", h.briefPublishPost)
	s.handle("GET", "/supervise/briefs/{id}/print", Readers, "", h.briefPrintPage)
	s.handle("GET", "/supervise/briefs/{id}/docx", Readers, "", h.briefDocx)
	s.handle("GET", "/supervise/similar", Readers, "", h.similarPage)
	s.handle("POST", "/supervise/similar/threshold", AdminG, "", h.thresholdPost)
	// JSON API.
	s.handle("GET", "/api/v1/dashboard", Readers, "例会研判看板：某轮次（round，默认本轮）某组织（org，默认本人范围顶层）的开展、出勤、自学、发言、点评、整改、通知阅读、旁听评分与测试参与情况，含下级明细、比学赶帮超排名与各轮趋势", h.dashboardAPI)
	s.handle("POST", "/api/v1/bulletins/draft", AdminG, "按轮次（round）从数据生成督导通报草稿：表扬单位、点名单位（附数据）与疑似雷同发言", h.bulletinDraftAPI)
	s.handle("GET", "/api/v1/bulletins/{id}", Readers, "读取督导通报及各点名单位的确认反馈情况", h.bulletinAPI)
	s.handle("POST", "/api/v1/bulletins/{id}/publish", AdminG, "印发督导通报草稿", h.bulletinPublishAPI)
	s.handle("POST", "/api/v1/bulletins/{id}/ack", Readers, "被点名单位书记确认通报并反馈整改措施（org_id、answer）", h.bulletinAckAPI)
	s.handle("POST", "/api/v1/briefs/draft", Readers, "从期间数据生成一期工作简报草稿（from、to 为轮次，issuer 为编发单位），自动编期号", h.briefDraftAPI)
	s.handle("GET", "/api/v1/briefs/{file}", Readers, "读取工作简报：{id} 返回 JSON，{id}.docx 下载 Word 文档", h.briefAPI)
	s.handle("GET", "/api/v1/similar-speeches", Readers, "疑似雷同发言：某轮次（round）中相似度达到阈值（threshold，默认取设置 similar.threshold）的发言对", h.similarAPI)
}
