package web

import (
	"fmt"
	"net/url"
)

func urlPathEscape(s string) string { return url.PathEscape(s) }

func parseInt64(s string) (int64, error) {
	var n int64
	_, err := fmt.Sscan(s, &n)
	return n, err
}
