package org

import "sort"

func sortSlice(list []*Org, less func(a, b *Org) bool) {
	sort.SliceStable(list, func(i, j int) bool { return less(list[i], list[j]) })
}
