package similar

import "unicode"

// Normalize returns the characters of text that carry content: letters and
// digits, with full-width ASCII folded to half-width and Latin letters
// lower-cased. Whitespace, punctuation (Chinese and ASCII), symbols and
// control or format characters are dropped, because copying a speech and
// re-punctuating it must not change its shingles.
func Normalize(text string) []rune {
	return appendNormalized(make([]rune, 0, len(text)/3+1), text)
}

// appendNormalized appends the normalised runes of text to out, so bulk
// builds can reuse one buffer.
func appendNormalized(out []rune, text string) []rune {
	for _, r := range text {
		if r >= 0x4E00 && r <= 0x9FFF {
			// CJK Unified Ideographs, nearly all of a speech: keep them
			// without the Unicode table look-ups below.
			out = append(out, r)
			continue
		}
		r = foldWidth(r)
		if !unicode.IsLetter(r) && !unicode.IsNumber(r) {
			continue
		}
		out = append(out, unicode.ToLower(r))
	}
	return out
}

// foldWidth maps full-width ASCII (U+FF01..U+FF5E) and the ideographic space
// to their half-width forms: the part of NFKC that matters for Chinese text
// typed on a mixed keyboard, done without golang.org/x/text.
func foldWidth(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	}
	return r
}

// shingleKey packs k ≤ 3 runes into one integer. A rune needs 21 bits, so
// three fit exactly in 63 bits: the packing is injective and shingles never
// collide before hashing.
func shingleKey(rs []rune) uint64 {
	var key uint64
	for _, r := range rs {
		key = key<<21 | uint64(r)
	}
	return key
}

// shingleSet returns the distinct shingles of normalised runes, for the exact
// Jaccard used to verify pairs and in tests.
func shingleSet(rs []rune, k int) map[uint64]struct{} {
	set := make(map[uint64]struct{}, len(rs))
	for i := 0; i+k <= len(rs); i++ {
		set[shingleKey(rs[i:i+k])] = struct{}{}
	}
	return set
}

// jaccard returns |a∩b| / |a∪b|; two empty sets are not similar.
func jaccard(a, b map[uint64]struct{}) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	inter := 0
	for s := range a {
		if _, ok := b[s]; ok {
			inter++
		}
	}
	union := len(a) + len(b) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}
