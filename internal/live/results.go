package live

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"xuejiangping/internal/contest"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// Results is a contest's outcome as the results page and the export show it,
// derived from the log alone.
type Results struct {
	C         Contest
	State     contest.State
	Standings []contest.Standing
	Questions []QuestionResult
	Buzzes    []BuzzRow
	Persons   []contest.PersonStanding // quiz
	Branches  []contest.BranchStanding // quiz
	QuizItems []QuizItem               // quiz: every question played
	Events    []contest.Event
}

// QuestionResult is one played question.
type QuestionResult struct {
	No       int
	Segment  string
	Text     string
	Answer   string
	Outcome  string
	Outcomes []contest.Outcome
}

// BuzzRow is one press, winners, losers and fouls alike.
type BuzzRow struct {
	Question string
	Team     string
	AfterMS  float64 // after the buzzers opened (negative: a foul while reading)
	Adjusted float64 // after compensation, ms after opening
	Late     bool
	Foul     bool
	Won      bool
}

// Results replays a contest's log.
func (s *Store) Results(ctx context.Context, id int64) (Results, error) {
	c, err := s.Get(ctx, id)
	if err != nil {
		return Results{}, err
	}
	evs, err := s.Events(ctx, id)
	if err != nil {
		return Results{}, err
	}
	res := Results{C: c, Events: evs}
	if c.Kind == "quiz" {
		cfg, err := s.QuizConfig(ctx, c)
		if err != nil {
			return res, err
		}
		z, err := contest.ReplayQuiz(cfg, evs)
		if err != nil {
			return res, asErr(err)
		}
		res.Persons, res.Branches = z.PersonStandings(), z.BranchStandings()
		res.QuizItems = quizItems(cfg, evs)
		return res, nil
	}
	cfg, err := c.MatchConfig()
	if err != nil {
		return res, err
	}
	if err := cfg.Validate(); err != nil {
		return res, nil // still in setup, nothing played
	}
	eng, err := contest.Restore(cfg, c.Seed, evs)
	if err != nil {
		return res, asErr(err)
	}
	res.State = eng.State()
	res.Standings = res.State.Standings()
	res.Questions = questionResults(eng.Config(), res.State)
	res.Buzzes = buzzRows(eng.Config(), evs)
	return res, nil
}

// QuizItem is one question of an online quiz as played: how many answered
// it and how many got it right.
type QuizItem struct {
	No       int
	Text     string
	Answer   string
	Answered int
	Correct  int
}

func quizItems(cfg contest.QuizConfig, evs []contest.Event) []QuizItem {
	var out []QuizItem
	open := false
	for _, ev := range evs {
		switch ev.Type {
		case contest.EvQuizClosed:
			open = false
		case contest.EvQuizOpened:
			q := cfg.Questions[ev.Index]
			open = true
			out = append(out, QuizItem{No: ev.Index + 1, Text: q.Text, Answer: q.Answer})
		case contest.EvQuizAnswered:
			if len(out) > 0 {
				out[len(out)-1].Answered++
				if ev.Verdict == contest.Correct {
					out[len(out)-1].Correct++
				}
			}
		}
	}
	if open {
		// The results page is public: a question still open keeps its
		// answer (and how many got it right) to itself.
		out[len(out)-1].Answer, out[len(out)-1].Correct = "", 0
	}
	return out
}

func teamName(cfg contest.Config, id string) string {
	for _, t := range cfg.Teams {
		if t.ID == id {
			return t.Name
		}
	}
	return id
}

func findQuestion(cfg contest.Config, id string) (contest.Question, string) {
	for _, s := range cfg.Segments {
		for _, q := range s.Questions {
			if q.ID == id {
				return q, s.Title
			}
		}
	}
	return contest.Question{ID: id}, ""
}

