// Package org is the organisation tree (district → committees → branches →
// party groups, any depth), its members, the activity units that hold
// meetings, and roster import and export.
package org

import (
	"strconv"
	"strings"

	"xuejiangping/internal/msg"
)

// Kind is the kind of a node of the tree.
type Kind string

const (
	District  Kind = "district"  // 区
	Committee Kind = "committee" // 党委 · 党组 · 机关党委 · 党工委
	Branch    Kind = "branch"    // 党支部
	Group     Kind = "group"     // 党小组
)

// Label is the kind's Chinese name.
func (k Kind) Label() string {
	switch k {
	case District:
		return msg.T("org.label.district")
	case Committee:
		return msg.T("org.label.committee")
	case Branch:
		return msg.T("org.label.branch")
	case Group:
		return msg.T("org.label.group")
	}
	return string(k)
}

// Valid reports a known kind.
func (k Kind) Valid() bool {
	return k == District || k == Committee || k == Branch || k == Group
}

// MaxUnitSize is the seed's rule: an activity unit generally has no more
// than 10 members ("党员人数一般不超过10人").
const MaxUnitSize = 10

// Org is one node of the tree.
type Org struct {
	ID        int64  `json:"id"`
	ParentID  int64  `json:"parent_id,omitempty"`
	Name      string `json:"name"`
	Kind      Kind   `json:"kind"`
	KindLabel string `json:"kind_label"`
	Path      string `json:"-"`
	Sort      int    `json:"sort"`
	Members   int    `json:"members"`    // members attached directly
	HasGroups bool   `json:"has_groups"` // a branch split into groups
	Children  []*Org `json:"children,omitempty"`
	Depth     int    `json:"depth"`
}

// IsUnit reports whether the org is an activity unit: a party group, or a
// branch that has no groups.
func (o *Org) IsUnit() bool {
	return o.Kind == Group || (o.Kind == Branch && !o.HasGroups)
}

// Oversized reports an activity unit over the ≤10 rule.
func (o *Org) Oversized() bool { return o.IsUnit() && o.Members > MaxUnitSize }

// SuggestedGroups is how many groups splitting this unit would take.
func (o *Org) SuggestedGroups() int {
	return (o.Members + MaxUnitSize - 1) / MaxUnitSize
}

// childPath is the path a child of this org gets.
func childPath(parentPath string, id int64) string {
	if parentPath == "" {
		parentPath = "/"
	}
	return parentPath + strconv.FormatInt(id, 10) + "/"
}

// depthOf counts the ids in a path.
func depthOf(path string) int { return strings.Count(path, "/") - 1 }

// Member is a party member.
type Member struct {
	ID         int64  `json:"id"`
	OrgID      int64  `json:"org_id"`
	OrgName    string `json:"org_name"`
	Name       string `json:"name"`
	Gender     string `json:"gender"`
	BirthDate  string `json:"birth_date"`
	JoinedDate string `json:"joined_date"`
	Phone      string `json:"phone"`
	Position   string `json:"position"`
	Status     string `json:"status"`
	HasAccount bool   `json:"has_account"`
	orgPath    string
}

// Statuses a member can have.
var Statuses = []string{"正常", "预备党员", "流动", "停止党籍", "已转出"}

// Genders accepted.
var Genders = []string{"男", "女"}

// MaskPhone hides the middle four digits: 138****1234.
func MaskPhone(p string) string {
	if len(p) != 11 {
		if p == "" {
			return ""
		}
		return "****"
	}
	return p[:3] + "****" + p[7:]
}
