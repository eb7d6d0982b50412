package reports

import (
	"fmt"
	"sort"
	"strings"

	"github.com/d1check/d1check/history"
)

// SummaryHTTP is what an app run's requests did, per route: a route whose
// answers did not match the scenario's mapping is counted here, so that a
// valid verdict built on few matching answers is visible.
type SummaryHTTP struct {
	Routes []SummaryRoute `json:"routes"`
	// Joined counts the requests whose database queries were matched to
	// them, by how sure the match is ("exact", "key+bookmark",
	// "ambiguous": not attached).
	Joined map[string]int `json:"joined"`
}

// SummaryRoute is one route's requests by outcome.
type SummaryRoute struct {
	Route    string `json:"route"`
	Requests int    `json:"requests"`
	OK       int    `json:"ok"`
	// Mismatched answers could not be read with the mapping (info for a
	// write answered 2xx, fail otherwise).
	Mismatched int `json:"mismatched"`
	// Unanswered got a 5xx or no answer (info for a write, fail for a read).
	Unanswered int `json:"unanswered"`
	// Refused got another 4xx, not declared as a refusal (fail).
	Refused int `json:"refused"`
}

// httpSummary tallies an app run's completions; nil for other runs.
func httpSummary(h *history.History) *SummaryHTTP {
	if h == nil {
		return nil
	}
	by := map[string]*SummaryRoute{}
	s := &SummaryHTTP{Joined: map[string]int{}}
	for _, e := range h.Events {
		if e.HTTP == nil || e.Type == history.Invoke {
			continue
		}
		r := by[e.HTTP.Route]
		if r == nil {
			r = &SummaryRoute{Route: e.HTTP.Route}
			by[e.HTTP.Route] = r
		}
		r.Requests++
		switch {
		case e.Type == history.OK:
			r.OK++
		case e.HTTP.Mismatch != "" && (e.HTTP.Status < 400 || e.HTTP.Status >= 500):
			r.Mismatched++
		case e.HTTP.Status == 0 || e.HTTP.Status >= 500:
			r.Unanswered++
		default:
			r.Refused++
		}
		if e.HTTP.TraceJoin != "" {
			s.Joined[e.HTTP.TraceJoin]++
		}
	}
	if len(by) == 0 {
		return nil
	}
	for _, r := range by {
		s.Routes = append(s.Routes, *r)
	}
	sort.Slice(s.Routes, func(i, j int) bool { return s.Routes[i].Route < s.Routes[j].Route })
	return s
}

// markdown is the routes' line for summary.md.
func (s *SummaryHTTP) markdown() string {
	var parts []string
	for _, r := range s.Routes {
		p := fmt.Sprintf("`%s` %d requests, %d ok", r.Route, r.Requests, r.OK)
		if r.Mismatched > 0 {
			p += fmt.Sprintf(", **%d not matching the mapping**", r.Mismatched)
		}
		if r.Refused > 0 {
			p += fmt.Sprintf(", %d refused (undeclared 4xx)", r.Refused)
		}
		if r.Unanswered > 0 {
			p += fmt.Sprintf(", %d 5xx or unanswered", r.Unanswered)
		}
		parts = append(parts, p)
	}
	line := "Routes: " + strings.Join(parts, "; ")
	if n := s.Joined["exact"] + s.Joined["key+bookmark"] + s.Joined["ambiguous"]; n > 0 {
		line += fmt.Sprintf(". Queries joined to requests: %d exact, %d by key and bookmark, %d ambiguous", s.Joined["exact"], s.Joined["key+bookmark"], s.Joined["ambiguous"])
	}
	return line + ".\n\n"
}
