package quiz

import (
	"strings"
)

// View is a question as the bank's manager sees it, answer included, in the
// spreadsheet's notation.
type View struct {
	ID          int64    `json:"id"`
	Type        Type     `json:"type"`
	TypeLabel   string   `json:"type_label"`
	Stem        string   `json:"stem"`
	Options     []string `json:"options,omitempty"`
	Answer      string   `json:"answer"`
	Explanation string   `json:"explanation,omitempty"`
	Tags        []string `json:"tags"`
	Difficulty  int      `json:"difficulty"`
	MaterialID  *int64   `json:"material_id,omitempty"`
}

// ViewOf is the manager's view of q.
func ViewOf(q Question) View {
	return View{ID: q.ID, Type: q.Type, TypeLabel: q.Type.Label(), Stem: q.Stem, Options: q.Options,
		Answer: AnswerCell(q), Explanation: q.Explanation, Tags: q.Tags, Difficulty: q.Difficulty, MaterialID: q.MaterialID}
}

// Shown is a question as one person sees it in a practice session or an
// exam: options in their shuffled order. The answer fields are filled only
// once the question has been answered (practice) or results are released.
type Shown struct {
	No         int      `json:"no"`
	ID         int64    `json:"id"`
	Type       Type     `json:"type"`
	TypeLabel  string   `json:"type_label"`
	Stem       string   `json:"stem"`
	Options    []Option `json:"options,omitempty"`
	BlankCount int      `json:"blank_count,omitempty"`
	Tags       []string `json:"tags"`
	// After answering:
	Answered    bool     `json:"answered"`
	Correct     bool     `json:"correct,omitempty"`
	Score       float64  `json:"score,omitempty"`
	Pending     bool     `json:"pending,omitempty"` // a short answer waiting for a person
	Response    Response `json:"response"`
	YourAnswer  string   `json:"your_answer,omitempty"`
	RightAnswer string   `json:"right_answer,omitempty"` // in the letters this person saw
	Explanation string   `json:"explanation,omitempty"`
	Blanks      []int    `json:"-"` // 0…BlankCount-1, for templates
}

// Option is one shown option with its letter.
type Option struct {
	Letter string `json:"letter"`
	Text   string `json:"text"`
	Picked bool   `json:"picked,omitempty"`
}

// show builds the view of q under mapping m, without the answer.
func show(no int, q Question, m Mapping) Shown {
	pq := Public(q)
	if m != nil {
		for shown, canon := range m {
			pq.Options[shown] = q.Options[canon]
		}
	}
	s := Shown{No: no, ID: q.ID, Type: q.Type, TypeLabel: q.Type.Label(), Stem: q.Stem, BlankCount: pq.BlankCount, Tags: pq.Tags}
	for i, o := range pq.Options {
		s.Options = append(s.Options, Option{Letter: Letter(i), Text: o})
	}
	for i := range pq.BlankCount {
		s.Blanks = append(s.Blanks, i)
	}
	return s
}

// publicOf is the PublicQuestion as shown, for CheckResponse.
func publicOf(q Question, m Mapping) PublicQuestion {
	pq := Public(q)
	if m != nil {
		for shown, canon := range m {
			pq.Options[shown] = q.Options[canon]
		}
	}
	return pq
}

// reveal fills the answer side of s for response r and result res.
func (s *Shown) reveal(q Question, m Mapping, r Response, res Result) {
	s.Answered, s.Correct, s.Score, s.Pending = true, res.Correct, res.Score, res.NeedsManual
	s.Response = r
	s.YourAnswer = responseText(q.Type, r)
	s.Explanation = q.Explanation
	picked := map[string]bool{}
	for _, l := range r.Letters {
		picked[strings.ToUpper(l)] = true
	}
	for i := range s.Options {
		s.Options[i].Picked = picked[s.Options[i].Letter]
	}
	switch q.Type {
	case Single, Multiple:
		var ls []string
		for _, c := range q.Answer.Letters {
			if l, ok := m.ShownLetter(c); ok {
				ls = append(ls, l)
			}
		}
		slicesSort(ls)
		s.RightAnswer = strings.Join(ls, "")
	default:
		s.RightAnswer = AnswerCell(q)
	}
}

func slicesSort(ls []string) {
	for i := 1; i < len(ls); i++ {
		for j := i; j > 0 && ls[j] < ls[j-1]; j-- {
			ls[j], ls[j-1] = ls[j-1], ls[j]
		}
	}
}

// responseText shows a response the way answers are written.
func responseText(t Type, r Response) string {
	switch t {
	case Single, Multiple:
		ls := append([]string(nil), r.Letters...)
		slicesSort(ls)
		return strings.Join(ls, "")
	case TrueFalse:
		if r.Truth == nil {
			return ""
		}
		return TruthLabel(*r.Truth)
	case Blank:
		return strings.Join(r.Blanks, "；")
	}
	return r.Text
}

// Empty reports a response that answers nothing.
func (r Response) Empty() bool {
	if r.Truth != nil || strings.TrimSpace(r.Text) != "" {
		return false
	}
	for _, l := range r.Letters {
		if strings.TrimSpace(l) != "" {
			return false
		}
	}
	for _, b := range r.Blanks {
		if strings.TrimSpace(b) != "" {
			return false
		}
	}
	return true
}
