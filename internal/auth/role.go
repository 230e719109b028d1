// Package auth holds accounts, passwords, login sessions, roles and their
// scopes. A role is always granted on an org and covers its whole subtree.
package auth

import (
	"strings"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/msg"
)

// Role is a global role, granted on a subtree of the organisation.
type Role string

const (
	Admin       Role = "admin"       // 区委组织部: runs the programme, manages people
	TaskForce   Role = "taskforce"   // 工作专班: drives and supervises
	Secretary   Role = "secretary"   // 书记
	Leader      Role = "leader"      // 分管领导
	GroupLeader Role = "groupleader" // 党小组长
	Member      Role = "member"      // 党员
	Auditor     Role = "auditor"     // 审计管理员: reads the audit log, nothing else
)

// Roles lists every role in display order.
var Roles = []Role{Admin, TaskForce, Secretary, Leader, GroupLeader, Member, Auditor}

// Label is the role's Chinese name.
func (r Role) Label() string {
	switch r {
	case Admin:
		return msg.T("auth.label.admin")
	case TaskForce:
		return msg.T("auth.label.taskForce")
	case Secretary:
		return msg.T("auth.label.secretary")
	case Leader:
		return msg.T("auth.label.leader")
	case GroupLeader:
		return msg.T("auth.label.groupLeader")
	case Member:
		return msg.T("auth.label.member")
	case Auditor:
		return msg.T("auth.label.auditor")
	}
	return string(r)
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Grant is one role on one org.
type Grant struct {
	ID      int64  `json:"id"`
	Role    Role   `json:"role"`
	OrgID   int64  `json:"org_id"`
	OrgPath string `json:"-"`
	OrgName string `json:"org_name"`
}

// Principal is the logged-in user as the handlers see it.
type Principal struct {
	UserID        int64   `json:"id"`
	Username      string  `json:"username"`
	DisplayName   string  `json:"display_name"`
	MemberID      int64   `json:"member_id,omitempty"`
	MemberOrgID   int64   `json:"member_org_id,omitempty"`
	MemberOrgPath string  `json:"-"`
	MustChange    bool    `json:"must_change"`
	Grants        []Grant `json:"roles"`
	IP            string  `json:"-"`
	SessionHash   string  `json:"-"`
}

// Actor is the principal as the audit log records it.
func (p *Principal) Actor() audit.Actor {
	if p == nil {
		return audit.System
	}
	name := p.DisplayName
	if name == "" {
		name = p.Username
	}
	return audit.Actor{UserID: p.UserID, Name: name + "(" + p.Username + ")", IP: p.IP}
}

// Has reports whether p holds any of roles anywhere.
func (p *Principal) Has(roles ...Role) bool {
	if p == nil {
		return false
	}
	for _, g := range p.Grants {
		for _, r := range roles {
			if g.Role == r {
				return true
			}
		}
	}
	return false
}

// Covers reports whether p holds one of roles on an org whose subtree
// contains the org at orgPath.
func (p *Principal) Covers(orgPath string, roles ...Role) bool {
	if p == nil || orgPath == "" {
		return false
	}
	for _, g := range p.Grants {
		if g.OrgPath == "" || !strings.HasPrefix(orgPath, g.OrgPath) {
			continue
		}
		for _, r := range roles {
			if g.Role == r {
				return true
			}
		}
	}
	return false
}

// Scopes returns the org paths on which p holds one of roles, with paths
// inside another returned path removed (so a query can OR them).
func (p *Principal) Scopes(roles ...Role) []string {
	var out []string
	for _, g := range p.Grants {
		for _, r := range roles {
			if g.Role == r && g.OrgPath != "" {
				out = append(out, g.OrgPath)
			}
		}
	}
	var kept []string
	for i, a := range out {
		inside := false
		for j, b := range out {
			if i != j && strings.HasPrefix(a, b) && (a != b || j < i) {
				inside = true
				break
			}
		}
		if !inside {
			kept = append(kept, a)
		}
	}
	return kept
}

// Managers may see and edit people: the admin
// anywhere in scope, a secretary in their subtree.
var Managers = []Role{Admin, Secretary}

// Readers may read the organisation and its members.
var Readers = []Role{Admin, TaskForce, Secretary, Leader, GroupLeader}
