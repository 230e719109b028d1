package web

import (
	"encoding/base64"
	"fmt"
	"strings"

	qrcode "github.com/yeqown/go-qrcode/v2"
)

// svgWriter renders a QR matrix as a compact SVG: one path of unit
// squares, so the code stays sharp on any screen and prints cleanly.
type svgWriter struct{ out *strings.Builder }

func (w svgWriter) Write(mat qrcode.Matrix) error {
	n := mat.Width()
	const quiet = 4
	size := n + 2*quiet
	fmt.Fprintf(w.out, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges"><rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, size, size, size, size)
	mat.Iterate(qrcode.IterDirection_ROW, func(x, y int, v qrcode.QRValue) {
		if v.IsSet() {
			fmt.Fprintf(w.out, "M%d %dh1v1h-1z", x+quiet, y+quiet)
		}
	})
	w.out.WriteString(`"/></svg>`)
	return nil
}

func (w svgWriter) Close() error { return nil }

// qrSVG encodes text as a QR code and returns it as a data: URL (allowed by
// the CSP's img-src, unlike inline markup with styles).
func qrSVG(text string) (string, error) {
	q, err := qrcode.New(text)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := q.Save(svgWriter{&b}); err != nil {
		return "", err
	}
	return "data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString([]byte(b.String())), nil
}
