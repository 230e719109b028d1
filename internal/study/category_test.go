package study

import (
	"slices"
	"testing"
)

func TestCategories(t *testing.T) {
	want := []struct {
		c      Category
		number int
		label  string
	}{
		{CategorySpeeches, 1, "总书记近期重要讲话精神"},
		{CategoryRules, 2, "党章党规详细解读"},
		{CategoryDocuments, 3, "省市区委文件和重要部署讲话"},
		{CategoryPolicy, 4, "本单位本系统业务政策及指导性文件"},
	}
	all := Categories()
	if len(all) != len(want) {
		t.Fatalf("Categories() = %v, want 4", all)
	}
	for i, w := range want {
		if all[i] != w.c || w.c.Number() != w.number || w.c.Label() != w.label {
			t.Errorf("category %d = %s (%d, %q), want %s (%d, %q)",
				i, all[i], all[i].Number(), all[i].Label(), w.c, w.number, w.label)
		}
		for _, in := range []string{string(w.c), w.label} {
			if got, err := ParseCategory(in); err != nil || got != w.c {
				t.Errorf("ParseCategory(%q) = %s, %v", in, got, err)
			}
		}
	}
	if n := Category("x").Number(); n != 0 {
		t.Errorf("unknown category number = %d, want 0", n)
	}
}

func TestMissingCategories(t *testing.T) {
	all := Categories()
	tests := []struct {
		name              string
		required, covered []Category
		want              []Category
	}{
		{"all four required, none covered", all, nil, all},
		{"all four covered", all, all, nil},
		{"covered in another order", all, []Category{CategoryPolicy, CategoryRules, CategoryDocuments, CategorySpeeches}, nil},
		{"one missing", all, []Category{CategorySpeeches, CategoryRules, CategoryPolicy}, []Category{CategoryDocuments}},
		{"missing come out in the seed's order", []Category{CategoryPolicy, CategorySpeeches, CategoryDocuments}, []Category{CategoryDocuments}, []Category{CategorySpeeches, CategoryPolicy}},
		{"nothing required", nil, []Category{CategoryRules}, nil},
		{"only part required", []Category{CategoryRules}, []Category{CategorySpeeches}, []Category{CategoryRules}},
		{"duplicates in required reported once", []Category{CategoryRules, CategoryRules}, nil, []Category{CategoryRules}},
		{"extra coverage is fine", []Category{CategoryRules}, all, nil},
		{"unknown required code kept, after the four", []Category{"custom", CategoryPolicy}, nil, []Category{CategoryPolicy, "custom"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MissingCategories(tt.required, tt.covered); !slices.Equal(got, tt.want) {
				t.Errorf("MissingCategories = %v, want %v", got, tt.want)
			}
		})
	}
}
