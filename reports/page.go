package reports

import (
	"fmt"
	"html/template"
	"sort"
	"strings"
	"time"

	"github.com/d1check/d1check/checker"
)

// Anomalies per run drawn in full (sentence and timeline), and listed as
// one line after those; the rest are counted ("and K more").
const (
	maxDrawnAnomalies  = 8
	maxListedAnomalies = 40
)

// pageData is everything the template shows, computed up front so the
// template only lays out.
type pageData struct {
	Title, Command, Started string
	Verdict                 checker.Verdict
	Headline                string
	Scenarios, Invalid      int
	ExpectMet, ExpectTotal  int
	Blame                   []blameView
	Overview                []overviewRow
	Groups                  []groupView
	Fixes                   []advice
	VizCap, VizShown        int
	VizLeftOut              int
	CSS                     template.CSS
}

type blameView struct {
	Blame checker.Blame
	Title string
	Count int
	Kinds []string
	Text  string
}

type overviewRow struct {
	ID, Name, Workload, Variants string
	Verdict                      checker.Verdict
	Kinds                        []string
	Expect, ExpectWhy            string
	Met                          bool
}

type groupView struct {
	Workload, Title string
	Runs            []runView
}

type runView struct {
	ID, Name, File, HistoryPath, Target string
	Seed                                int64
	Time, Replay                        string // "simulated" or "real"; the replay command
	Verdict                             checker.Verdict
	Met                                 bool
	ExpectWhy                           string
	Variants                            []string
	Checks                              []checkRow
	Counts                              Counts
	Drawn                               []anomalyView
	Listed                              []anomalyView
	More, Total                         int
	Latency, Staleness, Throughput      template.HTML
	StaleText                           string
	Faults                              []string
	Viz                                 []vizView
}

type checkRow struct {
	Name, Unit, Note string
	All              cell
	Cells            []cell
}

type cell struct {
	Verdict checker.Verdict
	Text    string
	Empty   bool
}

type anomalyView struct {
	checker.Anomaly
	BlameTitle string
	EventList  string
	Timeline   template.HTML
}

// buildPage computes the page. It is pure: the same report always gives
// the same page.
func buildPage(pr *prepared) *pageData {
	r := pr.r
	pd := &pageData{Title: r.Title, Command: r.Command, Verdict: r.Verdict(), VizCap: MaxVisualizations, CSS: template.CSS(pageCSS)}
	if pd.Title == "" {
		pd.Title = "d1check report"
	}
	if !r.Started.IsZero() {
		pd.Started = r.Started.UTC().Format(time.RFC1123)
	}
	kinds := kindBlames{}
	blame := map[checker.Blame]*blameView{}
	vizLeft := MaxVisualizations
	runs := make([]runView, len(r.Runs))
	for i, run := range r.Runs {
		runs[i] = buildRun(run, pr.stats[i], i, &vizLeft, &pd.VizLeftOut)
		pd.Scenarios++
		if runs[i].Verdict == checker.Invalid {
			pd.Invalid++
		}
		pd.ExpectTotal++
		if runs[i].Met {
			pd.ExpectMet++
		}
		for _, a := range run.Result.Anomalies {
			kinds.add(a)
			b := blameOf(a)
			bv := blame[b]
			if bv == nil {
				bv = &blameView{Blame: b, Title: blameTitle(b)}
				blame[b] = bv
			}
			bv.Count++
			if !contains(bv.Kinds, string(a.Kind)) {
				bv.Kinds = append(bv.Kinds, string(a.Kind))
			}
		}
		pd.Overview = append(pd.Overview, overviewOf(run, runs[i]))
	}
	pd.VizShown = MaxVisualizations - vizLeft
	for _, g := range groupRuns(r.Runs) {
		gv := groupView{Workload: g.Workload, Title: g.Title}
		for _, i := range g.Runs {
			gv.Runs = append(gv.Runs, runs[i])
		}
		pd.Groups = append(pd.Groups, gv)
	}
	for _, b := range []checker.Blame{checker.BlameApplication, checker.BlameDatabase} {
		bv := blame[b]
		if bv == nil {
			bv = &blameView{Blame: b, Title: blameTitle(b)}
		}
		sort.Strings(bv.Kinds)
		bv.Text = blameText(bv)
		pd.Blame = append(pd.Blame, *bv)
	}
	pd.Fixes = kinds.advice()
	pd.Headline = headline(pd)
	return pd
}

