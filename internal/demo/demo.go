// Package demo generates the demo district: 二七区's organisation tree and
// its members, built from the agencies the seed newspaper page names plus a
// few more. It is pure and deterministic — no database, no clock, no global
// random source — so the same seed gives the same district on every machine,
// and whoever loads it into a store can test against known names.
package demo

import (
	"hash/fnv"
	"time"
)

// Org kinds, as in the glossary.
const (
	KindDistrict  = "district"
	KindCommittee = "committee"
	KindBranch    = "branch"
	KindGroup     = "group"
)

// Member statuses.
const (
	StatusNormal       = "正常"
	StatusMobile       = "流动"
	StatusProbationary = "预备党员"
)

// MaxUnitSize is the seed's limit: an activity unit generally has no more
// than 10 members.
const MaxUnitSize = 10

// Org is a node of the organisation tree.
type Org struct {
	Name     string
	Kind     string // "district" | "committee" | "branch" | "group"
	Children []*Org
	Members  []Person // only on activity units: a branch without groups, or a group
}

// Person is a party member of the demo district.
type Person struct {
	Name     string // plausible generated Chinese name
	Gender   string // "男" | "女"
	Birth    string // "YYYY-MM-DD"
	Joined   string // date joined the party, "YYYY-MM-DD", ≥ Birth+18y, ≤ 2026-10-01
	Phone    string // 11 digits, unique across the district
	Position string // job title
	Status   string // "正常" mostly; a few "流动" / "预备党员"
	Login    string // "" for most; LoginSecretary / LoginMember for the demo accounts

	Secretary   bool // the branch secretary (书记): exactly one per branch, in the branch or one of its groups
	GroupLeader bool // the group leader (党小组长): exactly one per group
}

// IsActivityUnit reports whether o holds meetings itself: a group, or a
// branch that is not split into groups.
func (o *Org) IsActivityUnit() bool {
	return o.Kind == KindGroup || (o.Kind == KindBranch && len(o.Children) == 0)
}

// District builds the demo 二七区 deterministically from seed (same seed →
// identical tree). The shape (agencies, branches, their sizes) is fixed;
// the seed decides the people.
func District(seed int64) *Org {
	root := &Org{Name: DistrictName, Kind: KindDistrict}
	phones := map[string]bool{}
	for _, a := range agencies {
		// Each agency draws from its own stream, so adding or resizing one
		// agency in the table does not reshuffle everyone else's people.
		// Only phone collisions (vanishingly rare) couple the streams.
		r := newRNG(uint64(seed), streamID(a.agency))
		c := &Org{Name: a.committee, Kind: KindCommittee}
		for i, b := range a.branches {
			c.Children = append(c.Children, buildBranch(r, a, i, b, phones))
		}
		root.Children = append(root.Children, c)
	}
	return root
}

