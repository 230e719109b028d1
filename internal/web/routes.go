package web

import (
	"net/http"
	"strconv"

	"xuejiangping/internal/errs"
)

// registerRoutes is the whole map of the application: every page, form
// action and API endpoint, with the gate each one passes first.
func (s *Server) registerRoutes() {
	s.mux.HandleFunc("GET /static/{hash}/{name}", s.serveStatic)
	s.handle("GET", "/healthz", Public, "健康检查", s.healthz)
	s.handle("GET", "/metrics", Public, "Prometheus 指标", s.metricsPage)

	// Pages and forms.
	s.handle("GET", "/login", Public, "", s.loginPage)
	s.handle("POST", "/login", Public, "", s.loginPost)
	s.handle("POST", "/logout", LoggedIn, "", s.logoutPost)
	s.handle("GET", "/password", LoggedIn, "", s.passwordPage)
	s.handle("POST", "/password", LoggedIn, "", s.passwordPost)
	s.handle("GET", "/{$}", LoggedIn, "", s.homePage)
	s.handle("GET", "/orgs", Readers, "", s.orgTreePage)
	s.handle("POST", "/orgs", AdminG, "", s.orgCreatePost)
	s.handle("GET", "/orgs/{id}", Readers, "", s.orgPage)
	s.handle("POST", "/orgs/{id}", AdminG, "", s.orgUpdatePost)
	s.handle("POST", "/orgs/{id}/delete", AdminG, "", s.orgDeletePost)
	s.handle("POST", "/orgs/{id}/split", AdminG, "", s.orgSplitPost)
	s.handle("GET", "/orgs/{id}/roster.xlsx", Managers, "", s.rosterExport)
	s.handle("GET", "/members/new", Managers, "", s.memberNewPage)
	s.handle("POST", "/members", Managers, "", s.memberCreatePost)
	s.handle("GET", "/members/{id}", LoggedIn, "", s.memberPage)
	s.handle("GET", "/members/{id}/edit", Managers, "", s.memberEditPage)
	s.handle("POST", "/members/{id}", Managers, "", s.memberUpdatePost)
	s.handle("POST", "/members/{id}/account", Managers, "", s.memberAccountPost)
	s.handle("GET", "/import", Managers, "", s.importPage)
	s.handle("GET", "/import/template.xlsx", Managers, "", s.importTemplate)
	s.handle("POST", "/import", Managers, "", s.importPreviewPost)
	s.handle("POST", "/import/confirm", Managers, "", s.importConfirmPost)
	s.handle("GET", "/roles", AdminG, "", s.rolesPage)
	s.handle("POST", "/roles", AdminG, "", s.roleGrantPost)
	s.handle("POST", "/roles/{id}/delete", AdminG, "", s.roleRevokePost)
	s.handle("POST", "/users/{id}/unlock", AdminG, "", s.userUnlockPost)
	s.handle("GET", "/audit", AuditorG, "", s.auditPage)
	s.handle("GET", "/feedback", LoggedIn, "", s.feedbackPage)
	s.handle("POST", "/feedback", LoggedIn, "", s.feedbackPost)
	s.handle("GET", "/feedback/all", AdminG, "", s.feedbackAllPage)
	s.handle("POST", "/feedback/{id}/answer", AdminG, "", s.feedbackAnswerPost)

	// JSON API.
	s.handle("GET", "/api/v1/openapi.json", Public, "本 API 的 OpenAPI 文档", s.openapi)
	s.handle("POST", "/api/v1/session", Public, "登录：用户名（或手机号）和密码，成功后设置会话 Cookie", s.apiLogin)
	s.handle("DELETE", "/api/v1/session", LoggedIn, "退出登录", s.apiLogout)
	s.handle("GET", "/api/v1/me", LoggedIn, "当前用户及其角色", s.apiMe)
	s.handle("POST", "/api/v1/me/password", LoggedIn, "修改本人密码", s.apiPassword)
	s.handle("GET", "/api/v1/orgs", Readers, "可见范围内的组织树", s.apiOrgTree)
	s.handle("POST", "/api/v1/orgs", AdminG, "新增组织", s.apiOrgCreate)
	s.handle("GET", "/api/v1/orgs/{id}", Readers, "组织详情", s.apiOrgGet)
	s.handle("PATCH", "/api/v1/orgs/{id}", AdminG, "修改组织（名称、排序、上级）", s.apiOrgPatch)
	s.handle("DELETE", "/api/v1/orgs/{id}", AdminG, "删除空组织", s.apiOrgDelete)
	s.handle("POST", "/api/v1/orgs/{id}/split", AdminG, "把超过 10 人的活动单元拆分为党小组", s.apiOrgSplit)
	s.handle("GET", "/api/v1/orgs/{id}/members", Readers, "组织的党员（subtree=1 含下级）", s.apiOrgMembers)
	s.handle("GET", "/api/v1/orgs/{id}/roster.xlsx", Managers, "导出名册 .xlsx", s.rosterExport)
	s.handle("POST", "/api/v1/members", Managers, "新增党员", s.apiMemberCreate)
	s.handle("GET", "/api/v1/members/{id}", LoggedIn, "党员详情", s.apiMemberGet)
	s.handle("PATCH", "/api/v1/members/{id}", Managers, "修改党员信息", s.apiMemberPatch)
	s.handle("POST", "/api/v1/members/import", Managers, "导入名册（multipart 文件字段 file；dry_run=1 只检查）", s.apiImport)
	s.handle("GET", "/api/v1/members/import/template.xlsx", Managers, "下载名册导入模板", s.importTemplate)
	s.handle("GET", "/api/v1/users", AdminG, "账号及其角色", s.apiUsers)
	s.handle("POST", "/api/v1/users/{id}/roles", AdminG, "授予角色", s.apiGrant)
	s.handle("DELETE", "/api/v1/roles/{id}", AdminG, "撤销角色", s.apiRevoke)
	s.handle("POST", "/api/v1/members/{id}/account", Managers, "为党员开通登录账号", s.apiMemberAccount)
	s.handle("GET", "/api/v1/audit", AuditorG, "审计日志（actor、action、from、to 筛选）", s.apiAudit)
	s.handle("GET", "/api/v1/feedback", LoggedIn, "本人提交的投诉建议（管理员 all=1 查看全部）", s.apiFeedbackList)
	s.handle("POST", "/api/v1/feedback", LoggedIn, "提交投诉建议", s.apiFeedbackSend)
	s.handle("POST", "/api/v1/feedback/{id}/answer", AdminG, "答复投诉建议", s.apiFeedbackAnswer)
}

// pathID reads a numeric path value; anything else is "not found".
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFoundf("记录")
	}
	return id, nil
}