func questionResults(cfg contest.Config, st contest.State) []QuestionResult {
	var out []QuestionResult
	add := func(qid string, outs []contest.Outcome) {
		q, seg := findQuestion(cfg, qid)
		var parts []string
		for _, o := range outs {
			if o.Reversed {
				continue
			}
			parts = append(parts, fmt.Sprintf("%s %s %+d", teamName(cfg, o.Team), o.Verdict.Label(), o.Delta))
		}
		out = append(out, QuestionResult{No: len(out) + 1, Segment: seg, Text: q.Text, Answer: q.Answer, Outcome: strings.Join(parts, "；"), Outcomes: outs})
	}
	for _, d := range st.Done {
		add(d.Question, d.Outcomes)
	}
	if q := st.Question; q != nil && q.Phase == contest.PhaseScored && (len(st.Done) == 0 || st.Done[len(st.Done)-1].Question != q.Ref.ID) {
		add(q.Ref.ID, q.Outcomes)
	}
	return out
}

func buzzRows(cfg contest.Config, evs []contest.Event) []BuzzRow {
	var out []BuzzRow
	var qid string
	var opened time.Duration
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	for _, ev := range evs {
		switch ev.Type {
		case contest.EvQuestionShown:
			qid, opened = ev.Question, ev.At
		case contest.EvBuzzersOpened, contest.EvQuestionReopened, contest.EvBuzzReopened:
			opened = ev.At
		case contest.EvBuzzFoul:
			q, _ := findQuestion(cfg, qid)
			out = append(out, BuzzRow{Question: q.Text, Team: teamName(cfg, ev.Team), AfterMS: ms(ev.At - opened), Foul: true})
		case contest.EvBuzzPressed:
			q, _ := findQuestion(cfg, qid)
			out = append(out, BuzzRow{Question: q.Text, Team: teamName(cfg, ev.Team), AfterMS: ms(ev.At - opened), Adjusted: ms(ev.Adjusted - opened), Late: ev.Late})
		case contest.EvBuzzWon:
			for i := len(out) - 1; i >= 0; i-- {
				if out[i].Team == teamName(cfg, ev.Team) && !out[i].Foul {
					out[i].Won = true
					break
				}
			}
		}
	}
	return out
}

// StageMatch is one finished match counted in a stage.
type StageMatch struct {
	ID    int64
	Title string
	Round int
}

// Stage adds up the finished preliminaries of a series and applies the
// advancement rule (the best team of each branch, up to 6).
func (s *Store) Stage(ctx context.Context, series string) (contest.Advancement, []StageMatch, error) {
	all, err := s.List(ctx)
	if err != nil {
		return contest.Advancement{}, nil, err
	}
	var results []contest.MatchResult
	var matches []StageMatch
	for _, c := range all {
		if c.Series != series || c.Stage != "preliminary" || c.Status != string(contest.StatusFinished) || c.Kind != "match" {
			continue
		}
		r, err := s.Results(ctx, c.ID)
		if err != nil {
			return contest.Advancement{}, nil, err
		}
		// Team keys ("t1") are per match; across a series a team is its name.
		teams := r.State.Teams
		for i := range teams {
			teams[i].ID = teams[i].Name
		}
		results = append(results, contest.MatchResult{Match: fmt.Sprint(c.ID), Stage: c.Stage, Round: c.Round, Teams: teams})
		matches = append(matches, StageMatch{ID: c.ID, Title: c.Title, Round: c.Round})
	}
	if len(results) == 0 {
		return contest.Advancement{}, nil, nil
	}
	adv, err := contest.Advance(contest.StagePlan{PreliminaryRounds: 99}, results, 1)
	return adv, matches, asErr(err)
}

