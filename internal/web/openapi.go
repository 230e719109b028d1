package web

import (
	"net/http"
	"regexp"
	"strings"

	"xuejiangping/internal/auth"
)

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// openapi describes every registered API route. It is built from the route
// table, so the document cannot forget a route; each route's summary is
// written where the route is registered, and a route without one fails the
// test that reads this document.
func (s *Server) openapi(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	writeJSON(w, http.StatusOK, s.OpenAPI())
	return nil
}

// OpenAPI returns the document as a value (for tests).
func (s *Server) OpenAPI() map[string]any {
	paths := map[string]map[string]any{}
	for _, rt := range s.routes {
		if !rt.API {
			continue
		}
		op := map[string]any{
			"summary":     rt.Summary,
			"operationId": strings.ToLower(rt.Method) + strings.ReplaceAll(pathParam.ReplaceAllString(rt.Path, "by_$1"), "/", "_"),
			"x-access":    string(rt.Gate),
			"responses": map[string]any{
				"200":     map[string]any{"description": "成功"},
				"default": map[string]any{"description": "错误", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}},
			},
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "integer"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.Gate != Public {
			op["security"] = []any{map[string]any{"cookie": []any{}}}
		}
		if paths[rt.Path] == nil {
			paths[rt.Path] = map[string]any{}
		}
		paths[rt.Path][strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info":    map[string]any{"title": "学讲评平台 API", "version": "1"},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"cookie": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie}},
			"schemas": map[string]any{"Error": map[string]any{"type": "object", "properties": map[string]any{
				"error": map[string]any{"type": "object", "properties": map[string]any{
					"code": map[string]any{"type": "string"}, "message": map[string]any{"type": "string", "description": "中文说明"},
				}},
			}}},
		},
	}
}
