package workloads

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/opspec"
)

func TestKeySpaceValidate(t *testing.T) {
	good := []KeySpace{{Count: 1}, {Count: 5, Hot: 1, HotKeys: 1}, {Count: 5, Hot: 0, HotKeys: 3}}
	for _, k := range good {
		if err := k.Validate(); err != nil {
			t.Errorf("%+v: %v", k, err)
		}
	}
	bad := map[string]KeySpace{
		"count":            {Count: 0},
		"share in [0,1]":   {Count: 1, Hot: 1.5, HotKeys: 1},
		"share (negative)": {Count: 1, Hot: -0.1, HotKeys: 1},
		"NaN":              {Count: 1, Hot: math.NaN(), HotKeys: 1},
		"hot_keys is 0":    {Count: 1, Hot: 0.5},
		"hot_keys is -1":   {Count: 1, HotKeys: -1},
	}
	for want, k := range bad {
		err := k.Validate()
		if err == nil || !strings.Contains(err.Error(), strings.Split(want, " ")[0]) {
			t.Errorf("%+v: err = %v, want one about %q", k, err, want)
		}
	}
}

// OutcomeOf decides fail versus info: only an op that may have written and
// whose outcome is unknown is info.
func TestOutcome(t *testing.T) {
	transient := &d1.Error{Kind: d1.KindTransient, Message: "Network connection lost."}
	sql := d1.SQLError("no such table: u", -1, "ERROR", "")
	// Whether an op only reads is its declared shape's; an undeclared op
	// is taken to write.
	write, read, unknown := Op{F: opspec.FCreateSession}, Op{F: opspec.FReadSession}, Op{F: "w"}
	cases := []struct {
		op   Op
		err  error
		want Outcome
	}{
		{write, nil, OK},
		{write, transient, Info},
		{write, context.DeadlineExceeded, Info},
		{write, &d1.TransportError{Op: "POST", Err: errors.New("reset")}, Info},
		{write, sql, Fail},
		{write, NotApplied(transient), Fail},
		{read, transient, Fail},
		{read, context.DeadlineExceeded, Fail},
		{unknown, transient, Info},
		{write, errors.New("TypeError"), Fail},
	}
	for _, c := range cases {
		if got := OutcomeOf(c.op, c.err); got != c.want {
			t.Errorf("OutcomeOf(%+v, %v) = %s, want %s", c.op, c.err, got, c.want)
		}
	}
	if NotApplied(nil) != nil {
		t.Error("NotApplied(nil) != nil")
	}
}

func TestNamesAreDistinctPerVariant(t *testing.T) {
	if Email("Hot0", Atomic) == Email("hot0", Unconstrained) {
		t.Error("two variants share an email")
	}
	if got := Table("users", FirstPrimary); got != "d1check_users_first_primary" {
		t.Errorf("Table = %q", got)
	}
	if g, s := Generation(7, 3); g != 2 || s != 1 {
		t.Errorf("Generation(7,3) = %d,%d", g, s)
	}
}

func TestLookupUnknown(t *testing.T) {
	_, err := Lookup("nope")
	if err == nil || !strings.Contains(err.Error(), `unknown workload "nope"`) {
		t.Fatalf("Lookup(nope) = %v", err)
	}
}
