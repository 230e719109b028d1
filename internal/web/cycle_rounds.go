package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/round"
	"xuejiangping/internal/study"
)

type roundRow struct {
	Key     string
	Label   string
	Due     string
	Window  string
	Current bool
}

type roundsPage struct {
	Page
	Rounds    []roundRow
	Start     string
	Tolerance int
	IsAdmin   bool
}

func toRow(r round.Round, cur string) roundRow {
	return roundRow{Key: r.Key(), Label: r.Label(), Due: r.Due.String(),
		Window: msg.T("round.windowRange", r.FirstDay().String(), r.LastDay().String()), Current: r.Key() == cur}
}

func (s *Server) roundsPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	rs, err := s.rounds.Rounds(ctx, 0)
	if err != nil {
		return err
	}
	cur, cal, err := s.rounds.Current(ctx)
	if err != nil {
		return err
	}
	pg := roundsPage{Page: s.page(r, p, "round.title"), Start: cal.Start.String(), Tolerance: cal.Tolerance, IsAdmin: p.Has(auth.Admin)}
	for _, x := range rs {
		pg.Rounds = append(pg.Rounds, toRow(x, cur.Key()))
	}
	return s.render(w, http.StatusOK, "rounds", pg)
}

func (s *Server) calendarPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	tol, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("tolerance")))
	if err != nil {
		return errs.E(errs.Invalid, "bad_tolerance", msg.T("round.badGrace"))
	}
	if err := s.rounds.SetCalendar(r.Context(), p, r.PostFormValue("start"), tol); err != nil {
		return err
	}
	redirect(w, r, "/rounds", msg.T("round.saved"))
	return nil
}

type compliancePage struct {
	Page
	Round   roundRow
	Units   []round.UnitStatus
	Counts  []statusCount
	OrgID   int64
	Filter  string
	Notices []round.Notice
	Total   int    // units matching the filter
	PageNo  int    // 1-based
	Pages   int    // at least 1
	Prev    string // pager links ("" when there is none)
	Next    string
}

// compliancePageSize bounds one page of the list: a district has about a
// thousand units, and a phone should not receive them all at once.
const compliancePageSize = 200

type statusCount struct {
	Status round.Status
	Label  string
	N      int
}

func (s *Server) compliancePage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	key := r.PathValue("key")
	rd, _, err := s.rounds.ByKey(ctx, key)
	if err != nil {
		return errs.NotFoundf(msg.T("noun.round"))
	}
	orgID, _ := parseInt64(r.URL.Query().Get("org"))
	units, err := s.rounds.Compliance(ctx, p, key, orgID)
	if err != nil {
		return err
	}
	cur, _, _ := s.rounds.Current(ctx)
	pg := compliancePage{Page: s.page(r, p, "round.compliance"), Round: toRow(rd, cur.Key()), OrgID: orgID, Filter: r.URL.Query().Get("status")}
	pg.Title = rd.Label() + " · " + pg.Title
	sum := round.Summary(units)
	for _, st := range round.Statuses() {
		pg.Counts = append(pg.Counts, statusCount{st, st.Label(), sum[st]})
	}
	var match []round.UnitStatus
	for _, u := range units {
		if pg.Filter == "" || string(u.Status) == pg.Filter {
			match = append(match, u)
		}
	}
	pg.Total = len(match)
	pg.Pages = max(1, (pg.Total+compliancePageSize-1)/compliancePageSize)
	pg.PageNo = 1
	if n, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && n >= 1 && n <= pg.Pages {
		pg.PageNo = n
	}
	from := (pg.PageNo - 1) * compliancePageSize
	pg.Units = match[from:min(from+compliancePageSize, len(match))]
	q := url.Values{}
	if pg.Filter != "" {
		q.Set("status", pg.Filter)
	}
	if orgID != 0 {
		q.Set("org", strconv.FormatInt(orgID, 10))
	}
	link := func(n int) string {
		q.Set("page", strconv.Itoa(n))
		return "?" + q.Encode()
	}
	if pg.PageNo > 1 {
		pg.Prev = link(pg.PageNo - 1)
	}
	if pg.PageNo < pg.Pages {
		pg.Next = link(pg.PageNo + 1)
	}
	if pg.Notices, err = s.rounds.Notices(ctx, p, key); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "compliance", pg)
}

type noticesPage struct {
	Page
	Notices    []round.Notice
	IsAdmin    bool
	Rounds     []roundRow
	Kinds      []kindOpt
	Categories []study.Category
}

type kindOpt struct{ Code, Label string }

