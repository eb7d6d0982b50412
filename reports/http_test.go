package reports

import (
	"strings"
	"testing"

	"github.com/d1check/d1check/history"
)

func TestHTTPSummaryCountsMismatches(t *testing.T) {
	done := func(typ history.Type, status int, mismatch, join string) history.Event {
		return history.Event{Type: typ, HTTP: &history.HTTP{Route: "signup", Status: status, Mismatch: mismatch, TraceJoin: join}}
	}
	h := &history.History{Events: []history.Event{
		{Type: history.Invoke}, done(history.OK, 200, "", "exact"),
		{Type: history.Invoke}, done(history.Fail, 200, `content-type "text/html", not JSON`, ""),
		{Type: history.Invoke}, done(history.Fail, 404, "status 404", "ambiguous"),
		{Type: history.Invoke}, done(history.Info, 500, "", ""),
	}}
	s := httpSummary(h)
	if s == nil || len(s.Routes) != 1 {
		t.Fatalf("summary %+v", s)
	}
	r := s.Routes[0]
	if r.Requests != 4 || r.OK != 1 || r.Mismatched != 1 || r.Refused != 1 || r.Unanswered != 1 {
		t.Errorf("route %+v", r)
	}
	if s.Joined["exact"] != 1 || s.Joined["ambiguous"] != 1 {
		t.Errorf("joined %v", s.Joined)
	}
	if md := s.markdown(); !strings.Contains(md, "**1 not matching the mapping**") {
		t.Errorf("markdown %q", md)
	}
	if httpSummary(&history.History{Events: []history.Event{{Type: history.OK}}}) != nil {
		t.Error("a run without HTTP ops has an http summary")
	}
}