func blameOf(a checker.Anomaly) checker.Blame {
	if a.Blame == checker.BlameApplication || a.Blame == checker.BlameDatabase {
		return a.Blame
	}
	return adviceFor(a.Kind).Blame
}

func blameText(b *blameView) string {
	if b.Count == 0 {
		if b.Blame == checker.BlameDatabase {
			return "D1 kept every promise it makes: session guarantees held, bookmarks never went backwards, no acknowledged write was lost."
		}
		return "No anomaly points at the application's access patterns."
	}
	return fmt.Sprintf("%s anomal%s: %s.", fmtCount(b.Count), map[bool]string{true: "y", false: "ies"}[b.Count == 1], strings.Join(b.Kinds, ", "))
}

func headline(pd *pageData) string {
	switch {
	case pd.Scenarios == 0:
		return "No histories were reported: nothing was checked, so nothing is proven."
	case pd.Verdict == checker.Valid:
		return fmt.Sprintf("All %d scenario%s valid: no anomalies found.", pd.Scenarios, plural(pd.Scenarios))
	case pd.Verdict == checker.Unknown:
		return "Some checks could not decide (porcupine timed out, or a history was not checked): unknown is never valid."
	}
	return fmt.Sprintf("%d of %d scenario%s found anomalies.", pd.Invalid, pd.Scenarios, plural(pd.Scenarios))
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func overviewOf(run Run, rv runView) overviewRow {
	return overviewRow{ID: rv.ID, Name: rv.Name, Workload: workloadOf(run), Variants: strings.Join(rv.Variants, ", "),
		Verdict: rv.Verdict, Kinds: anomalyKinds(run.Result), Expect: run.Expect.Text,
		ExpectWhy: rv.ExpectWhy, Met: rv.Met}
}

// buildRun computes one run's section. vizLeft is the report-wide budget of
// porcupine visualizations; leftOut counts the failures it could not take.
func buildRun(run Run, st *stats, i int, vizLeft, leftOut *int) runView {
	rv := runView{ID: fmt.Sprintf("run-%d", i+1), Name: runName(run, i), HistoryPath: run.HistoryPath,
		Verdict: runVerdict(run), Counts: st.Counts, Target: run.History.Header.Target, Seed: run.History.Header.Seed}
	if s := run.Scenario; s != nil {
		rv.File = s.File
		if rv.Target == "" {
			rv.Target = s.Target.Kind
		}
		rv.Time, rv.Replay = timeOf(s), s.ReplayCommand()
	}
	rv.Met, rv.ExpectWhy = run.Expect.Met, run.Expect.Why
	rv.Variants = variantsOf(run)
	rv.Checks = checkRows(run.Result.Checks, rv.Variants)
	rv.Latency = latencyChart(st.Latency)
	rv.Staleness = stalenessChart(st.Staleness)
	rv.StaleText = staleText(st.Staleness)
	rv.Throughput = throughputChart(st.Throughput, st.Faults)
	for _, f := range st.Faults {
		rv.Faults = append(rv.Faults, faultTip(f))
	}
	anoms := run.Result.Anomalies
	for _, c := range run.Result.Checks {
		rv.Total += c.Anomalies
	}
	rv.Total = max(rv.Total, len(anoms))
	drawn := anoms[:min(len(anoms), maxDrawnAnomalies)]
	if len(drawn) > 0 {
		td := newTimelineData(run.History, drawn, st)
		for _, a := range drawn {
			av := anomalyViewOf(a)
			av.Timeline = td.timelineSVG(a)
			rv.Drawn = append(rv.Drawn, av)
		}
	}
	for _, a := range anoms[len(drawn):min(len(anoms), maxDrawnAnomalies+maxListedAnomalies)] {
		rv.Listed = append(rv.Listed, anomalyViewOf(a))
	}
	rv.More = rv.Total - len(rv.Drawn) - len(rv.Listed)
	for fi := range run.Result.Failures {
		if *vizLeft == 0 {
			*leftOut += len(run.Result.Failures) - fi
			break
		}
		*vizLeft--
		rv.Viz = append(rv.Viz, visualize(&run.Result.Failures[fi]))
	}
	return rv
}

// anomalyViewOf prepares an anomaly for the page. Its strings come from
// the history, so they are bounded here: a pathological key or sentence
// must not blow up the page.
func anomalyViewOf(a checker.Anomaly) anomalyView {
	a.Blame = blameOf(a)
	a.Key, a.Session, a.Variant = clip(a.Key, 200), clip(a.Session, 100), clip(a.Variant, 100)
	a.Explanation = clip(a.Explanation, 4000)
	ev := make([]string, 0, min(len(a.Events), 12))
	for j, e := range a.Events {
		if j == 12 {
			ev = append(ev, fmt.Sprintf("… %d more", len(a.Events)-12))
			break
		}
		ev = append(ev, fmt.Sprint(e))
	}
	return anomalyView{Anomaly: a, BlameTitle: blameTitle(a.Blame), EventList: strings.Join(ev, ", ")}
}

// variantsOf lists the run's variants: the scenario's order, then any the
// checks report that the scenario did not name.
func variantsOf(run Run) []string {
	var out []string
	if s := run.Scenario; s != nil {
		out = append(out, s.Variants...)
	}
	for _, c := range run.Result.Checks {
		for _, v := range c.Variants {
			if !contains(out, v.Variant) {
				out = append(out, v.Variant)
			}
		}
	}
	return out
}

func checkRows(checks []checker.CheckResult, variants []string) []checkRow {
	rows := make([]checkRow, 0, len(checks))
	for _, c := range checks {
		row := checkRow{Name: c.Name, Unit: c.Unit, Note: c.Note,
			All: cell{Verdict: c.Verdict, Text: tally(c.Failed, c.Checked, c.Unknown, c.Unit)}}
		for _, v := range variants {
			cl := cell{Empty: true}
			for _, vr := range c.Variants {
				if vr.Variant == v {
					cl = cell{Verdict: vr.Verdict, Text: tally(vr.Failed, vr.Checked, vr.Unknown, "")}
				}
			}
			row.Cells = append(row.Cells, cl)
		}
		rows = append(rows, row)
	}
	return rows
}

func tally(failed, checked, unknown int, unit string) string {
	t := fmt.Sprintf("%s of %s failed", fmtCount(failed), fmtCount(checked))
	if unit != "" {
		t = fmt.Sprintf("%s of %s %s failed", fmtCount(failed), fmtCount(checked), unit)
	}
	if unknown > 0 {
		t += fmt.Sprintf(", %s unknown", fmtCount(unknown))
	}
	return t
}

func staleText(st staleness) string {
	if st.Reads == 0 {
		return "No replica reads with a bookmark in the traces: nothing to measure."
	}
	stale := st.Reads - st.Behind[0]
	regions := make([]string, 0, len(st.ByRegion))
	for r := range st.ByRegion {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	parts := make([]string, 0, len(regions))
	for _, r := range regions {
		n := st.ByRegion[r]
		parts = append(parts, fmt.Sprintf("%s %s/%s", r, fmtCount(n[1]), fmtCount(n[0])))
	}
	return fmt.Sprintf("%s of %s replica reads (%.1f%%) were served behind the newest write a client already had; at most %d commits behind. Behind/total by region: %s.",
		fmtCount(stale), fmtCount(st.Reads), 100*float64(stale)/float64(st.Reads), st.Max, strings.Join(parts, " · "))
}
