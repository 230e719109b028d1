package study

import (
	"html"
	"html/template"
	"regexp"
	"strings"
)

// RenderMarkdown turns a material's body into HTML, conservatively: every
// character of the source is escaped, and only a small, fixed set of
// Markdown constructs becomes markup — headings, paragraphs, lists, quotes,
// rules, bold, inline code and links to http(s) or site-relative
// addresses. Raw HTML in the source is shown as text, never passed
// through, so nothing a material's author writes can run in a reader's
// page. (No Markdown library is vendored; this subset is what Party study
// materials use.)
func RenderMarkdown(src string) template.HTML {
	r := &mdRenderer{}
	for _, line := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		r.line(line)
	}
	r.closeBlock()
	return template.HTML(r.b.String()) //nolint:gosec // built from escaped text only
}

type mdRenderer struct {
	b     strings.Builder
	open  string   // "p", "ul", "ol", "blockquote" or ""
	lines []string // paragraph or quote lines waiting
}

var (
	reHeading = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*\s*$`)
	reBullet  = regexp.MustCompile(`^\s{0,3}[-*+]\s+(.*)$`)
	reOrdered = regexp.MustCompile(`^\s{0,3}\d{1,3}[.)]\s+(.*)$`)
	reRule    = regexp.MustCompile(`^\s{0,3}([-*_])(\s*([-*_])){2,}\s*$`)
	reQuote   = regexp.MustCompile(`^\s{0,3}>\s?(.*)$`)
)

func (r *mdRenderer) line(line string) {
	switch {
	case strings.TrimSpace(line) == "":
		r.closeBlock()
	case reRule.MatchString(line):
		r.closeBlock()
		r.b.WriteString("<hr>\n")
	case reHeading.MatchString(line):
		r.closeBlock()
		m := reHeading.FindStringSubmatch(line)
		// The page's title is the h1; a body's headings sit below it.
		level := min(len(m[1])+1, 4)
		r.b.WriteString("<h" + string(rune('0'+level)) + ">" + inline(m[2]) + "</h" + string(rune('0'+level)) + ">\n")
	case reBullet.MatchString(line):
		r.item("ul", reBullet.FindStringSubmatch(line)[1])
	case reOrdered.MatchString(line):
		r.item("ol", reOrdered.FindStringSubmatch(line)[1])
	case reQuote.MatchString(line):
		if r.open != "blockquote" {
			r.closeBlock()
			r.open = "blockquote"
		}
		r.lines = append(r.lines, reQuote.FindStringSubmatch(line)[1])
	default:
		if r.open == "ul" || r.open == "ol" || r.open == "blockquote" {
			r.closeBlock()
		}
		r.open = "p"
		r.lines = append(r.lines, strings.TrimSpace(line))
	}
}

func (r *mdRenderer) item(kind, text string) {
	if r.open != kind {
		r.closeBlock()
		r.open = kind
		r.b.WriteString("<" + kind + ">\n")
	}
	r.b.WriteString("<li>" + inline(text) + "</li>\n")
}

// closeBlock ends the open block. Lines of a paragraph keep their breaks:
// in Chinese text a line break is the author's, and joining lines with a
// space (as Markdown does for English) would put gaps between characters.
func (r *mdRenderer) closeBlock() {
	switch r.open {
	case "p", "blockquote":
		parts := make([]string, len(r.lines))
		for i, l := range r.lines {
			parts[i] = inline(l)
		}
		body := "<p>" + strings.Join(parts, "<br>\n") + "</p>"
		if r.open == "blockquote" {
			body = "<blockquote>" + body + "</blockquote>"
		}
		r.b.WriteString(body + "\n")
	case "ul", "ol":
		r.b.WriteString("</" + r.open + ">\n")
	}
	r.open, r.lines = "", nil
}

// inline renders bold, inline code and links inside one line; everything
// else is escaped text.
func inline(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		switch {
		case strings.HasPrefix(s, "**"):
			if end := strings.Index(s[2:], "**"); end > 0 {
				b.WriteString("<strong>" + inline(s[2:2+end]) + "</strong>")
				s = s[4+end:]
				continue
			}
		case s[0] == '`':
			if end := strings.IndexByte(s[1:], '`'); end > 0 {
				b.WriteString("<code>" + html.EscapeString(s[1:1+end]) + "</code>")
				s = s[2+end:]
				continue
			}
		case s[0] == '[':
			if text, href, rest, ok := link(s); ok {
				b.WriteString(`<a href="` + html.EscapeString(href) + `" rel="nofollow noopener noreferrer">` + inline(text) + "</a>")
				s = rest
				continue
			}
		}
		// One character (or one multi-byte rune) of plain text.
		n := 1
		for n < len(s) && s[n]&0xC0 == 0x80 {
			n++
		}
		b.WriteString(html.EscapeString(s[:n]))
		s = s[n:]
	}
	return b.String()
}

// link parses "[text](href)" at the start of s; only http(s) addresses and
// site-relative paths are links, anything else (javascript:, data:) stays
// text.
func link(s string) (text, href, rest string, ok bool) {
	close := strings.Index(s, "](")
	if close < 1 {
		return "", "", "", false
	}
	end := strings.IndexByte(s[close+2:], ')')
	if end < 0 {
		return "", "", "", false
	}
	text, href = s[1:close], strings.TrimSpace(s[close+2:close+2+end])
	if strings.ContainsAny(text, "[]") || !safeHref(href) {
		return "", "", "", false
	}
	return text, href, s[close+3+end:], true
}

func safeHref(h string) bool {
	if strings.ContainsAny(h, " \t\"'<>\\") {
		return false
	}
	l := strings.ToLower(h)
	return strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://") ||
		strings.HasPrefix(h, "/") && !strings.HasPrefix(h, "//")
}

// Excerpt is the first characters of a body as plain text, for lists.
func Excerpt(body string, n int) string {
	var b strings.Builder
	count := 0
	for _, r := range body {
		if strings.ContainsRune("#*`>[]()-_", r) {
			continue
		}
		if r == '\n' || r == '\r' || r == '\t' {
			r = ' '
		}
		b.WriteRune(r)
		if count++; count >= n {
			b.WriteString("…")
			break
		}
	}
	return strings.TrimSpace(b.String())
}
