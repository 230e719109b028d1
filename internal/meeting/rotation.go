package meeting

// DefaultPeerReviews is how many peers each member reviews by default, so
// that everyone receives at least two peer reviews (互评).
const DefaultPeerReviews = 2

// Assignment says that Reviewer writes a peer review of Reviewee.
type Assignment struct {
	Reviewer int64
	Reviewee int64
}

// Rotation assigns peer reviews among the attending members, in the order
// given (the caller keeps it stable, e.g. roster order): each member reviews
// the next k members, wrapping round at the end of the list.
//
// Because the offsets 1..k are distinct and never a multiple of n, nobody
// reviews themself, no pair repeats, and everyone gives and receives exactly
// min(k, n-1) reviews:
//   - k <= 0 means DefaultPeerReviews;
//   - k is capped at n-1: with 2 attendees each reviews the other once,
//     with 1 attendee (or none) there are no peer reviews;
//   - a member listed twice is counted once (attendance is a set).
//
// Assignments come out grouped by reviewer in attendance order.
func Rotation(attendees []int64, k int) []Assignment {
	ids := unique(attendees)
	n := len(ids)
	if k <= 0 {
		k = DefaultPeerReviews
	}
	k = min(k, n-1)
	if k <= 0 {
		return nil
	}
	out := make([]Assignment, 0, n*k)
	for i, reviewer := range ids {
		for step := 1; step <= k; step++ {
			out = append(out, Assignment{Reviewer: reviewer, Reviewee: ids[(i+step)%n]})
		}
	}
	return out
}

// RevieweesOf returns whom reviewer has to review, in rotation order: the
// "reviews to give" on a member's home page.
func RevieweesOf(assignments []Assignment, reviewer int64) []int64 {
	var out []int64
	for _, a := range assignments {
		if a.Reviewer == reviewer {
			out = append(out, a.Reviewee)
		}
	}
	return out
}

// unique drops repeated ids, keeping the first occurrence's place.
func unique(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