// ExportXLSX writes the results, every question and every buzz.
func ExportXLSX(r Results) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	write := func(sheet string, header []string, rows [][]any) error {
		if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
		all := append([][]any{toAny(header)}, rows...)
		for i, row := range all {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow(sheet, cell, &row); err != nil {
				return err
			}
		}
		return nil
	}
	var err error
	if r.C.Kind == "quiz" {
		var rows [][]any
		for _, p := range r.Persons {
			rows = append(rows, []any{p.Rank, p.Name, p.Unit, p.Answered, p.Correct, p.Base, p.Speed, p.Points, float64(p.Time.Milliseconds()) / 1000})
		}
		err = write(msg.T("live.export.sheet.persons"), []string{msg.T("live.export.col.rank"), msg.T("live.export.col.name"), msg.T("live.export.col.branch"), msg.T("live.export.col.answered"), msg.T("live.export.col.correct"), msg.T("live.export.col.base"), msg.T("live.export.col.speed"), msg.T("live.export.col.total"), msg.T("live.export.col.time")}, rows)
		rows = nil
		for _, b := range r.Branches {
			rows = append(rows, []any{b.Rank, b.Unit, b.Participants, b.Correct, b.Speed, b.Points, float64(b.Average) / 100})
		}
		if err == nil {
			err = write(msg.T("live.export.sheet.branches"), []string{msg.T("live.export.col.rank"), msg.T("live.export.col.branch"), msg.T("live.export.col.participants"), msg.T("live.export.col.correctCount"), msg.T("live.export.col.speed"), msg.T("live.export.col.total"), msg.T("live.export.col.average")}, rows)
		}
		rows = nil
		for _, q := range r.QuizItems {
			rows = append(rows, []any{q.No, q.Text, q.Answer, q.Answered, q.Correct})
		}
		if err == nil {
			err = write(msg.T("live.export.sheet.questions"), []string{msg.T("live.export.col.no"), msg.T("live.export.col.question"), msg.T("live.export.col.answer"), msg.T("live.export.col.answeredCount"), msg.T("live.export.col.correctPeople")}, rows)
		}
	} else {
		var rows [][]any
		for _, s := range r.Standings {
			rows = append(rows, []any{s.Rank, s.Name, s.Unit, s.Score, s.Compulsory, s.Buzzer, s.Risk, s.FoulPoints, s.Fouls, s.Correct, s.Wrong})
		}
		err = write(msg.T("live.export.sheet.standings"), []string{msg.T("live.export.col.rank"), msg.T("live.export.col.team"), msg.T("live.export.col.unit"), msg.T("live.export.col.total"), msg.T("live.export.col.compulsory"), msg.T("live.export.col.buzzer"), msg.T("live.export.col.risk"), msg.T("live.export.col.foulPoints"), msg.T("live.export.col.fouls"), msg.T("live.export.col.correct"), msg.T("live.export.col.wrong")}, rows)
		rows = nil
		for _, q := range r.Questions {
			rows = append(rows, []any{q.No, q.Segment, q.Text, q.Answer, q.Outcome})
		}
		if err == nil {
			err = write(msg.T("live.export.sheet.questions"), []string{msg.T("live.export.col.no"), msg.T("live.export.col.segment"), msg.T("live.export.col.question"), msg.T("live.export.col.answer"), msg.T("live.export.col.outcome")}, rows)
		}
		rows = nil
		for _, b := range r.Buzzes {
			rows = append(rows, []any{b.Question, b.Team, b.AfterMS, b.Adjusted, yes(b.Won), yes(b.Late), yes(b.Foul)})
		}
		if err == nil {
			err = write(msg.T("live.export.sheet.buzzes"), []string{msg.T("live.export.col.question"), msg.T("live.export.col.team"), msg.T("live.export.col.afterMS"), msg.T("live.export.col.adjustedMS"), msg.T("live.export.col.won"), msg.T("live.export.col.late"), msg.T("live.export.col.foul")}, rows)
		}
	}
	if err == nil {
		var rows [][]any
		for _, ev := range r.Events {
			if ev.Type == contest.EvQuizAnswered {
				continue // members' individual answers stay out of the shared file
			}
			b, _ := contest.EncodeEvent(ev)
			rows = append(rows, []any{ev.Seq, float64(ev.At.Microseconds()) / 1000, string(ev.Type), string(b)})
		}
		err = write(msg.T("live.export.sheet.events"), []string{msg.T("live.export.col.no"), msg.T("live.export.col.serverMS"), msg.T("live.export.col.event"), msg.T("live.export.col.content")}, rows)
	}
	if err != nil {
		return nil, errs.Wrap(err, "export contest")
	}
	_ = f.DeleteSheet("Sheet1")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, errs.Wrap(err, "export contest")
	}
	return buf.Bytes(), nil
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func yes(b bool) string {
	if b {
		return msg.T("live.export.yes")
	}
	return ""
}
