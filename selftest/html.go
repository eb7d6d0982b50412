package selftest

import (
	"fmt"
	"html/template"
	"io"
	"strings"
)

// WriteHTML renders m as one self-contained HTML page (no script, no
// external style): the detection matrix and the controls as tables, each
// row green when it passed and red when it did not, then the false
// alarms, what is not covered, and the verdict.
func WriteHTML(w io.Writer, m Matrix) error {
	return page.Execute(w, viewOf(m))
}

var page = template.Must(template.New("selftest").Funcs(template.FuncMap{"verdict": view.verdict}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>d1check selftest: {{if .OK}}OK{{else}}FAIL{{end}}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0 2em; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
tr.ok td { background: #eefbea; }
tr.bad td { background: #fde8e8; }
.verdict { font-size: 1.4em; font-weight: bold; }
.verdict.ok { color: #1a7f37; } .verdict.bad { color: #c62828; }
</style>
</head>
<body>
<h1>d1check selftest</h1>
<p class="verdict {{if .OK}}ok{{else}}bad{{end}}">{{verdict .}}</p>
<p>Every bug planted in the emulator, on the configurations that can expose it: detected by the intended
check, with the intended kind of anomaly, on every seed, within the op bound. Every correct configuration,
with and without faults, and the same traffic without each bug: no false alarm.</p>
<h2>Detection matrix</h2>
<table>
<tr>{{range .CellHeader}}<th>{{.}}</th>{{end}}</tr>
{{range .Cells}}<tr class="{{if .OK}}ok{{else}}bad{{end}}">{{range .Cols}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>
<h2>Controls</h2>
<table>
<tr>{{range .ControlHeader}}<th>{{.}}</th>{{end}}</tr>
{{range .Controls}}<tr class="{{if .OK}}ok{{else}}bad{{end}}">{{range .Cols}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>
{{with .Alarms}}<h2>False alarms</h2>
<ul>{{range .}}<li>{{.}}</li>{{end}}</ul>
{{end}}{{with .Uncovered}}<h2>Not covered</h2>
<ul>{{range .}}<li>{{.}}</li>{{end}}</ul>
{{end}}</body>
</html>
`))

// WriteMarkdown renders m as Markdown: the verdict, then the detection
// matrix and the controls as tables, the false alarms and what is not
// covered. It is summary.md of a selftest report.
func WriteMarkdown(w io.Writer, m Matrix) error {
	v := viewOf(m)
	var b strings.Builder
	fmt.Fprintf(&b, "# d1check selftest\n\n**%s**\n\n## Detection matrix\n\n", v.verdict())
	mdTable(&b, v.CellHeader, v.Cells)
	b.WriteString("\n## Controls\n\n")
	mdTable(&b, v.ControlHeader, v.Controls)
	for _, sec := range []struct {
		title string
		items []string
	}{{"False alarms", v.Alarms}, {"Not covered", v.Uncovered}} {
		if len(sec.items) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n## %s\n\n", sec.title)
		for _, it := range sec.items {
			fmt.Fprintf(&b, "- %s\n", mdEscape(it))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdTable(b *strings.Builder, header []string, rows []viewRow) {
	b.WriteString("| " + strings.Join(header, " | ") + " |\n|")
	b.WriteString(strings.Repeat(" --- |", len(header)) + "\n")
	for _, r := range rows {
		cols := make([]string, len(r.Cols))
		for i, c := range r.Cols {
			cols[i] = mdEscape(c)
		}
		b.WriteString("| " + strings.Join(cols, " | ") + " |\n")
	}
}

// mdEscape keeps a cell's text from breaking the table: kinds are joined
// with "|".
func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
