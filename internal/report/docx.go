package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"strings"

	"xuejiangping/internal/msg"
)

// Docx writes the brief as a minimal Office Open XML document that Word
// and WPS open: the content types, the package relationship, the document
// and its styles. The layout follows a government brief: a red masthead
// "工作简报", the issue number, the issuer and date either side, a red rule,
// then the title and the body (headings in 黑体, text in 仿宋).
func Docx(b Brief) ([]byte, error) {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	files := []struct{ name, body string }{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", rootRels},
		{"word/_rels/document.xml.rels", docRels},
		{"word/styles.xml", styles},
		{"word/document.xml", documentXML(b)},
	}
	for _, f := range files {
		w, err := z.Create(f.name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(f.body)); err != nil {
			return nil, err
		}
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
</Types>`

const rootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`

const docRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>`

// The fonts of a Chinese official document, by the names Word looks up.
const (
	fontTitle   = "方正小标宋简体"
	fontHeading = "黑体"
	fontBody    = "仿宋"
)

const styles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="` + fontBody + `"/><w:sz w:val="32"/><w:lang w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:line="560" w:lineRule="exact"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
</w:styles>`

// documentXML is the body; every text goes through xml.EscapeText. The
// children of pPr and rPr follow the schema order, which Word enforces.
func documentXML(b Brief) string {
	var w strings.Builder
	w.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	para(&w, msg.T("report.docx.masthead"), `<w:spacing w:before="600" w:after="200" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>`, `<w:rFonts w:eastAsia="`+fontTitle+`"/><w:b/><w:color w:val="D00000"/><w:sz w:val="96"/>`)
	para(&w, msg.T("report.docx.issueNo", b.IssueNo), `<w:jc w:val="center"/>`, ``)
	// Issuer on the left, date on the right, over the red rule.
	w.WriteString(`<w:p><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="18" w:space="4" w:color="D00000"/></w:pBdr><w:tabs><w:tab w:val="right" w:pos="8840"/></w:tabs></w:pPr>`)
	run(&w, b.Issuer, "")
	w.WriteString(`<w:r><w:tab/></w:r>`)
	run(&w, b.Date().In(mustZone()).Format(msg.T("report.docx.dateLayout")), "")
	w.WriteString(`</w:p>`)
	para(&w, b.Title, `<w:spacing w:before="400" w:after="200"/><w:jc w:val="center"/>`, `<w:rFonts w:eastAsia="`+fontTitle+`"/><w:sz w:val="44"/>`)
	for _, p := range b.Paragraphs() {
		if p.Heading {
			para(&w, p.Text, `<w:ind w:firstLine="640"/>`, `<w:rFonts w:eastAsia="`+fontHeading+`"/>`)
		} else {
			para(&w, p.Text, `<w:ind w:firstLine="640"/>`, ``)
		}
	}
	w.WriteString(`<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>`)
	w.WriteString(`</w:body></w:document>`)
	return w.String()
}

func para(w *strings.Builder, text, pPr, rPr string) {
	w.WriteString(`<w:p><w:pPr>` + pPr + `</w:pPr>`)
	run(w, text, rPr)
	w.WriteString(`</w:p>`)
}

func run(w *strings.Builder, text, rPr string) {
	w.WriteString(`<w:r>`)
	if rPr != "" {
		w.WriteString(`<w:rPr>` + rPr + `</w:rPr>`)
	}
	w.WriteString(`<w:t xml:space="preserve">`)
	_ = xml.EscapeText(w, []byte(text))
	w.WriteString(`</w:t></w:r>`)
}
