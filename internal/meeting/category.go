package meeting

import "slices"

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

var categories = enum[Category]{
	what: "必学类别",
	items: []item[Category]{
		{CategorySpeeches, "总书记近期重要讲话精神"},
		{CategoryRules, "党章党规详细解读"},
		{CategoryDocuments, "省市区委文件和重要部署讲话"},
		{CategoryPolicy, "本单位本系统业务政策及指导性文件"},
	},
}

// Categories returns the four categories in the seed's order.
func Categories() []Category { return categories.values() }

// Label returns the Chinese name.
func (c Category) Label() string { return categories.label(c) }

// Number is the category's place in the seed's list (1–4), 0 if unknown.
func (c Category) Number() int { return categories.index(c) + 1 }

// ParseCategory accepts a code or a Chinese label; anything else is refused.
func ParseCategory(s string) (Category, error) { return categories.parse(s) }

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
	return len(categories.items) + 1
}