func (s *Server) noticesPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	ns, err := s.rounds.Notices(ctx, p, "")
	if err != nil {
		return err
	}
	pg := noticesPage{Page: s.page(r, p, "notice.title"), Notices: ns, IsAdmin: p.Has(auth.Admin), Categories: study.Categories()}
	if pg.IsAdmin {
		rs, err := s.rounds.Rounds(ctx, 0)
		if err != nil {
			return err
		}
		cur, cal, _ := s.rounds.Current(ctx)
		next := round.Next(cal, cur)
		pg.Rounds = append(pg.Rounds, toRow(next, cur.Key()))
		for _, x := range rs {
			pg.Rounds = append(pg.Rounds, toRow(x, cur.Key()))
		}
		for _, k := range round.NoticeKinds {
			pg.Kinds = append(pg.Kinds, kindOpt{k, round.NoticeKindLabel(k)})
		}
	}
	return s.render(w, http.StatusOK, "notices", pg)
}

func (s *Server) noticeCreatePost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := r.ParseForm(); err != nil {
		return errs.E(errs.Invalid, "bad_form", msg.T("form.unreadable"))
	}
	in := round.NoticeInput{RoundKey: r.PostFormValue("round_key"), Kind: r.PostFormValue("kind"), Title: r.PostFormValue("title"),
		Body: r.PostFormValue("body"), Categories: r.PostForm["categories"], Materials: strings.Split(r.PostFormValue("materials"), "\n")}
	id, err := s.rounds.Publish(r.Context(), p, in)
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/notices/%d", id), msg.T("notice.published"))
	return nil
}

type noticePage struct {
	Page
	N         round.Notice
	CanRead   bool
	Receipts  []round.Receipt
	Unread    int
	RoundName string
}

func (s *Server) noticePage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := s.rounds.GetNotice(ctx, p, id)
	if err != nil {
		return err
	}
	pg := noticePage{Page: s.page(r, p, "notice.title"), N: n, CanRead: p.Has(auth.Secretary, auth.GroupLeader, auth.Leader)}
	pg.Title = n.Title
	if rd, _, err := s.rounds.ByKey(ctx, n.RoundKey); err == nil {
		pg.RoundName = rd.Label()
	}
	if p.Has(auth.Admin, auth.TaskForce) {
		if pg.Receipts, err = s.rounds.Receipts(ctx, p, id); err != nil && errs.KindOf(err) != errs.Forbidden {
			return err
		}
		for _, rc := range pg.Receipts {
			if !rc.Read {
				pg.Unread++
			}
		}
	}
	return s.render(w, http.StatusOK, "notice", pg)
}

func (s *Server) noticeReadPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.rounds.MarkRead(r.Context(), p, id); err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/notices/%d", id), msg.T("notice.confirmed"))
	return nil
}

type postponementsPage struct {
	Page
	Items   []round.PostponementRequest
	IsAdmin bool
	Units   []unitOpt
	Rounds  []roundRow
}

type unitOpt struct {
	ID   int64
	Name string
}

func (s *Server) postponementsPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	items, err := s.rounds.Postponements(ctx, p)
	if err != nil {
		return err
	}
	pg := postponementsPage{Page: s.page(r, p, "postpone.title"), Items: items, IsAdmin: p.Has(auth.Admin)}
	if pg.Units, err = s.ledUnits(r, p); err != nil {
		return err
	}
	cur, cal, err := s.rounds.Current(ctx)
	if err != nil {
		return err
	}
	pg.Rounds = []roundRow{toRow(cur, cur.Key()), toRow(round.Next(cal, cur), cur.Key())}
	return s.render(w, http.StatusOK, "postponements", pg)
}

// ledUnits lists the activity units the principal leads (secretary, group
// leader, or admin), for plan and request forms.
func (s *Server) ledUnits(r *http.Request, p *auth.Principal) ([]unitOpt, error) {
	roots, err := s.org.Tree(r.Context(), p)
	if err != nil {
		if errs.KindOf(err) == errs.Forbidden {
			return nil, nil
		}
		return nil, err
	}
	var out []unitOpt
	for _, o := range flatten(roots) {
		if o.IsUnit() && p.Covers(o.Path, auth.Admin, auth.Secretary, auth.GroupLeader) {
			out = append(out, unitOpt{o.ID, o.Name})
		}
	}
	return out, nil
}

func (s *Server) postponementPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	unit, err := formInt(r, "org_id")
	if err != nil {
		return err
	}
	if err := s.rounds.RequestPostponement(r.Context(), p, unit, r.PostFormValue("round_key"), r.PostFormValue("reason"), r.PostFormValue("new_date")); err != nil {
		return err
	}
	redirect(w, r, "/postponements", msg.T("postpone.submitted"))
	return nil
}

func (s *Server) postponementDecidePost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	approve := r.PostFormValue("decision") == "approve"
	if err := s.rounds.DecidePostponement(r.Context(), p, id, approve); err != nil {
		return err
	}
	redirect(w, r, "/postponements", msg.T("postpone.decided"))
	return nil
}
