package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/org"
)

type orgNode = org.Org

func walkTree(roots []*org.Org, fn func(o *org.Org)) {
	for _, o := range roots {
		fn(o)
		walkTree(o.Children, fn)
	}
}

type orgTreePage struct {
	Page
	Rows      []*org.Org // depth-first, for an indented list
	Oversized int
	Units     int
	Members   int
}

func (s *Server) orgTreePage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	roots, err := s.org.Tree(r.Context(), p)
	if err != nil {
		return err
	}
	pg := orgTreePage{Page: s.page(r, p, "org.tree")}
	base := -1
	walkTree(roots, func(o *org.Org) {
		if base < 0 {
			base = o.Depth
		}
		pg.Rows = append(pg.Rows, o)
		pg.Members += o.Members
		if o.IsUnit() {
			pg.Units++
		}
		if o.Oversized() {
			pg.Oversized++
		}
	})
	for _, o := range pg.Rows {
		o.Depth -= base
	}
	return s.render(w, http.StatusOK, "orgs", pg)
}

type orgPage struct {
	Page
	Org        *org.Org
	Parent     *org.Org
	Children   []*org.Org
	Members    []*org.Member
	Subtree    bool
	CanAdmin   bool
	CanManage  bool
	ChildKinds []org.Kind
	Parents    []*org.Org // possible new parents, for the move form
}

func (s *Server) orgPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	o, err := s.org.Get(ctx, p, id)
	if err != nil {
		return err
	}
	pg := orgPage{Page: s.page(r, p, "org.tree"), Org: o, Subtree: r.URL.Query().Get("subtree") == "1"}
	pg.Title = o.Name
	pg.CanAdmin = p.Covers(o.Path, auth.Admin)
	pg.CanManage = p.Covers(o.Path, auth.Managers...)
	if o.ParentID != 0 {
		if parent, err := s.org.Get(ctx, p, o.ParentID); err == nil {
			pg.Parent = parent
		}
	}
	sub, err := s.org.Subtree(ctx, p, id)
	if err != nil {
		return err
	}
	for _, c := range sub {
		if c.ParentID == o.ID {
			pg.Children = append(pg.Children, c)
		}
	}
	if pg.Members, err = s.org.Members(ctx, p, id, pg.Subtree); err != nil {
		return err
	}
	switch o.Kind {
	case org.District, org.Committee:
		pg.ChildKinds = []org.Kind{org.Committee, org.Branch}
	case org.Branch:
		pg.ChildKinds = []org.Kind{org.Group}
	}
	if pg.CanAdmin && o.Kind != org.District {
		roots, err := s.org.Tree(ctx, p)
		if err != nil {
			return err
		}
		walkTree(roots, func(c *org.Org) {
			if c.Kind != org.Group && !strings.HasPrefix(c.Path, o.Path) && c.ID != o.ParentID {
				pg.Parents = append(pg.Parents, c)
			}
		})
	}
	return s.render(w, http.StatusOK, "org", pg)
}

func formInt(r *http.Request, name string) (int64, error) {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, errs.E(errs.Invalid, "bad_number", msg.T("form.notInteger", v))
	}
	return n, nil
}

func (s *Server) orgCreatePost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	parent, err := formInt(r, "parent_id")
	if err != nil {
		return err
	}
	sort, err := formInt(r, "sort")
	if err != nil {
		return err
	}
	o, err := s.org.Create(r.Context(), p, org.NewOrg{ParentID: parent, Name: r.PostFormValue("name"), Kind: org.Kind(r.PostFormValue("kind")), Sort: int(sort)})
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/orgs/%d", o.ID), msg.T("org.created", o.Name))
	return nil
}

func (s *Server) orgUpdatePost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var patch org.OrgPatch
	if v := r.PostFormValue("name"); v != "" {
		patch.Name = &v
	}
	if r.PostFormValue("sort") != "" {
		n, err := formInt(r, "sort")
		if err != nil {
			return err
		}
		sort := int(n)
		patch.Sort = &sort
	}
	if r.PostFormValue("parent_id") != "" {
		n, err := formInt(r, "parent_id")
		if err != nil {
			return err
		}
		patch.ParentID = &n
	}
	if _, err := s.org.Update(r.Context(), p, id, patch); err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/orgs/%d", id), msg.T("common.saved"))
	return nil
}

func (s *Server) orgDeletePost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	o, err := s.org.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	if err := s.org.Delete(r.Context(), p, id); err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/orgs/%d", o.ParentID), msg.T("org.deleted", o.Name))
	return nil
}

func (s *Server) orgSplitPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := formInt(r, "groups")
	if err != nil {
		return err
	}
	created, err := s.org.Split(r.Context(), p, id, int(n))
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/orgs/%d", id), msg.T("org.splitDone", len(created)))
	return nil
}

func (s *Server) rosterExport(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, name, err := s.org.ExportRoster(r.Context(), p, id)
	if err != nil {
		return err
	}
	sendFile(w, name, b)
	return nil
}

// sendFile sends a spreadsheet as a download, with the UTF-8 file name
// encoded per RFC 6266 so that Chinese names survive.
func sendFile(w http.ResponseWriter, name string, b []byte) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=\"export.xlsx\"; filename*=UTF-8''"+urlPathEscape(name))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}

// flatten lists a forest depth-first.
func flatten(roots []*org.Org) []*org.Org {
	var out []*org.Org
	walkTree(roots, func(o *org.Org) { out = append(out, o) })
	return out
}