func streamID(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

func buildBranch(r *rng, a agencySpec, index int, b branchSpec, phones map[string]bool) *Org {
	people := make([]Person, 0, b.size)
	names := map[string]bool{}
	for range b.size {
		people = append(people, genPerson(r, a.female, b.jobs, names, phones))
	}

	// The secretary is one of the more senior regular members: one of the
	// three oldest, not the oldest every time.
	sec := pickSenior(r, people, 3)
	people[sec].Secretary = true
	if index == 0 {
		// An agency's deputy head commonly leads its first (机关) branch.
		people[sec].Position = a.head
	} else if t, ok := secretaryTitles[b.name]; ok {
		people[sec].Position = t
	} else {
		people[sec].Position = pick(r, ladders[b.jobs].secretary)
	}
	people = moveToFront(people, sec)

	branch := &Org{Name: b.name, Kind: KindBranch}
	if b.name == DemoBranch {
		people[0].Login = LoginSecretary
		m := pickRegular(r, people, true, func(p *Person) bool { return p.Secretary })
		people[m].Login = LoginMember
	}
	if b.size <= MaxUnitSize || b.name == OversizeBranch {
		branch.Members = people
		return branch
	}

	// Split into the fewest groups of at most 9 (comfortably within the
	// limit), as evenly as possible; the secretary sits in the first group.
	g := (len(people) + 8) / 9
	start := 0
	for i := range g {
		size := len(people) / g
		if i < len(people)%g {
			size++
		}
		unit := append([]Person(nil), people[start:start+size]...)
		start += size
		// The group leader is a regular member other than the secretary,
		// preferably past the first few years of work.
		l := pickRegular(r, unit, false, func(p *Person) bool {
			return p.Secretary || 2026-mustYear(p.Birth) < 28
		})
		if l < 0 {
			l = pickRegular(r, unit, true, func(p *Person) bool { return p.Secretary })
		}
		unit[l].GroupLeader = true
		// The list starts with the secretary (if here), then the leader.
		if unit[0].Secretary {
			moveToFront(unit[1:], l-1)
		} else {
			moveToFront(unit, l)
		}
		branch.Children = append(branch.Children, &Org{Name: groupName(i), Kind: KindGroup, Members: unit})
	}
	return branch
}

func genPerson(r *rng, female float64, jobs jobKind, names, phones map[string]bool) Person {
	isFemale := r.Float64() < female
	birth := genBirth(r)
	age := 2026 - birth.Year()
	status := StatusNormal
	switch n := r.IntN(100); {
	case n < 2:
		status = StatusMobile
	case n < 8 && age <= 35, n < 3:
		status = StatusProbationary
	}
	var name string
	for name == "" || names[name] {
		name = genName(r, isFemale, birth.Year())
	}
	names[name] = true
	gender := "男"
	if isFemale {
		gender = "女"
	}
	return Person{
		Name:     name,
		Gender:   gender,
		Birth:    birth.Format(dateLayout),
		Joined:   genJoined(r, birth, status == StatusProbationary).Format(dateLayout),
		Phone:    genPhone(r, phones),
		Position: genPosition(r, jobs, age),
		Status:   status,
	}
}

// pickSenior returns the index of one of the k oldest regular members. A
// probationary or mobile member cannot lead a unit; if none is regular the
// first person is made a regular full member, since every branch needs a
// secretary.
func pickSenior(r *rng, people []Person, k int) int {
	var idx []int
	for i := range people {
		if people[i].Status == StatusNormal {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		makeRegular(r, &people[0])
		return 0
	}
	// Birth strings sort chronologically; insertion sort keeps it simple.
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && people[idx[j]].Birth < people[idx[j-1]].Birth; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	return idx[r.IntN(min(k, len(idx)))]
}

// pickRegular returns the index of a random regular member not excluded by
// skip. If there is none it returns -1, or with force makes the first
// non-excluded member regular and returns that one.
func pickRegular(r *rng, people []Person, force bool, skip func(*Person) bool) int {
	var idx []int
	for i := range people {
		if people[i].Status == StatusNormal && !skip(&people[i]) {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 && force {
		for i := range people {
			if !skip(&people[i]) {
				makeRegular(r, &people[i])
				return i
			}
		}
	}
	if len(idx) == 0 {
		return -1
	}
	return idx[r.IntN(len(idx))]
}

// makeRegular turns someone into a regular full member, with a joining date
// a full member can have.
func makeRegular(r *rng, p *Person) {
	p.Status = StatusNormal
	b, _ := time.Parse(dateLayout, p.Birth)
	p.Joined = genJoined(r, b, false).Format(dateLayout)
}

// moveToFront moves people[i] to the front, keeping the others in order,
// so a unit's list starts with its secretary or group leader.
func moveToFront(people []Person, i int) []Person {
	p := people[i]
	copy(people[1:i+1], people[:i])
	people[0] = p
	return people
}

func mustYear(date string) int {
	t, err := time.Parse(dateLayout, date)
	if err != nil {
		panic("demo: bad generated date " + date)
	}
	return t.Year()
}

var numerals = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// groupName is "第一党小组", "第二党小组" …
func groupName(i int) string {
	return "第" + numerals[i] + "党小组"
}

// Walk calls fn for root and every node below it, depth first, parents
// before children, with root at depth 0.
func Walk(root *Org, fn func(o *Org, depth int)) {
	var walk func(o *Org, d int)
	walk = func(o *Org, d int) {
		fn(o, d)
		for _, c := range o.Children {
			walk(c, d+1)
		}
	}
	if root != nil {
		walk(root, 0)
	}
}

// Count returns the number of branches, groups and members in the tree.
func Count(root *Org) (branches, groups, members int) {
	Walk(root, func(o *Org, _ int) {
		switch o.Kind {
		case KindBranch:
			branches++
		case KindGroup:
			groups++
		}
		members += len(o.Members)
	})
	return
}

// Find returns the first node named name, or nil.
func Find(root *Org, name string) *Org {
	var found *Org
	Walk(root, func(o *Org, _ int) {
		if found == nil && o.Name == name {
			found = o
		}
	})
	return found
}

// Agency returns the agency name of a committee node (e.g. 区人社局 for
// 区人社局党组), or "" if o is not a demo committee.
func Agency(o *Org) string {
	for _, a := range agencies {
		if o.Kind == KindCommittee && o.Name == a.committee {
			return a.agency
		}
	}
	return ""
}

// Agencies returns the agencies of the demo district in display order.
func Agencies() []string {
	out := make([]string, len(agencies))
	for i, a := range agencies {
		out[i] = a.agency
	}
	return out
}
