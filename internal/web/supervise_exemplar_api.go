package web

import (
	"net/http"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/supervise"
)

func (h *superviseHandlers) apiExemplar(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in supervise.ExemplarInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	id, err := h.sv.MarkExemplar(r.Context(), p, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": id})
	return nil
}

func (h *superviseHandlers) apiExemplarPublish(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Publish bool `json:"publish"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := h.sv.SetPublished(r.Context(), p, id, in.Publish); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *superviseHandlers) apiExemplars(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	list, err := h.sv.Column(r.Context(), p, r.URL.Query().Get("drafts") == "1")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"exemplars": svList(list)})
	return nil
}
