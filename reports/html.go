package reports

import (
	"bufio"
	_ "embed"
	"html/template"
	"io"
	"strings"

	"github.com/d1check/d1check/checker"
)

//go:embed page.tmpl
var pageTmpl string

//go:embed page.css
var pageCSS string

// page is parsed once; html/template escapes every value from the history
// (SQL text, emails, error messages) by context.
var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"verdictClass": func(v checker.Verdict) string {
		switch v {
		case checker.Valid, checker.Invalid, checker.Unknown:
			return string(v)
		}
		return "unknown"
	},
	"upper": strings.ToUpper,
	"count": fmtCount,
	"ms":    func(ns int64) string { return fmtMS(float64(ns)) },
	"add":   func(a, b int) int { return a + b },
}).Parse(pageTmpl))

// WriteHTML writes index.html: one self-contained page (styles and its one
// small script inline, charts as inline SVG, nothing loaded from the
// network) that a person can read in any browser.
func WriteHTML(w io.Writer, r *Report) error {
	pr, err := prepare(r)
	if err != nil {
		return err
	}
	return writeHTML(w, pr)
}

func writeHTML(w io.Writer, pr *prepared) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := page.Execute(bw, buildPage(pr)); err != nil {
		return err
	}
	return bw.Flush()
}
