package web

import (
	"net/http"
	"strconv"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/study"
)

func libraryFilter(r *http.Request) study.Filter {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	per, _ := strconv.Atoi(q.Get("per_page"))
	return study.Filter{Category: q.Get("category"), Tag: q.Get("tag"), Query: q.Get("q"), Page: page, PerPage: per}
}

func (h *studyWeb) apiMaterials(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	res, err := h.lib.List(r.Context(), p, libraryFilter(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (h *studyWeb) apiMaterialSearch(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.apiMaterials(w, r, p)
}

func (h *studyWeb) apiMaterialUnread(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	list, err := h.lib.Unread(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": list})
	return nil
}

func (h *studyWeb) apiMaterialCreate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in study.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	id, err := h.lib.Create(r.Context(), p, in)
	if err != nil {
		return err
	}
	m, err := h.lib.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, m)
	return nil
}

func (h *studyWeb) apiMaterialGet(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := h.lib.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (h *studyWeb) apiMaterialUpdate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in study.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := h.lib.Update(r.Context(), p, id, in); err != nil {
		return err
	}
	return h.apiMaterialGet(w, r, p)
}

// apiMaterialProgress takes {"read": true|false}; an empty body means read.
func (h *studyWeb) apiMaterialProgress(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in := struct {
		Read *bool `json:"read"`
	}{}
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
	}
	read := in.Read == nil || *in.Read
	if err := h.lib.MarkRead(r.Context(), p, id, read); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"material_id": id, "read": read})
	return nil
}

func (h *studyWeb) apiAttach(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	name, data, err := uploadedFile(w, r)
	if err != nil {
		return err
	}
	fid, err := h.lib.Attach(r.Context(), p, id, name, data)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": fid, "material_id": id})
	return nil
}
