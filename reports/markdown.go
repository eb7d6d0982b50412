package reports

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/d1check/d1check/checker"
)

// mdAnomaliesPerRun caps the anomaly sentences per scenario in the
// Markdown summary: CI job summaries have a size limit (GitHub's is 1 MiB)
// and a reader wants the first few, not all.
const mdAnomaliesPerRun = 5

// WriteSummaryMarkdown writes summary.md, for a CI job summary
// ($GITHUB_STEP_SUMMARY): the verdict, one table row per scenario, the
// first anomaly sentences of each failing scenario and how to fix each kind.
func WriteSummaryMarkdown(w io.Writer, r *Report) error {
	pr, err := prepare(r)
	if err != nil {
		return err
	}
	return writeSummaryMarkdown(w, pr)
}

var verdictIcon = map[checker.Verdict]string{checker.Valid: "✅", checker.Invalid: "❌", checker.Unknown: "⚠️"}

func writeSummaryMarkdown(w io.Writer, pr *prepared) error {
	r := pr.r
	b := bufio.NewWriter(w)
	title := r.Title
	if title == "" {
		title = "d1check report"
	}
	v := r.Verdict()
	fmt.Fprintf(b, "## %s %s: %s\n\n", verdictIcon[v], mdText(title), strings.ToUpper(string(v)))
	s := buildSummary(pr)
	met := 0
	for _, sc := range s.Scenarios {
		if sc.ExpectationMet {
			met++
		}
	}
	fmt.Fprintf(b, "%d scenario%s · expectations met %d of %d", len(s.Scenarios), plural(len(s.Scenarios)), met, len(s.Scenarios))
	if r.Command != "" {
		fmt.Fprintf(b, " · produced by: %s", mdText(r.Command))
	}
	b.WriteString("\n\n")
	if len(s.Scenarios) > 0 {
		b.WriteString("| Scenario | Workload | Verdict | Anomalies | Expected | Met |\n| --- | --- | --- | --- | --- | --- |\n")
		for i, sc := range s.Scenarios {
			kinds := "none"
			if len(sc.AnomalyKinds) > 0 {
				kinds = "`" + strings.Join(sc.AnomalyKinds, "`, `") + "`"
			}
			mark := "✅"
			if !sc.ExpectationMet {
				mark = "❌"
			}
			fmt.Fprintf(b, "| %s | %s | %s %s | %s | %s | %s |\n", mdText(sc.Name), mdText(sc.Workload), verdictIcon[sc.Verdict], sc.Verdict,
				kinds, mdText(r.Runs[i].Expect.Text), mark)
		}
		b.WriteString("\n")
	}
	kinds := kindBlames{}
	for _, sc := range s.Scenarios {
		if len(sc.Anomalies) == 0 {
			continue
		}
		fmt.Fprintf(b, "### %s\n\n", mdText(sc.Name))
		if !sc.ExpectationMet {
			fmt.Fprintf(b, "**Expectation not met:** %s\n\n", mdText(sc.Expectation))
		}
		for j, a := range sc.Anomalies {
			kinds.add(checker.Anomaly{Kind: a.Kind, Blame: a.Blame})
			if j == mdAnomaliesPerRun {
				fmt.Fprintf(b, "- … and %d more (see summary.json or index.html)\n", len(sc.Anomalies)-j)
				break
			}
			fmt.Fprintf(b, "- **%s** (%s): %s\n", a.Kind, blameTitle(a.Blame), mdText(a.Explanation))
		}
		b.WriteString("\n")
	}
	if len(kinds) > 0 {
		b.WriteString("### How to fix\n\n")
		for _, ad := range kinds.advice() {
			whose := ""
			if ad.Blame != adviceFor(ad.Kind).Blame {
				whose = " (D1's fault here)"
			}
			fmt.Fprintf(b, "- **%s**%s — %s\n", ad.Kind, whose, mdText(htmlToText(string(ad.Fix))))
		}
		b.WriteString("\n")
	}
	b.WriteString("_Cross-session linearizability failures are expected for unconstrained reads; \"D1 broke its promise\" anomalies are database or driver bugs. Open index.html for timelines and charts._\n")
	return b.Flush()
}

// mdText makes a string from a history safe inside Markdown text and
// table cells: one line, no raw HTML, table pipes escaped.
func mdText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;", "`", "'").Replace(clip(s, 2000))
}

// htmlToText turns the advice's small HTML (code spans and entities) into
// Markdown.
func htmlToText(s string) string {
	return strings.NewReplacer("<code>", "`", "</code>", "`", "<em>", "_", "</em>", "_", "&gt;", ">", "&lt;", "<", "&amp;", "&").Replace(s)
}
