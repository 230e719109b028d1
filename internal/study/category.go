// Package study is the 学 of 学讲评: the four must-study categories (四个必学)
// and, later, the material library.
package study

import (
	"slices"
	"strings"

	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// Category is one of the four must-study categories (四个必学) a meeting's
// materials are filed under. The codes are stored and sent over the API;
// the Chinese labels are what users see.
type Category string

// The four must-study categories, in the seed's order.
const (
	CategorySpeeches  Category = "speeches"         // 1 总书记近期重要讲话精神
	CategoryRules     Category = "party_rules"      // 2 党章党规详细解读
	CategoryDocuments Category = "higher_documents" // 3 省市区委文件和重要部署讲话
	CategoryPolicy    Category = "unit_policy"      // 4 本单位本系统业务政策及指导性文件
)

var categories = []struct {
	value Category
	label string
}{
	{CategorySpeeches, msg.T("study.categories.categorySpeeches")},
	{CategoryRules, msg.T("study.categories.categoryRules")},
	{CategoryDocuments, msg.T("study.categories.categoryDocuments")},
	{CategoryPolicy, msg.T("study.categories.categoryPolicy")},
}

// Categories returns the four categories in the seed's order.
func Categories() []Category {
	out := make([]Category, len(categories))
	for i, c := range categories {
		out[i] = c.value
	}
	return out
}

// Label returns the Chinese name.
func (c Category) Label() string {
	if i := c.Number(); i > 0 {
		return categories[i-1].label
	}
	return string(c)
}

// Number is the category's place in the seed's list (1–4), 0 if unknown.
func (c Category) Number() int {
	for i, x := range categories {
		if x.value == c {
			return i + 1
		}
	}
	return 0
}

// ParseCategory accepts a code or a Chinese label; anything else is refused.
func ParseCategory(s string) (Category, error) {
	s = strings.TrimSpace(s)
	labels := make([]string, len(categories))
	for i, c := range categories {
		if s == string(c.value) || s == c.label {
			return c.value, nil
		}
		labels[i] = c.label
	}
	return "", errs.E(errs.Invalid, "invalid_category", msg.T("study.invalid_category", s, strings.Join(labels, "、")))
}

// MissingCategories returns the required categories the covered ones leave
// out, each once, in the seed's order (unknown codes last, as given), so the
// plan page can say exactly which must-study items still need material.
func MissingCategories(required []Category, covered []Category) []Category {
	var missing []Category
	for _, c := range required {
		if !slices.Contains(covered, c) && !slices.Contains(missing, c) {
			missing = append(missing, c)
		}
	}
	slices.SortStableFunc(missing, func(a, b Category) int {
		return rank(a) - rank(b)
	})
	return missing
}

// rank orders known categories by number and puts unknown ones after them.
func rank(c Category) int {
	if n := c.Number(); n > 0 {
		return n
	}
	return len(categories) + 1
}
