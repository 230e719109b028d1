package meeting

import (
	"slices"
	"testing"
)

func TestRotation(t *testing.T) {
	tests := []struct {
		name      string
		attendees []int64
		k         int
		want      []Assignment
	}{
		{"nobody", nil, 2, nil},
		{"one attendee: no peer reviews", []int64{7}, 2, nil},
		{"two attendees review each other once", []int64{7, 9}, 2, []Assignment{{7, 9}, {9, 7}}},
		{"three: each reviews the other two", []int64{1, 2, 3}, 2,
			[]Assignment{{1, 2}, {1, 3}, {2, 3}, {2, 1}, {3, 1}, {3, 2}}},
		{"four: the next two, wrapping", []int64{10, 20, 30, 40}, 2,
			[]Assignment{{10, 20}, {10, 30}, {20, 30}, {20, 40}, {30, 40}, {30, 10}, {40, 10}, {40, 20}}},
		{"k = 0 means the default of two", []int64{1, 2, 3, 4}, 0,
			[]Assignment{{1, 2}, {1, 3}, {2, 3}, {2, 4}, {3, 4}, {3, 1}, {4, 1}, {4, 2}}},
		{"k = 1", []int64{1, 2, 3}, 1, []Assignment{{1, 2}, {2, 3}, {3, 1}}},
		{"duplicates counted once", []int64{5, 6, 5, 6}, 2, []Assignment{{5, 6}, {6, 5}}},
		{"order given is kept", []int64{3, 1, 2}, 1, []Assignment{{3, 1}, {1, 2}, {2, 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Rotation(tt.attendees, tt.k); !slices.Equal(got, tt.want) {
				t.Errorf("Rotation(%v, %d) = %v, want %v", tt.attendees, tt.k, got, tt.want)
			}
		})
	}
}

// TestRotationProperties checks every unit size up to well beyond the
// seed's ten members and several k: no self-review, no duplicate pair, and
// every member gives and receives exactly min(k, n-1) reviews (so at least
// min(2, n-1) by default).
func TestRotationProperties(t *testing.T) {
	for n := 0; n <= 15; n++ {
		ids := make([]int64, n)
		for i := range ids {
			ids[i] = int64(100 + 7*i)
		}
		for _, k := range []int{0, 1, 2, 3, 5, 20} {
			eff := k
			if eff <= 0 {
				eff = DefaultPeerReviews
			}
			eff = max(min(eff, n-1), 0)
			as := Rotation(ids, k)
			given, received := map[int64]int{}, map[int64]int{}
			seen := map[Assignment]bool{}
			for _, a := range as {
				if a.Reviewer == a.Reviewee {
					t.Fatalf("n=%d k=%d: %d reviews themself", n, k, a.Reviewer)
				}
				if seen[a] {
					t.Fatalf("n=%d k=%d: duplicate %v", n, k, a)
				}
				seen[a] = true
				given[a.Reviewer]++
				received[a.Reviewee]++
			}
			for _, id := range ids {
				if given[id] != eff || received[id] != eff {
					t.Fatalf("n=%d k=%d: member %d gives %d, receives %d; want %d",
						n, k, id, given[id], received[id], eff)
				}
				if k == 0 && received[id] < min(2, n-1) {
					t.Fatalf("n=%d: member %d receives fewer than min(2, n-1)", n, id)
				}
			}
		}
	}
}

func TestRevieweesOf(t *testing.T) {
	as := Rotation([]int64{1, 2, 3, 4}, 2)
	tests := []struct {
		reviewer int64
		want     []int64
	}{
		{1, []int64{2, 3}},
		{4, []int64{1, 2}},
		{9, nil},
	}
	for _, tt := range tests {
		if got := RevieweesOf(as, tt.reviewer); !slices.Equal(got, tt.want) {
			t.Errorf("RevieweesOf(%d) = %v, want %v", tt.reviewer, got, tt.want)
		}
	}
}
