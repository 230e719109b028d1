package web

import (
	"context"

	"xuejiangping/internal/study"
)

// studyWeb holds the library service for the study handlers (the Server
// struct belongs to the foundation; each feature keeps its own service).
type studyWeb struct {
	*Server
	lib *study.Service
}

// registerStudy registers the study feature's pages and API routes. The
// feature's handlers live in files named study_*.go.
func (s *Server) registerStudy() {
	current := func(ctx context.Context) (string, error) {
		r, _, err := s.rounds.Current(ctx)
		return r.Key(), err
	}
	h := &studyWeb{Server: s, lib: study.NewService(s.db, current)}

	s.handle("GET", "/library", LoggedIn, "", h.libraryPage)
	s.handle("GET", "/library/new", Managers, "", h.materialNewPage)
	s.handle("POST", "/library", Managers, "", h.materialCreatePost)
	s.handle("GET", "/library/{id}", LoggedIn, "", h.materialPage)
	s.handle("GET", "/library/{id}/edit", Managers, "", h.materialEditPage)
	s.handle("POST", "/library/{id}", Managers, "", h.materialUpdatePost)
	s.handle("POST", "/library/{id}/read", LoggedIn, "", h.materialReadPost)
	s.handle("POST", "/library/{id}/attachments", Managers, "", h.attachPost)
	s.handle("GET", "/library/{id}/attachments/{fid}", LoggedIn, "", h.attachmentFile)
	s.handle("POST", "/library/{id}/attachments/{fid}/delete", Managers, "", h.detachPost)

	s.handle("GET", "/api/v1/materials", LoggedIn, "学习资料列表（category、tag、q 搜索、page 可选）", h.apiMaterials)
	s.handle("POST", "/api/v1/materials", Managers, "新增学习资料（管理员全区；书记本单位业务政策）", h.apiMaterialCreate)
	s.handle("GET", "/api/v1/materials/search", LoggedIn, "按标题和正文搜索学习资料（q 为中文关键词，无需空格分词）", h.apiMaterialSearch)
	s.handle("GET", "/api/v1/materials/unread", LoggedIn, "本人本轮待学（已布置、尚未标记已学）的资料", h.apiMaterialUnread)
	s.handle("GET", "/api/v1/materials/{id}", LoggedIn, "学习资料详情（正文为 Markdown，含附件列表和本人是否已学）", h.apiMaterialGet)
	s.handle("PATCH", "/api/v1/materials/{id}", Managers, "修改学习资料", h.apiMaterialUpdate)
	s.handle("POST", "/api/v1/materials/{id}/progress", LoggedIn, "标记本人已学习该资料 {read}（本人自主确认，不统计学习时长）", h.apiMaterialProgress)
	s.handle("POST", "/api/v1/materials/{id}/attachments", Managers, "上传附件（multipart 字段 file；PDF、DOCX、图片，10 MB 以内，按内容识别类型）", h.apiAttach)
}
