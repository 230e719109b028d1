package study

import (
	"strings"
	"time"
	"unicode/utf8"

	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// Material is one item of the library.
type Material struct {
	ID          int64        `json:"id"`
	Title       string       `json:"title"`
	Source      string       `json:"source"`
	PublishedOn string       `json:"published_on"` // YYYY-MM-DD
	Category    Category     `json:"category"`
	CatLabel    string       `json:"category_label"`
	Body        string       `json:"body,omitempty"` // Markdown
	Tags        []string     `json:"tags"`
	OrgID       int64        `json:"org_id,omitempty"` // 0: district-wide
	OrgName     string       `json:"org_name,omitempty"`
	Read        bool         `json:"read"`
	ReadAt      *time.Time   `json:"read_at,omitempty"`
	Files       []Attachment `json:"attachments,omitempty"`
	CanEdit     bool         `json:"can_edit"`
	Score       int          `json:"score,omitempty"` // search rank, higher first
	UpdatedAt   time.Time    `json:"updated_at"`
	orgPath     string
}

// DistrictWide reports whether the material is for the whole district.
func (m *Material) DistrictWide() bool { return m.OrgID == 0 }

// Input is a new or changed material.
type Input struct {
	Title       string   `json:"title"`
	Source      string   `json:"source"`
	PublishedOn string   `json:"published_on"`
	Category    string   `json:"category"`
	Body        string   `json:"body"`
	Tags        []string `json:"tags"`
	OrgID       int64    `json:"org_id"` // 0: district-wide (admin); else a unit's business policy
}

// Limits of a material's fields.
const (
	MaxTitleRunes  = 120
	MaxSourceRunes = 120
	MaxBodyRunes   = 100000
	MaxTags        = 10
	MaxTagRunes    = 20
)

// SplitTags reads tags typed in one box, separated by commas (either
// width), the enumeration comma or spaces.
func SplitTags(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == ' ' || r == '\u3000' || r == '\n' || r == '\t'
	})
}

// check trims and validates the input, returning the category and the
// cleaned, de-duplicated tags; every bad field is reported at once.
func (in *Input) check() (Category, []string, error) {
	in.Title, in.Source = strings.TrimSpace(in.Title), strings.TrimSpace(in.Source)
	in.PublishedOn, in.Body = strings.TrimSpace(in.PublishedOn), strings.TrimSpace(in.Body)
	var fe []errs.FieldError
	add := func(f, r string) { fe = append(fe, errs.FieldError{Field: f, Reason: r}) }
	if in.Title == "" || utf8.RuneCountInString(in.Title) > MaxTitleRunes {
		add("title", msg.T("study.material.badTitle"))
	}
	if utf8.RuneCountInString(in.Source) > MaxSourceRunes {
		add("source", msg.T("study.material.sourceTooLong"))
	}
	if _, err := time.Parse("2006-01-02", in.PublishedOn); err != nil {
		add("published_on", msg.T("study.material.badDate"))
	}
	cat, err := ParseCategory(in.Category)
	if err != nil {
		add("category", err.Error())
	}
	if in.Body == "" || utf8.RuneCountInString(in.Body) > MaxBodyRunes {
		add("body", msg.T("study.material.badBody"))
	}
	if in.OrgID != 0 && err == nil && cat != CategoryPolicy {
		add("category", msg.T("study.material.unitPolicyOnly"))
	}
	tags, reason := cleanTags(in.Tags)
	if reason != "" {
		add("tags", reason)
	}
	if len(fe) > 0 {
		return "", nil, errs.E(errs.Invalid, "invalid_material", fe[0].Reason).WithFields(fe)
	}
	return cat, tags, nil
}

func cleanTags(in []string) ([]string, string) {
	var out []string
	for _, t := range in {
		for _, x := range SplitTags(t) {
			if utf8.RuneCountInString(x) > MaxTagRunes {
				return nil, msg.T("study.material.tagTooLong")
			}
			if !contains(out, x) {
				out = append(out, x)
			}
		}
	}
	if len(out) > MaxTags {
		return nil, msg.T("study.material.tooManyTags")
	}
	return out, ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
