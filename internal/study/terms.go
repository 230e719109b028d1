package study

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Chinese has no spaces between words, so the library is searched by
// character bigrams: every pair of adjacent letters or digits in a title or
// body is a term, and a query matches when all of its bigrams do. Runs of
// letters and digits ("segments") are separated by anything else, so a
// bigram never spans punctuation or a space. A term packs the two runes
// into one integer (runes need 21 bits); the last rune of a segment is also
// indexed paired with 0 (so every occurrence of a rune starts some term).
// Each rune is indexed once more on its own, paired with unigramMark, so
// that a one-character query is a single key like any bigram rather than a
// range of every bigram starting with it (thousands of rows per material
// for a common character such as 党).

// unigramMark is the second half of a one-rune term: above every rune
// (max 0x10FFFF), so it never collides with a bigram.
const unigramMark = 1<<21 - 1

// term packs a bigram.
func term(a, b rune) int64 { return int64(a)<<21 | int64(b) }

// unigram is the term counting every occurrence of r.
func unigram(r rune) int64 { return term(r, unigramMark) }

// fold makes search case- and width-insensitive: full-width ASCII (Ａ, １)
// becomes half-width, letters lower case.
func fold(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		r -= 0xFEE0
	}
	return unicode.ToLower(r)
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// segments splits text into folded runs of letters and digits.
func segments(s string) [][]rune {
	var out [][]rune
	var cur []rune
	for _, r := range s {
		r = fold(r)
		if isWordRune(r) {
			cur = append(cur, r)
			continue
		}
		if len(cur) > 0 {
			out = append(out, cur)
			cur = nil
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// termCount is one row of the index for a material.
type termCount struct {
	Hits    int
	InTitle bool
}

// indexTerms counts the terms of a material's title and body.
func indexTerms(title, body string) map[int64]termCount {
	out := map[int64]termCount{}
	add := func(text string, inTitle bool) {
		bump := func(t int64) {
			c := out[t]
			c.Hits++
			c.InTitle = c.InTitle || inTitle
			out[t] = c
		}
		for _, seg := range segments(text) {
			for i := range seg {
				next := rune(0)
				if i+1 < len(seg) {
					next = seg[i+1]
				}
				bump(term(seg[i], next))
				bump(unigram(seg[i]))
			}
		}
	}
	add(title, true)
	add(body, false)
	return out
}

// MaxQueryRunes bounds a search query; longer ones are cut, since a
// handful of bigrams already pins a phrase down.
const MaxQueryRunes = 32

// parsedQuery is a query ready for the index: its keys (terms that must
// all occur) and the segments of three or more runes, which are checked as
// substrings afterwards because their bigrams could occur apart. A
// phrase's own bigrams (phraseKeys[i] for phrases[i]) are implied by the
// substring check, so the search may probe only the rarest of them.
type parsedQuery struct {
	keys       []int64
	phrases    []string
	phraseKeys [][]int64
	needed     map[int64]bool // keys of one- and two-rune segments
	segments   int            // how many segments the query has
}

func (q parsedQuery) empty() bool { return len(q.keys) == 0 }

// parseQuery turns user input into index keys: the bigrams of each segment,
// or the unigram of a one-rune segment.
func parseQuery(s string) parsedQuery {
	if utf8.RuneCountInString(s) > MaxQueryRunes {
		s = string([]rune(s)[:MaxQueryRunes])
	}
	q := parsedQuery{needed: map[int64]bool{}}
	add := func(t int64) {
		if !slices.Contains(q.keys, t) {
			q.keys = append(q.keys, t)
		}
	}
	for _, seg := range segments(s) {
		q.segments++
		switch len(seg) {
		case 1:
			add(unigram(seg[0]))
			q.needed[unigram(seg[0])] = true
		case 2:
			add(term(seg[0], seg[1]))
			q.needed[term(seg[0], seg[1])] = true
		default:
			var keys []int64
			for i := 0; i+1 < len(seg); i++ {
				add(term(seg[i], seg[i+1]))
				keys = append(keys, term(seg[i], seg[i+1]))
			}
			q.phrases = append(q.phrases, string(seg))
			q.phraseKeys = append(q.phraseKeys, keys)
		}
	}
	return q
}

// holdsAll reports whether every (folded) phrase occurs in the title or
// the body, compared as the index compares: case and width folded.
func holdsAll(title, body string, phrases []string) bool {
	var ft, fb string // folded texts, made when first needed
	for _, ph := range phrases {
		if strings.Contains(title, ph) || strings.Contains(body, ph) {
			continue
		}
		if !foldable(ph) {
			return false
		}
		if ft == "" && fb == "" {
			ft, fb = strings.Map(fold, title), strings.Map(fold, body)
		}
		if !strings.Contains(ft, ph) && !strings.Contains(fb, ph) {
			return false
		}
	}
	return true
}

// foldable reports whether some other rune folds into one of the
// phrase's: an ASCII one (its full-width form) or a lower-case letter
// (its upper case). Chinese characters fold only into themselves, so a
// Chinese phrase is found by a plain substring search.
func foldable(ph string) bool {
	return strings.ContainsFunc(ph, func(r rune) bool { return r < utf8.RuneSelf || unicode.ToUpper(r) != r })
}
