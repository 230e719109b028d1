package study

import (
	"strings"
	"testing"
)

func TestRenderMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"# 一、总体要求\n正文第一行\n第二行", "<h2>一、总体要求</h2>\n<p>正文第一行<br>\n第二行</p>\n"},
		{"- 学党章\n- 学讲话\n\n1. 讲认识\n2. 讲体会", "<ul>\n<li>学党章</li>\n<li>学讲话</li>\n</ul>\n<ol>\n<li>讲认识</li>\n<li>讲体会</li>\n</ol>\n"},
		{"**重点**：`第一条`", "<p><strong>重点</strong>：<code>第一条</code></p>\n"},
		{"> 引文", "<blockquote><p>引文</p></blockquote>\n"},
		{"---", "<hr>\n"},
		{"[链接](https://www.12371.cn/a?b=1&c=2)", `<p><a href="https://www.12371.cn/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">链接</a></p>` + "\n"},
		// Raw HTML and dangerous links stay text.
		{"<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"},
		{`<img src=x onerror="alert(1)">`, "<p>&lt;img src=x onerror=&#34;alert(1)&#34;&gt;</p>\n"},
		{"[点我](javascript:alert(1))", "<p>[点我](javascript:alert(1))</p>\n"},
		{`[x](https://a" onclick="b)`, "<p>[x](https://a&#34; onclick=&#34;b)</p>\n"},
		{"[x](//evil.example)", "<p>[x](//evil.example)</p>\n"},
		{"**<b>粗</b>**", "<p><strong>&lt;b&gt;粗&lt;/b&gt;</strong></p>\n"},
		{"`<i>`", "<p><code>&lt;i&gt;</code></p>\n"},
	}
	for _, tt := range tests {
		if got := string(RenderMarkdown(tt.in)); got != tt.want {
			t.Errorf("RenderMarkdown(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
		}
	}
	// Whatever the input, no tag outside the allowed set reaches the page.
	nasty := "<iframe src=x></iframe>\n# <svg onload=1>\n- [a](data:text/html,<b>)\n> <style>\n**`<a href=javascript:1>`**"
	out := string(RenderMarkdown(nasty))
	for _, bad := range []string{"<iframe", "<svg", "<style", "<a href=javascript", "data:text/html,<"} {
		if strings.Contains(out, bad) {
			t.Errorf("output contains %q: %s", bad, out)
		}
	}
}

func TestParseQuery(t *testing.T) {
	q := parseQuery("党章 学习党章 G")
	// 党章 (1 bigram), 学习党章 (3 bigrams, 党章 already counted), G (a range).
	if len(q.keys) != 4 || len(q.phrases) != 1 || q.phrases[0] != "学习党章" {
		t.Errorf("parseQuery = %+v", q)
	}
	if !parseQuery("，。！ ").empty() {
		t.Error("punctuation-only query should be empty")
	}
	terms := indexTerms("党章", "党章党章")
	if c := terms[term('党', '章')]; c.Hits != 3 || !c.InTitle {
		t.Errorf("党章 = %+v, want 3 hits in title", c)
	}
	if c := terms[term('章', '党')]; c.Hits != 1 || c.InTitle {
		t.Errorf("章党 = %+v, want 1 hit in body", c)
	}
	if c := terms[term('章', 0)]; c.Hits != 2 {
		t.Errorf("end-of-segment 章 = %+v, want 2", c)
	}
}
